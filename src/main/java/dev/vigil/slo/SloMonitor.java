package dev.vigil.slo;

import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.SloSpec;
import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.naming.Names;
import dev.vigil.prometheus.FleetPrometheusAccess;
import dev.vigil.prometheus.FleetPrometheusAccess.Unavailable;
import dev.vigil.prometheus.PrometheusClient;
import dev.vigil.prometheus.PrometheusException;
import dev.vigil.serialization.Yaml;
import dev.vigil.status.Reasons;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Measures each SLO of a service against its fleet's Prometheus, at most once per measure interval (sooner when the
 * SLOs or the Prometheus settings change). Remembers per service when it last tried and what Prometheus rejected,
 * so that reconciles between two measurements neither query nor forget a rejected query.
 */
@ApplicationScoped
public class SloMonitor {
    /** What one measurement produced. */
    public record Measurement(Instant at, Map<String, SloEvaluation.Result> results, Map<String, String> rejected,
            Optional<Unavailable> unavailable) {
    }

    /** What the SLO reader asks the fleet's Prometheus for, in the words of its "unavailable" messages. */
    public static final String PURPOSE = "measure the SLOs";

    private record Attempt(Instant at, String key, Map<String, String> rejected) {
    }

    private final KubernetesClient client;
    private final PrometheusClient prometheus;
    private final Map<ResourceID, Attempt> attempts = new ConcurrentHashMap<>();

    @Inject
    public SloMonitor(KubernetesClient client) {
        this(client, new PrometheusClient());
    }

    SloMonitor(KubernetesClient client, PrometheusClient prometheus) {
        this.client = client;
        this.prometheus = prometheus;
    }

    /** Identifies what a measurement depends on: the SLOs, the platform templates and where Prometheus is. */
    static String key(InstrumentedService service, TelemetryCollector fleet, PlatformTemplates templates) {
        boolean platform = service.getSpec().slos.stream().anyMatch(s -> s.template != null && s.template.platform != null);
        return Names.sha256Hex(Yaml.write(service.getSpec().slos) + Yaml.write(fleet.getSpec().prometheus)
                + fleet.getMetadata().getNamespace() + (platform ? templates.fingerprint() : ""));
    }

    public boolean due(InstrumentedService service, TelemetryCollector fleet, PlatformTemplates templates, Instant now,
            Duration interval) {
        Attempt last = attempts.get(ResourceID.fromResource(service));
        return last == null || !last.key().equals(key(service, fleet, templates)) || !now.isBefore(last.at().plus(interval));
    }

    /** Time until the next measurement is due (at least one second). */
    public Duration untilDue(InstrumentedService service, Instant now, Duration interval) {
        Attempt last = attempts.get(ResourceID.fromResource(service));
        if (last == null) {
            return Duration.ofSeconds(1);
        }
        Duration d = Duration.between(now, last.at().plus(interval));
        return d.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : d;
    }

    /** The queries Prometheus rejected at the last measurement with the current SLOs (SLO name to message). */
    public Map<String, String> rejected(InstrumentedService service, TelemetryCollector fleet, PlatformTemplates templates) {
        Attempt last = attempts.get(ResourceID.fromResource(service));
        return last != null && last.key().equals(key(service, fleet, templates)) ? last.rejected() : Map.of();
    }

    public void forget(ResourceID service) {
        attempts.remove(service);
    }

    public Measurement measure(InstrumentedService service, TelemetryCollector fleet, PlatformTemplates templates, Instant now) {
        Map<String, SloEvaluation.Result> results = new LinkedHashMap<>();
        Map<String, String> rejected = new LinkedHashMap<>();
        FleetPrometheusAccess.Resolved prom = FleetPrometheusAccess.resolve(client, Optional.of(fleet), PURPOSE);
        Optional<Unavailable> unavailable = prom.unavailable();
        if (prom.endpoint().isPresent()) {
            try {
                for (SloSpec slo : service.getSpec().slos) {
                    try {
                        ResolvedSlo resolved = ResolvedSlo.of(service, slo, templates);
                        var samples = prometheus.instantQuery(prom.endpoint().get(), SloQuery.of(resolved, now).text(), now);
                        results.put(slo.name, SloEvaluation.evaluate(resolved, SloQuery.ratios(samples),
                                SloQuery.totals(samples), now));
                    } catch (PrometheusException e) {
                        if (e.kind() != PrometheusException.Kind.QUERY_REJECTED) {
                            throw e;
                        }
                        rejected.put(slo.name, "the queries of SLO " + slo.name + " are not valid PromQL: " + e.getMessage());
                    } catch (IllegalArgumentException e) {
                        rejected.put(slo.name, "SLO " + slo.name + ": " + e.getMessage());
                    }
                }
            } catch (PrometheusException e) {
                unavailable = Optional.of(new Unavailable(Reasons.PROMETHEUS_UNAVAILABLE, e.getMessage()));
                results.clear();
            }
        }
        attempts.put(ResourceID.fromResource(service), new Attempt(now, key(service, fleet, templates), Map.copyOf(rejected)));
        return new Measurement(now, results, rejected, unavailable);
    }
}
