package dev.vigil.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.InstrumentedServiceStatus.SloReportStatus;
import dev.vigil.api.v1alpha1.ReportsSpec;
import dev.vigil.api.v1alpha1.TelemetryCollector;
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

    /** @param report the report to write now, if one was made; {@code status} what status.sloReport says after it */
    public record Outcome(Optional<SloReport> report, SloReportStatus status, Duration recheckAfter) {
    }

    private final KubernetesClient client;
    private final SloReporter reporter;
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
            return new Outcome(Optional.empty(), old, untilEnd);
        }
        FleetPrometheusAccess.Resolved prom = FleetPrometheusAccess.resolve(client, fleet, PURPOSE);
        if (prom.endpoint().isEmpty()) {
            return new Outcome(Optional.empty(), old, RETRY);
        }
        SloReportPeriod period = requested ? current : last;
        Instant end = requested ? now : last.end();
        try {
            SloReport report = reporter.report(service, templates, prom.endpoint().get(), period, end, now);
            SloReportStatus s = new SloReportStatus();
            s.period = report.period();
            s.start = report.start();
            s.end = report.end();
            s.complete = report.complete();
            s.generatedAt = report.generatedAt();
            s.request = request != null ? request : old == null ? null : old.request;
            s.configMap = Names.sloReport(service.getMetadata().getName());
            s.summary = summary(report);
            return new Outcome(Optional.of(report), s, untilEnd);
        } catch (PrometheusException | IllegalArgumentException e) {
            LOG.warnf("SLO report of %s/%s not written (tried again in %s): %s", service.getMetadata().getNamespace(),
                    service.getMetadata().getName(), RETRY, e.getMessage());
            return new Outcome(Optional.empty(), old, RETRY);
        }
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
