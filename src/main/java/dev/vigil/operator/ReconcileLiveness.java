package dev.vigil.operator;

import dev.vigil.telemetry.ReconcileWatchdog;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Liveness fails while a reconcile has been running for more than {@link ReconcileWatchdog#STUCK_AFTER}: the
 * reconcile loop is stuck (a blocked call, a JVM thrashing in garbage collection), and a restart is the way out.
 * A standby replica runs no reconcile and stays live.
 */
@Liveness
@ApplicationScoped
public class ReconcileLiveness implements HealthCheck {
    @Inject
    ReconcileWatchdog watchdog;

    @Override
    public HealthCheckResponse call() {
        var builder = HealthCheckResponse.named("reconcile loop").withData("running", watchdog.running());
        return watchdog.stuck(ReconcileWatchdog.STUCK_AFTER)
                .map(r -> builder.down().withData("stuck", r.what() + " running for "
                        + watchdog.runningFor(r).toSeconds() + " s").build())
                .orElseGet(() -> builder.up().build());
    }
}
