package dev.vigil.slo;

import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.InstrumentedServiceSpec;
import dev.vigil.api.v1alpha1.SloSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import dev.vigil.prometheus.Sample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pure step from measured error ratios to an SLO's status, on hand-made inputs. */
class SloEvaluationTest {
    static final Instant AT = Instant.parse("2026-03-01T12:00:00Z");

    static SloSpec slo(String objective, String window) {
        SloSpec s = new SloSpec();
        s.name = "availability";
        s.objective = objective;
        s.window = window;
        s.indicator = new SloSpec.Indicator();
        s.indicator.ratio = new SloSpec.Ratio();
        s.indicator.ratio.errors = "sum(rate(e[$window]))";
        s.indicator.ratio.total = "sum(rate(t[$window]))";
        return s;
    }

    /** Plenty of events in every window: no minimum event rate holds an alert back. */
    static Map<String, String> busy(SloSpec slo) {
        Map<String, String> m = new HashMap<>();
        SloRules.windows(slo).forEach(w -> m.put(w, "1000"));
        m.put(SloRules.window(slo), "1000");
        return m;
    }

    static InstrumentedService service(SloSpec... slos) {
        InstrumentedService s = new InstrumentedService();
        s.setMetadata(new ObjectMetaBuilder().withNamespace("shop").withName("api").build());
        s.setSpec(new InstrumentedServiceSpec());
        s.getSpec().slos = new ArrayList<>(List.of(slos));
        return s;
    }

    static SloEvaluation.Result eval(SloSpec slo, Map<String, String> ratios) {
        return eval(slo, ratios, busy(slo));
    }

    static SloEvaluation.Result eval(SloSpec slo, Map<String, String> ratios, Map<String, String> totals) {
        return SloEvaluation.evaluate(ResolvedSlo.of(service(slo), slo, PlatformTemplates.none()), ratios, totals, AT);
    }

    /** Every window at the same error ratio. */
    static Map<String, String> flat(SloSpec slo, String ratio) {
        Map<String, String> m = new HashMap<>();
        SloRules.windows(slo).forEach(w -> m.put(w, ratio));
        return m;
    }

    @ParameterizedTest(name = "{0}% over {1} at ratio {2}: {3}")
    @CsvSource({
            // objective, window, flat error ratio, health, budget left, firing
            "99.9, 30d, 0, HEALTHY, 1, ",
            "99.9, 30d, 0.0005, HEALTHY, 0.5, ",
            // 2x on every window: 1d/2h needs 3x, 3d/6h needs 1x.
            "99.9, 30d, 0.002, EXHAUSTED, -1, ticket 3d/6h",
            // 99.99% has a budget of 0.0001: 0.00005 is half of it.
            "99.99, 30d, 0.00005, HEALTHY, 0.5, ",
            // 7d: 0.5x burn passes the 3d/6h ticket (0.233333x), not the 1d/2h one (0.7x).
            "99.9, 7d, 0.0005, TICKET, 0.5, ticket 3d/6h",
            // 28d, 14x: every row fires.
            "99.9, 28d, 0.014, EXHAUSTED, -13, page 1h/5m|page 6h/30m|ticket 1d/2h|ticket 3d/6h"})
    void flatBurns(String objective, String window, String ratio, SloEvaluation.Health health, String left, String firing) {
        SloSpec slo = slo(objective, window);
        SloEvaluation.Result r = eval(slo, flat(slo, ratio));
        assertThat(r.health()).isEqualTo(health);
        assertThat(r.status().budgetRemaining).isEqualTo(left);
        assertThat(r.status().firing).isEqualTo(firing == null ? null : List.of(firing.split("\\|")));
        assertThat(r.status().measuredAt).isEqualTo("2026-03-01T12:00:00Z");
    }

    @Test
    void floatingPointNoiseFromPrometheusIsRoundedAway() {
        SloSpec slo = slo("99.9", "30d");
        Map<String, String> ratios = flat(slo, "0.0012000000000000001");
        SloEvaluation.Result r = eval(slo, ratios);
        assertThat(r.status().burnRates).containsEntry("1h", "1.2");
        assertThat(r.status().errorRatio).isEqualTo("0.0012");
        assertThat(r.status().budgetRemaining).isEqualTo("-0.2");
    }

