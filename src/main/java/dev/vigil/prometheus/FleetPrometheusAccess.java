package dev.vigil.prometheus;

import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.status.Reasons;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.util.Optional;

/**
 * Whether a service's fleet has a Prometheus to ask, and if not why, in the words every capability that reads from
 * it reports (SLO measurement, pool signals): no fleet collects the service, the fleet sets no
 * {@code spec.prometheus}, or a Secret it names for the credentials is missing.
 */
public final class FleetPrometheusAccess {
    /** Why there is no Prometheus to ask: a condition reason and a message (never a response body or a secret). */
    public record Unavailable(String reason, String message) {
    }

    /** An endpoint to ask, or why there is none. */
    public record Resolved(Optional<PrometheusEndpoint> endpoint, Optional<Unavailable> unavailable) {
    }

    private FleetPrometheusAccess() {
    }

    /**
     * Why the fleet has no Prometheus, from the specs alone (no I/O); empty when it has one.
     *
     * @param purpose what the reader wants it for, e.g. "measure the SLOs"
     */
    public static Optional<Unavailable> unconfigured(Optional<TelemetryCollector> fleet, String purpose) {
        if (fleet.isEmpty()) {
            return Optional.of(new Unavailable(Reasons.NO_MATCHING_COLLECTOR, "no TelemetryCollector collects this "
                    + "service, so there is no Prometheus to " + purpose + " from"));
        }
        if (fleet.get().getSpec().prometheus == null) {
            return Optional.of(new Unavailable(Reasons.PROMETHEUS_NOT_CONFIGURED, "TelemetryCollector "
                    + fleet.get().getMetadata().getName() + " sets no spec.prometheus to " + purpose + " from"));
        }
        return Optional.empty();
    }

    /** The fleet's Prometheus with its credentials read from Secrets, or why it cannot be asked. */
    public static Resolved resolve(KubernetesClient client, Optional<TelemetryCollector> fleet, String purpose) {
        Optional<Unavailable> missing = unconfigured(fleet, purpose);
        if (missing.isPresent()) {
            return new Resolved(Optional.empty(), missing);
        }
        try {
            return new Resolved(Optional.of(FleetPrometheus.endpoint(client, fleet.get())), Optional.empty());
        } catch (FleetPrometheus.CredentialsMissing e) {
            return new Resolved(Optional.empty(),
                    Optional.of(new Unavailable(Reasons.PROMETHEUS_CREDENTIALS_MISSING, e.getMessage())));
        }
    }
}
