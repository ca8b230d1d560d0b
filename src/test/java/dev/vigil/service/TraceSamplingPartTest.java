package dev.vigil.service;

import dev.vigil.api.v1alpha1.InstrumentedServiceStatus;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** When an SLO counts as burning for the sampling boost: its 5m burn above the highest ticket factor of its window. */
class TraceSamplingPartTest {
    @ParameterizedTest(name = "window {0}, 5m burn {1} -> {2}")
    @CsvSource({
            // 30 days: ticket factors 3 and 1; above 3 burns.
            "30d, 3.1, true",
            "30d, 3, false",
            "30d, 2.5, false",
            "30d, NaN, false",
            // 7 days: 0.1 x 168 / 24 = 0.7 (and 0.233...): 0.8 burns.
            "7d, 0.8, true",
            "7d, 0.6, false",
    })
    void burning(String window, String burn, boolean expected) {
        InstrumentedServiceStatus next = new InstrumentedServiceStatus();
        InstrumentedServiceStatus.SloStatus s = new InstrumentedServiceStatus.SloStatus();
        s.window = window;
        s.burnRates = Map.of("5m", burn, "1h", "1000");
        next.slos = List.of(s);
        assertThat(TraceSamplingPart.burning(next)).isEqualTo(expected);
    }
}
