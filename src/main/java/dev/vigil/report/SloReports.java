package dev.vigil.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.InstrumentedServiceStatus;
import dev.vigil.api.v1alpha1.InstrumentedServiceStatus.SloReportStatus;
import dev.vigil.api.v1alpha1.ReportsSpec;
import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.kube.Secrets;
import dev.vigil.naming.Labels;
import dev.vigil.naming.Names;
import dev.vigil.naming.Owners;
import dev.vigil.prometheus.FleetPrometheusAccess;
import dev.vigil.prometheus.PrometheusClient;
import dev.vigil.prometheus.PrometheusException;
import dev.vigil.slo.PlatformTemplates;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * When a service's SLO report is due and what it says: at the end of each calendar period (the last complete period
 * is reported once, which the status remembers, so a restart neither repeats nor skips one), and whenever the
 * annotation {@value #REQUEST_ANNOTATION} takes a new value (the period so far). A report that Prometheus cannot
 * answer now is tried again a minute later; the last report stays meanwhile.
 */
@ApplicationScoped
public class SloReports {
    private static final Logger LOG = Logger.getLogger(SloReports.class);
    public static final String REQUEST_ANNOTATION = "vigil.dev/slo-report-request";
    static final Duration RETRY = Duration.ofMinutes(1);
    static final String PURPOSE = "write the SLO report";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * @param report     the report to write now, if one was made; {@code status} what status.sloReport says after it
     * @param webhookDue the report's summary is to be posted to the webhook now (a new report, or a retry)
     */
    public record Outcome(Optional<SloReport> report, SloReportStatus status, Duration recheckAfter, boolean webhookDue) {
        Outcome(Optional<SloReport> report, SloReportStatus status, Duration recheckAfter) {
            this(report, status, recheckAfter, false);
        }

        /**
         * When to look again, if sooner than the operator's periodic reconcile would: a far period end asks for
         * nothing (a requeue days ahead would replace the periodic reconcile every other part relies on).
         */
        public Optional<Duration> recheck() {
            return recheckAfter.compareTo(PRECISE) <= 0 ? Optional.of(recheckAfter) : Optional.empty();
        }
    }

    /** Within this of a period's end, the reconcile is scheduled for the end itself. */
    static final Duration PRECISE = Duration.ofHours(1);

    public static final int WEBHOOK_ATTEMPTS = 5;

    private final KubernetesClient client;
    private final SloReporter reporter;
    private final ReportWebhook webhook = new ReportWebhook();
    private final Map<ResourceID, Instant> failedAt = new java.util.concurrent.ConcurrentHashMap<>();
    Clock clock = Clock.systemUTC();

    @Inject
    public SloReports(KubernetesClient client) {
        this(client, new SloReporter(new PrometheusClient()));
    }

    SloReports(KubernetesClient client, SloReporter reporter) {
        this.client = client;
        this.reporter = reporter;
    }

    public Outcome update(InstrumentedService service, Optional<TelemetryCollector> fleet, PlatformTemplates templates,
            SloReportStatus old) {
        Instant now = clock.instant();
        ReportsSpec spec = service.getSpec().reports == null ? new ReportsSpec() : service.getSpec().reports;
        SloReportPeriod current = SloReportPeriod.holding(spec.periodOrDefault(), now);
        Duration untilEnd = Duration.between(now, current.end()).plusSeconds(1);
        if (!spec.enabledOrDefault() || service.getSpec().slos.isEmpty()) {
            return new Outcome(Optional.empty(), old, untilEnd);
        }
        String request = service.getMetadata().getAnnotations() == null ? null
                : service.getMetadata().getAnnotations().get(REQUEST_ANNOTATION);
        SloReportPeriod last = current.previous();
        boolean requested = request != null && (old == null || !request.equals(old.request));
        boolean periodDue = old == null || old.start == null || Instant.parse(old.start).isBefore(last.start())
                || (Instant.parse(old.start).equals(last.start()) && !Boolean.TRUE.equals(old.complete));
        if (!requested && !periodDue) {
            return retryWebhook(spec, old, now, untilEnd);
        }
        if (FleetPrometheusAccess.unconfigured(fleet, PURPOSE).isPresent()) {
            // No Prometheus to ask: a fleet that gains one reconciles its services, no need to poll.
            return new Outcome(Optional.empty(), old, untilEnd);
        }
        // A report that failed is not tried again before RETRY, however often the service reconciles meanwhile.
        ResourceID id = ResourceID.fromResource(service);
        Instant failed = failedAt.get(id);
        if (failed != null && now.isBefore(failed.plus(RETRY))) {
            return new Outcome(Optional.empty(), old, Duration.between(now, failed.plus(RETRY)));
        }
        FleetPrometheusAccess.Resolved prom = FleetPrometheusAccess.resolve(client, fleet, PURPOSE);
        if (prom.endpoint().isEmpty()) {
            failedAt.put(id, now);
            return new Outcome(Optional.empty(), old, RETRY);
        }
        // The last period's report comes first; a request waits one reconcile behind it.
        boolean answering = requested && !periodDue;
        SloReportPeriod period = answering ? current : last;
        Instant end = answering ? now : last.end();
        try {
            SloReport report = reporter.report(service, templates, prom.endpoint().get(), period, end, now);
            SloReportStatus s = new SloReportStatus();
            s.period = report.period();
            s.start = report.start();
            s.end = report.end();
            s.complete = report.complete();
            s.generatedAt = report.generatedAt();
            s.request = answering ? request : old == null ? null : old.request;
            s.configMap = Names.sloReport(service.getMetadata().getName());
            s.summary = summary(report);
            s.met = (int) report.slos().stream().filter(SloReport.Slo::met).count();
            s.missed = report.slos().size() - s.met;
            if (spec.webhook != null) {
                s.webhook = new InstrumentedServiceStatus.ReportWebhookStatus();
                s.webhook.delivered = false;
                s.webhook.attempts = 0;
            }
            failedAt.remove(id);
            return new Outcome(Optional.of(report), s, requested && !answering ? Duration.ofSeconds(1) : untilEnd,
                    spec.webhook != null);
        } catch (PrometheusException | IllegalArgumentException e) {
            LOG.warnf("SLO report of %s/%s not written (tried again in %s): %s", service.getMetadata().getNamespace(),
                    service.getMetadata().getName(), RETRY, e.getMessage());
            failedAt.put(id, now);
            return new Outcome(Optional.empty(), old, RETRY);
        }
    }

    /** A report whose summary the webhook has not taken yet is posted again a minute after the last attempt. */
    private Outcome retryWebhook(ReportsSpec spec, SloReportStatus old, Instant now, Duration untilEnd) {
        if (spec.webhook == null || old == null || old.webhook == null || Boolean.TRUE.equals(old.webhook.delivered)
                || old.webhook.attempts == null || old.webhook.attempts >= WEBHOOK_ATTEMPTS) {
            return new Outcome(Optional.empty(), old, untilEnd);
        }
        Instant next = old.webhook.lastAttemptAt == null ? now : Instant.parse(old.webhook.lastAttemptAt).plus(RETRY);
        if (now.isBefore(next)) {
            return new Outcome(Optional.empty(), old, Duration.between(now, next));
        }
        return new Outcome(Optional.empty(), old.deepCopy(), RETRY, true);
    }

    /**
     * Posts the summary in {@code status} (a copy this reconcile owns) to the service's webhook and records the
     * attempt in it.
     */
    public void postToWebhook(InstrumentedService service, SloReportStatus status) {
        ReportsSpec.Webhook hook = service.getSpec().reports.webhook;
        String ns = service.getMetadata().getNamespace();
        Optional<String> error;
        io.fabric8.kubernetes.api.model.Secret secret = client.secrets().inNamespace(ns).withName(hook.urlSecretRef.name).get();
        String url = secret == null ? null : Secrets.value(secret, hook.urlSecretRef.key).orElse(null);
        if (url == null) {
            error = Optional.of("Secret " + ns + "/" + hook.urlSecretRef.name + " has no key " + hook.urlSecretRef.key);
        } else {
            error = webhook.post(url, ReportWebhook.body(webhookText(service, status)));
        }
        status.webhook.attempts = status.webhook.attempts + 1;
        status.webhook.delivered = error.isEmpty();
        status.webhook.lastError = error.orElse(null);
        status.webhook.lastAttemptAt = clock.instant().toString();
        error.ifPresent(e -> LOG.warnf("SLO report of %s/%s not posted to its webhook (attempt %d of %d): %s", ns,
                service.getMetadata().getName(), status.webhook.attempts, WEBHOOK_ATTEMPTS, e));
    }

    /** The webhook's text: the period, each SLO's line, where the whole report is. */
    static String webhookText(InstrumentedService service, SloReportStatus status) {
        return "SLO report " + service.getMetadata().getNamespace() + "/" + service.getMetadata().getName() + " "
                + status.period + (Boolean.FALSE.equals(status.complete) ? " (so far)" : "") + ": "
                + status.met + " met, " + status.missed + " missed\n" + String.join("\n", status.summary)
                + "\nThe report: ConfigMap " + service.getMetadata().getNamespace() + "/" + status.configMap;
    }

    /** One line per SLO, e.g. "availability: 99.9314% of 99.9% (met, 68.62% of the budget)". */
    static List<String> summary(SloReport report) {
        List<String> out = new ArrayList<>();
        for (SloReport.Slo s : report.slos()) {
            out.add(s.name() + ": " + (s.achieved() == null ? "no events" : s.achieved() + "% of " + s.objective() + "% ("
                    + (s.met() ? "met" : "missed") + ", " + SloReportMarkdown.percent(s.budgetConsumed()) + " of the budget)"));
        }
        return out;
    }

    /** The report's ConfigMap, owned by the service. */
    public static ConfigMap configMap(InstrumentedService service, SloReport report) {
        Map<String, String> data = new LinkedHashMap<>();
        try {
            data.put("report.json", JSON.writeValueAsString(report));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        data.put("report.md", SloReportMarkdown.render(report));
        return new ConfigMapBuilder().withNewMetadata()
                .withName(Names.sloReport(service.getMetadata().getName()))
                .withNamespace(service.getMetadata().getNamespace())
                .withLabels(Labels.sloReport(service.getMetadata().getName()))
                .withOwnerReferences(Owners.controller(service))
                .endMetadata().withData(data).build();
    }

    /** Writes the report's ConfigMap (created, or replaced by the new report). */
    public void write(InstrumentedService service, SloReport report) {
        ConfigMap cm = configMap(service, report);
        client.configMaps().inNamespace(cm.getMetadata().getNamespace()).resource(cm)
                .createOr(io.fabric8.kubernetes.client.dsl.NonDeletingOperation::update);
    }
}
