package dev.vigil.service;

import dev.vigil.report.SloReports;
import dev.vigil.reconcile.Part;
import dev.vigil.reconcile.PartOutcome;
import dev.vigil.slo.PlatformTemplates;
import dev.vigil.status.EventRecorder;
import dev.vigil.status.Reasons;

/**
 * SLO reports ({@code spec.reports}): made when due in the plan (Prometheus queries only), written in the delivery
 * as the ConfigMap {@code <name>-slo-report} with a Normal event; {@code status.sloReport} summarises the last one.
 * A spec that another part rejected makes no report.
 */
final class SloReportPart implements Part<ServiceContext> {
    private final SloReports reports;
    private final EventRecorder events;

    SloReportPart(SloReports reports, EventRecorder events) {
        this.reports = reports;
        this.events = events;
    }

    @Override
    public PartOutcome plan(ServiceContext ctx) {
        var old = ctx.old() == null ? null : ctx.old().sloReport;
        if (ctx.rejected()) {
            ctx.next().sloReport = old;
            return PartOutcome.NONE;
        }
        SloReports.Outcome outcome = reports.update(ctx.service(), ctx.fleet(),
                ctx.decision(PlatformTemplates.class).orElse(PlatformTemplates.none()), old);
        ctx.decided(SloReports.Outcome.class, outcome);
        ctx.next().sloReport = outcome.status();
        return PartOutcome.recheck(outcome.recheck());
    }

    @Override
    public PartOutcome deliver(ServiceContext ctx) {
        ctx.decision(SloReports.Outcome.class).flatMap(SloReports.Outcome::report).ifPresent(report -> {
            reports.write(ctx.service(), report);
            events.normal(ctx.service(), Reasons.SLO_REPORT_READY, "SLO report " + report.period()
                    + (report.complete() ? "" : " (so far)") + " written to ConfigMap "
                    + ctx.next().sloReport.configMap + ": " + String.join("; ", ctx.next().sloReport.summary));
        });
        ctx.decision(SloReports.Outcome.class).filter(SloReports.Outcome::webhookDue).ifPresent(o -> {
            var status = ctx.next().sloReport;
            reports.postToWebhook(ctx.service(), status);
            if (!status.webhook.delivered && status.webhook.attempts >= SloReports.WEBHOOK_ATTEMPTS) {
                events.warning(ctx.service(), Reasons.SLO_REPORT_WEBHOOK_FAILED, "SLO report " + status.period
                        + " was not posted to the webhook after " + status.webhook.attempts + " attempts: "
                        + status.webhook.lastError);
            }
        });
        return PartOutcome.NONE;
    }
}
