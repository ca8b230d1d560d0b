package dev.vigil.service;

import dev.vigil.config.SloSettings;
import dev.vigil.kube.CrdPresence;
import dev.vigil.reconcile.NotReady;
import dev.vigil.reconcile.Part;
import dev.vigil.reconcile.PartOutcome;
import dev.vigil.slo.PlatformTemplateSource;
import dev.vigil.slo.PlatformTemplates;
import dev.vigil.slo.RulesDelivery;
import dev.vigil.slo.SloPrometheusRule;
import dev.vigil.slo.SloStatusBuilder;
import dev.vigil.status.Reasons;

/**
 * SLOs: checks the rules and measures budgets when due ({@code status.slos}, the per-SLO and MetricsAvailable
 * conditions); a rule that cannot be generated or checked rejects the spec. Delivers the rules as a PrometheusRule
 * where the Prometheus operator's CRD is installed, else as the rules ConfigMap (a dependent).
 */
final class SloPart implements Part<ServiceContext> {
    private final SloStatusBuilder status;
    private final CrdPresence crds;
    private final SloSettings settings;
    private final PlatformTemplateSource platform;

    SloPart(SloStatusBuilder status, CrdPresence crds, SloSettings settings, PlatformTemplateSource platform) {
        this.status = status;
        this.crds = crds;
        this.settings = settings;
        this.platform = platform;
    }

    @Override
    public PartOutcome plan(ServiceContext ctx) {
        PlatformTemplates templates = platform.current();
        ctx.decided(PlatformTemplates.class, templates);
        SloStatusBuilder.Outcome slo = status.update(ctx.service(), ctx.fleet(), ctx.old(), ctx.next(), ctx.conditions(),
                settings, templates);
        ctx.decided(SloStatusBuilder.Outcome.class, slo);
        PartOutcome out = PartOutcome.recheck(slo.recheckAfter());
        if (!slo.problems().isEmpty()) {
            out = out.and(PartOutcome.notReady(NotReady.of(NotReady.Rank.REJECTED, Reasons.INVALID_SLO,
                    String.join("; ", slo.problems()) + " (no rules were written or changed)")));
        }
        return out;
    }

    @Override
    public void prepare(ServiceContext ctx) {
        RulesDelivery delivery = new RulesDelivery(crds.present(SloPrometheusRule.CRD), settings,
                ctx.requireDecision(PlatformTemplates.class), ctx.requireDecision(SloStatusBuilder.Outcome.class).rulesFile());
        ctx.decided(RulesDelivery.class, delivery);
        RulesDelivery.KEY.put(ctx.josdk(), delivery);
    }

    @Override
    public PartOutcome deliver(ServiceContext ctx) {
        if (!ctx.requireDecision(RulesDelivery.class).prometheusRuleCrd()) {
            return PartOutcome.NONE;
        }
        String problem = SloPrometheusRule.sync(ctx.client(), ctx.service(), settings, ctx.requireDecision(PlatformTemplates.class));
        return problem == null ? PartOutcome.NONE
                : PartOutcome.notReady(NotReady.of(NotReady.Rank.DELIVERY_FAILED, Reasons.RULES_NAME_TAKEN, problem));
    }
}
