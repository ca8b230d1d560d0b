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
    /** Each service's place hash ({@link #phase}), computed once rather than at every reconcile. */
    private final Map<ResourceID, Long> places = new ConcurrentHashMap<>();

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

    /**
     * Whether the service's SLOs are measured now. Each service has its own place in the interval ({@link #phase}),
     * so that a thousand services make a thousand queries spread over the interval, not a burst each time their
     * reconciles happen to line up (as after a start): a service is measured once per interval, at the first
     * reconcile on or after its slot (never twice within half an interval). At once when its SLOs, templates or
     * Prometheus changed since this process measured it, or when nothing was measured before; after a restart, a
     * service whose status holds a measurement ({@code measuredBefore}) waits for its next slot.
     */
    public boolean due(InstrumentedService service, TelemetryCollector fleet, PlatformTemplates templates, Instant now,
            Duration interval, Optional<Instant> measuredBefore) {
        ResourceID id = ResourceID.fromResource(service);
        Attempt last = attempts.get(id);
        Instant slot = lastSlot(id, now, interval);
        if (last != null) {
            // (Measured at once on creation, a service skips a slot less than half an interval after that.)
            return !last.key().equals(key(service, fleet, templates))
                    || (last.at().isBefore(slot) && !slot.isBefore(last.at().plus(interval.dividedBy(2))));
        }
        if (measuredBefore.isEmpty()) {
            return true;
        }
        // Measured by an earlier process: in this slot already, or waiting for the next one (a missed slot is not
        // made up at once, or every service would be measured in the same second after a start).
        attempts.put(id, new Attempt(measuredBefore.get().isBefore(slot) ? slot : measuredBefore.get(),
                key(service, fleet, templates), Map.of()));
        return false;
    }

    /** Time until the service's next slot (at least one second). */
    public Duration untilDue(InstrumentedService service, Instant now, Duration interval) {
        ResourceID id = ResourceID.fromResource(service);
        Duration d = Duration.between(now, lastSlot(id, now, interval).plus(interval));
        return d.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : d;
    }

    /** Where in each interval the service is measured: a hash of its namespace and name (the same on every replica). */
    static Duration phase(ResourceID id, Duration interval) {
        return Duration.ofMillis(Math.floorMod(placeHash(id), interval.toMillis()));
    }

    private static long placeHash(ResourceID id) {
        String h = Names.sha256Hex(id.getNamespace().orElse("") + "/" + id.getName());
        return Long.parseUnsignedLong(h.substring(0, 15), 16);
    }

    /** The service's latest slot at or before {@code now}. */
    Instant lastSlot(ResourceID id, Instant now, Duration interval) {
        long t = now.toEpochMilli();
        long phase = Math.floorMod(places.computeIfAbsent(id, SloMonitor::placeHash), interval.toMillis());
        return Instant.ofEpochMilli(t - Math.floorMod(t - phase, interval.toMillis()));
    }

    /** The queries Prometheus rejected at the last measurement with the current SLOs (SLO name to message). */
    public Map<String, String> rejected(InstrumentedService service, TelemetryCollector fleet, PlatformTemplates templates) {
        Attempt last = attempts.get(ResourceID.fromResource(service));
        return last != null && last.key().equals(key(service, fleet, templates)) ? last.rejected() : Map.of();
    }

    public void forget(ResourceID service) {
        attempts.remove(service);
        places.remove(service);
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