    @Test
    void aRatioJustAboveTheThresholdFiresAndOneOnItDoesNot() {
        SloSpec slo = slo("99.9", "30d");
        Map<String, String> on = flat(slo, "0");
        on.put("1h", "0.0144");
        on.put("5m", "0.0144");
        assertThat(eval(slo, on).status().firing).isNull();
        Map<String, String> above = new HashMap<>(on);
        above.put("1h", "0.014400000000000001");
        above.put("5m", "0.02");
        assertThat(eval(slo, above).status().firing).containsExactly("page 1h/5m");
    }

    @Test
    void timeLeftIsTheRemainingBudgetAtTheHourlyBurn() {
        SloSpec slo = slo("99.9", "30d");
        Map<String, String> ratios = flat(slo, "0");
        ratios.put("30d", "0.00025"); // 25% spent
        ratios.put("1h", "0.003");    // 3x: the whole budget lasts 10 days, 75% of it 7.5 days
        SloEvaluation.Result r = eval(slo, ratios);
        assertThat(r.status().budgetRemaining).isEqualTo("0.75");
        assertThat(r.status().timeLeft).isEqualTo("7d12h");
        ratios.put("1h", "0");
        assertThat(eval(slo, ratios).status().timeLeft).isNull();
    }

    @Test
    void nanAndMissingWindowsAreNoData() {
        SloSpec slo = slo("99.9", "30d");
        Map<String, String> ratios = flat(slo, "NaN");
        ratios.put("5m", "0.001");
        SloEvaluation.Result r = eval(slo, ratios, Map.of());
        assertThat(r.health()).isEqualTo(SloEvaluation.Health.NO_DATA);
        assertThat(r.status().burnRates).containsExactly(Map.entry("5m", "1"));
        assertThat(r.status().budgetRemaining).isNull();
        assertThat(r.message()).startsWith("no data for the 30d window yet");
    }

    /**
     * Zero traffic: the window's ratio is 0/0 (NaN) but its series exist and count no events: a quiet service has
     * its whole budget and no NaN in its status (NoTraffic); no series at all stays NoData; events without an error
     * ratio name the usual cause.
     */
    @Test
    void zeroTrafficIsNoTrafficWithTheWholeBudgetNotNoData() {
        SloSpec slo = slo("99.9", "30d");
        Map<String, String> ratios = flat(slo, "NaN");
        SloEvaluation.Result quiet = eval(slo, ratios, Map.of("30d", "0"));
        assertThat(quiet.health()).isEqualTo(SloEvaluation.Health.NO_TRAFFIC);
        assertThat(quiet.status().budgetRemaining).isEqualTo("1");
        assertThat(quiet.status().errorRatio).isNull();
        assertThat(quiet.status().burnRates).isNull();
        assertThat(quiet.budgetRemaining()).contains(java.math.BigDecimal.ONE);
        assertThat(quiet.message()).isEqualTo("no traffic in the 30d window (its series count no events): the whole "
                + "error budget is left");

        SloEvaluation.Result none = eval(slo, ratios, Map.of());
        assertThat(none.health()).isEqualTo(SloEvaluation.Health.NO_DATA);
        assertThat(none.status().budgetRemaining).isNull();
        SloEvaluation.Result nanTotal = eval(slo, ratios, Map.of("30d", "NaN"));
        assertThat(nanTotal.health()).isEqualTo(SloEvaluation.Health.NO_DATA);

        SloEvaluation.Result noErrorSeries = eval(slo, Map.of(), Map.of("30d", "16.6"));
        assertThat(noErrorSeries.health()).isEqualTo(SloEvaluation.Health.NO_DATA);
        assertThat(noErrorSeries.message()).contains("add `or vector(0)`");

        // The rules record 0 (not NaN) over a window without events: with 0 events it is still NoTraffic.
        SloEvaluation.Result recordedZero = eval(slo, flat(slo, "0"), Map.of("30d", "0"));
        assertThat(recordedZero.health()).isEqualTo(SloEvaluation.Health.NO_TRAFFIC);
        assertThat(recordedZero.status().budgetRemaining).isEqualTo("1");
    }

