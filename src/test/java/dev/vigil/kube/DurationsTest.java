package dev.vigil.kube;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class DurationsTest {
    @Test
    void waitsAreRoundedUpToWholeMilliseconds() {
        assertThat(Durations.wholeMillisUp(Duration.ofNanos(400_000))).isEqualTo(Duration.ofMillis(1));
        assertThat(Durations.wholeMillisUp(Duration.ofMillis(2_999).plusNanos(1))).isEqualTo(Duration.ofMillis(3_000));
        assertThat(Durations.wholeMillisUp(Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(3));
        assertThat(Durations.wholeMillisUp(Duration.ZERO)).isEqualTo(Duration.ZERO);
    }

    @Test
    void prometheusSpelling() {
        assertThat(Durations.format(Duration.ofSeconds(15))).isEqualTo("15s");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Durations.parse("1m30s")).isEqualTo(Duration.ofSeconds(90));
    }
}
