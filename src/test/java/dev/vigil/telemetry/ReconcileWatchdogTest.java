package dev.vigil.telemetry;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class ReconcileWatchdogTest {
    static final Instant T0 = Instant.parse("2026-12-06T04:00:00Z");

    @Test
    void theLongestRunningReconcileIsStuckOnlyPastTheLimit() {
        ReconcileWatchdog w = new ReconcileWatchdog();
        w.clock = Clock.fixed(T0, ZoneOffset.UTC);
        long a = w.begin("TelemetryCollector obs/platform");
        w.clock = Clock.fixed(T0.plusSeconds(60), ZoneOffset.UTC);
        long b = w.begin("InstrumentedService shop/checkout");
        assertThat(w.running()).isEqualTo(2);

        w.clock = Clock.fixed(T0.plus(ReconcileWatchdog.STUCK_AFTER), ZoneOffset.UTC);
        assertThat(w.stuck(ReconcileWatchdog.STUCK_AFTER)).as("exactly at the limit").isEmpty();
        w.clock = Clock.fixed(T0.plus(ReconcileWatchdog.STUCK_AFTER).plusSeconds(1), ZoneOffset.UTC);
        assertThat(w.stuck(ReconcileWatchdog.STUCK_AFTER)).hasValueSatisfying(r -> {
            assertThat(r.what()).isEqualTo("TelemetryCollector obs/platform");
            assertThat(w.runningFor(r)).isEqualTo(Duration.ofSeconds(301));
        });

        // The stuck one finishes: the other has run 4 min 1 s, under the limit.
        w.end(a);
        assertThat(w.stuck(ReconcileWatchdog.STUCK_AFTER)).isEmpty();
        w.end(b);
        assertThat(w.running()).isZero();
    }
}
