package dev.vigil.operator;

import dev.vigil.telemetry.GcPressure;
import dev.vigil.telemetry.ReconcileWatchdog;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Liveness fails while the JVM spends more than half its time collecting garbage, with the reason. */
class ReconcileLivenessThrashTest {
    @Test
    void aThrashingHeapFailsLivenessAndARecoveredOnePasses() {
        AtomicLong wall = new AtomicLong(0);
        AtomicLong gc = new AtomicLong(0);
        ReconcileLiveness liveness = new ReconcileLiveness();
        liveness.watchdog = new ReconcileWatchdog();
        liveness.gc = GcPressure.of(wall::get, gc::get);
        HealthCheckResponse r = null;
        for (int i = 0; i <= 6; i++) {
            r = liveness.call();
            assertThat(r.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
            wall.addAndGet(10_000);
            gc.addAndGet(200);
        }
        for (int i = 0; i < 6; i++) {
            wall.addAndGet(10_000);
            gc.addAndGet(9_500);
            r = liveness.call();
        }
        assertThat(r.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(r.getData().orElseThrow().get("thrashing").toString())
                .startsWith("the JVM spent 82 % of the last 70 s collecting garbage");
        assertThat(r.getData().orElseThrow().get("gcShare")).isEqualTo("82 % of the last 70 s");
        for (int i = 0; i < 6; i++) {
            wall.addAndGet(10_000);
            gc.addAndGet(100);
            r = liveness.call();
        }
        assertThat(r.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
    }
}
