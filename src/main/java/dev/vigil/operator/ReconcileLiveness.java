package dev.vigil.operator;

import dev.vigil.telemetry.GcPressure;
import dev.vigil.telemetry.ReconcileWatchdog;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.jboss.logging.Logger;

import java.util.Optional;

/**
 * Liveness fails while a reconcile has been running for more than {@link ReconcileWatchdog#STUCK_AFTER}: the
 * reconcile loop is stuck (a blocked call, a JVM thrashing in garbage collection), and a restart is the way out; and
 * while the JVM spends more than half its time collecting garbage ({@link GcPressure}: a heap too small for what it
 * holds, which need not end in an OutOfMemoryError). A standby replica runs no reconcile and stays live unless its
 * heap thrashes.
 */
@Liveness
@ApplicationScoped
public class ReconcileLiveness implements HealthCheck {
    private static final Logger LOG = Logger.getLogger(ReconcileLiveness.class);

    @Inject
    ReconcileWatchdog watchdog;

    @Inject
    GcPressure gc;

    @Override
    public HealthCheckResponse call() {
        var builder = HealthCheckResponse.named("reconcile loop").withData("running", watchdog.running());
        Optional<GcPressure.Share> share = gc.share();
        share.ifPresent(s -> builder.withData("gcShare", s.describe()));
        Optional<ReconcileWatchdog.Running> stuck = watchdog.stuck(ReconcileWatchdog.STUCK_AFTER);
        if (stuck.isPresent()) {
            return builder.down().withData("stuck", stuck.get().what() + " running for "
                    + watchdog.runningFor(stuck.get()).toSeconds() + " s").build();
        }
        if (share.isPresent() && share.get().share() > GcPressure.LIMIT) {
            String why = "the JVM spent " + share.get().describe() + " collecting garbage: the heap is too small for "
                    + "what this operator holds (raise the chart's resources.limits.memory)";
            LOG.error("liveness fails: " + why);
            return builder.down().withData("thrashing", why).build();
        }
        return builder.up().build();
    }
}