    @Test
    void durationsAndPercentages() {
        assertThat(SloEvaluation.duration(Duration.ofMinutes(918))).isEqualTo("15h18m");
        assertThat(SloEvaluation.duration(Duration.ofMinutes(9765))).isEqualTo("6d18h45m");
        assertThat(SloEvaluation.duration(Duration.ofMinutes(2 * 1440))).isEqualTo("2d");
        assertThat(SloEvaluation.duration(Duration.ZERO)).isEqualTo("0m");
        assertThat(SloEvaluation.percent(new BigDecimal("0.87524"))).isEqualTo("87.52%");
        assertThat(SloEvaluation.percent(new BigDecimal("-49"))).isEqualTo("-4900%");
        assertThat(SloEvaluation.percent(BigDecimal.ZERO)).isEqualTo("0%");
    }

    @Test
    void aQueryThatIsNotAggregatedIsRefused() {
        List<Sample> samples = List.of(new Sample(Map.of("vigil_window", "5m", "pod", "a"), "0.1"),
                new Sample(Map.of("vigil_window", "5m", "pod", "b"), "0.2"));
        assertThatThrownBy(() -> SloQuery.ratios(samples)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the queries return more than one series for the 5m window; aggregate them to one, e.g. sum(rate(...[$window]))");
    }

    @Test
    void theMeasurementQueryTagsEveryWindow() {
        SloSpec slo = slo("99.9", "28d");
        String q = SloQuery.of(ResolvedSlo.of(service(slo), slo, PlatformTemplates.none()), AT).text();
        for (String w : List.of("5m", "30m", "1h", "2h", "6h", "1d", "3d", "28d")) {
            assertThat(q).contains("sum(rate(e[" + w + "]))", "\"vigil_window\", \"" + w + "\"");
        }
        // Eight windows; the events of the four alerts' long windows (their minimum event rate) and of the SLO window
        // (tells a quiet service from no data).
        assertThat(q.split("\"vigil_window\", \"", -1)).hasSize(13 + 1);
        assertThat(q).endsWith("label_replace(label_replace(\n(sum(rate(t[28d])))\n, \"vigil_window\", \"28d\", \"\", \"\"), "
                + "\"vigil_total\", \"true\", \"\", \"\")");
        for (String w : List.of("1h", "6h", "1d", "3d")) {
            assertThat(q).contains("label_replace(label_replace(\n(sum(rate(t[" + w + "])))\n, \"vigil_window\", \"" + w
                    + "\", \"\", \"\"), \"vigil_total\", \"true\", \"\", \"\")");
        }
    }

    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @CsvSource(delimiter = ';', value = {
            "1; 0.6; -",
            "0.6; 0.5; ErrorBudgetLow: 50% of the 30d error budget of SLO availability is left (at or below 50%)",
            "0.5; 0.49; -",
            "0.6; 0.2; ErrorBudgetLow: 20% of the 30d error budget of SLO availability is left (at or below 25%)",
            "0.3; 0.05; ErrorBudgetLow: 5% of the 30d error budget of SLO availability is left (at or below 10%)",
            "0.05; 0; ErrorBudgetExhausted: the 30d error budget of SLO availability is spent (0% left)",
            "1; -0.5; ErrorBudgetExhausted: the 30d error budget of SLO availability is spent (-50% left)",
            "-0.5; -0.7; -",
            "0.05; 0.6; -"})
    void budgetEventsAtFiftyTwentyFiveTenAndZero(String was, String now, String expected) {
        var a = SloStatusBuilder.announcement(slo("99.9", "30d"), new BigDecimal(was), new BigDecimal(now));
        assertThat(a.map(x -> x.reason() + ": " + x.message()).orElse("-")).isEqualTo(expected);
    }
}
