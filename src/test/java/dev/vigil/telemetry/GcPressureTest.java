package dev.vigil.telemetry;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The share of the last minute spent collecting garbage, sampled at each liveness call. */
class GcPressureTest {
    private final AtomicLong wall = new AtomicLong(1_000_000);
    private final AtomicLong gc = new AtomicLong();
    private final GcPressure pressure = GcPressure.of(wall::get, gc::get);

    /** Ten seconds pass (a liveness period), {@code gcMillis} of them collecting; returns the share then. */
    private java.util.Optional<Double> tenSeconds(long gcMillis) {
        return tenSecondsShare(gcMillis).map(GcPressure.Share::share);
    }

    private java.util.Optional<GcPressure.Share> tenSecondsShare(long gcMillis) {
        wall.addAndGet(10_000);
        gc.addAndGet(gcMillis);
        return pressure.share();
    }

    @Test
    void nothingUntilTheSamplesSpanAMinute() {
        assertThat(pressure.share()).isEmpty();
        for (int i = 0; i < 5; i++) {
            assertThat(tenSeconds(9_000)).isEmpty();
        }
        GcPressure.Share share = tenSecondsShare(9_000).orElseThrow();
        assertThat(share.share()).isCloseTo(0.9, within(0.001));
        assertThat(share.describe()).isEqualTo("90 % of the last 60 s");
    }

    @Test
    void aHealthyHeapIsFarBelowTheLimitAndAThrashingOneAbove() {
        for (int i = 0; i < 12; i++) {
            tenSeconds(150);
        }
        assertThat(tenSeconds(150)).hasValueSatisfying(s -> assertThat(s).isCloseTo(0.015, within(0.001)).isLessThan(GcPressure.LIMIT));
        // The heap fills: 8 of every 10 s in full collections; over the limit once most of the minute is like that.
        double share = 0;
        int periods = 0;
        while (share <= GcPressure.LIMIT) {
            share = tenSeconds(8_000).orElseThrow();
            periods++;
        }
        assertThat(periods).as("liveness periods until the share passes the limit").isEqualTo(4);
        // And a heap that recovers (the load went) is below it again a minute later.
        for (int i = 0; i < 6; i++) {
            share = tenSeconds(100).orElseThrow();
        }
        assertThat(share).isLessThan(0.02);
    }
}
