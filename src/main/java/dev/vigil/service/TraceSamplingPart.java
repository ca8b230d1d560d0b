package dev.vigil.service;

import dev.vigil.api.v1alpha1.InstrumentedServiceStatus;
import dev.vigil.reconcile.Part;
import dev.vigil.reconcile.PartOutcome;
import dev.vigil.sampling.TraceSampler;
import dev.vigil.slo.BurnRateTable;
import dev.vigil.status.Reasons;

import java.math.BigDecimal;
import java.util.List;

/**
 * {@code spec.traces.sampling}: the ratio the service's shard fleet serves its SDK ({@link TraceSampler}), in the
 * status ({@code status.traceSampling}) and the TraceSampling condition (absent without a sampling section). Ready is
 * not affected: whatever happens to its strategy, the app keeps sampling (its last strategy, or its own settings).
 */
final class TraceSamplingPart implements Part<ServiceContext> {
    private final TraceSampler sampler;

    TraceSamplingPart(TraceSampler sampler) {
        this.sampler = sampler;
    }

    @Override
    public PartOutcome plan(ServiceContext ctx) {
        InstrumentedServiceStatus old = ctx.old();
        TraceSampler.Outcome outcome;
        if (ctx.rejected()) {
            // A spec admission let through but a part refused: what is served stays as it was.
            ctx.next().traceSampling = old == null ? null : old.traceSampling;
            return PartOutcome.NONE;
        }
        outcome = sampler.update(ctx.service(), old == null ? null : old.traceSampling,
                ctx.fleet(), burning(ctx.next()));
        ctx.decided(TraceSampler.Outcome.class, outcome);
        ctx.next().traceSampling = outcome.status().orElse(null);
        if (ctx.service().getSpec().traces != null && ctx.service().getSpec().traces.sampling != null) {
            ctx.conditions().set(Reasons.TRACE_SAMPLING, outcome.conditionTrue(), outcome.reason(), outcome.message());
        }
        return PartOutcome.recheck(outcome.recheckAfter());
    }

    @Override
    public PartOutcome deliver(ServiceContext ctx) {
        ctx.decision(TraceSampler.Outcome.class).flatMap(TraceSampler.Outcome::boostEvent)
                .ifPresent(message -> sampler.boosted(ctx.service(), message));
        return PartOutcome.NONE;
    }

    /**
     * An SLO of the service burns faster than its ticket threshold now: its burn rate over the shortest window (5m)
     * is above the highest ticket factor of the burn-rate table for its window (3 for 30 days), the pace that, kept
     * up, raises a ticket. The short window (rather than the firing alerts, whose long windows keep them firing for
     * hours) lets the boost end within minutes of the incident.
     */
    static boolean burning(InstrumentedServiceStatus next) {
        List<InstrumentedServiceStatus.SloStatus> slos = next.slos;
        if (slos == null) {
            return false;
        }
        for (InstrumentedServiceStatus.SloStatus s : slos) {
            String burn = s.burnRates == null ? null : s.burnRates.get(SHORT_WINDOW);
            if (burn == null || s.window == null) {
                continue;
            }
            try {
                BigDecimal threshold = BurnRateTable.ROWS.stream()
                        .filter(r -> r.severity() == BurnRateTable.Severity.ticket)
                        .map(r -> BurnRateTable.factor(r, BurnRateTable.days(s.window)))
                        .max(BigDecimal::compareTo).orElse(BigDecimal.ONE);
                if (new BigDecimal(burn).compareTo(threshold) > 0) {
                    return true;
                }
            } catch (NumberFormatException e) {
                // NaN or an unknown window: no burn known
            }
        }
        return false;
    }

    static final String SHORT_WINDOW = "5m";
}
