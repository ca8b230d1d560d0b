package dev.vigil.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CollectorSettingsTest {
    @Test
    void aNegativeReconcileIntervalStopsTheStartWithItsName() {
        assertThatThrownBy(() -> new CollectorSettings("http://vigil:8080", "role", Optional.empty(), true, Duration.ofSeconds(-2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("vigil.collector.min-reconcile-interval must be 0 (no pacing) or more, not PT-2S");
        assertThat(new CollectorSettings("http://vigil:8080/", "role", Optional.empty(), true, Duration.ZERO).sdBaseUrl())
                .isEqualTo("http://vigil:8080");
    }
}
