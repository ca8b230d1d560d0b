package dev.vigil.pool;

import dev.vigil.api.v1alpha1.InstrumentedServiceStatus;
import dev.vigil.serialization.Yaml;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The windows' memory in status: resumed after a restart, the highest recommendation of any scale-down window and
 * the lowest of any scale-up window that can still be asked are what the whole history gives, or only ever later
 * (never a shrink or a growth sooner), and the status stays small.
 */
class PoolWindowsTest {
    private static PoolDecision.Rule rule(int upSeconds, int downSeconds) {
        return new PoolDecision.Rule(1, 500, BigDecimal.ONE, 70, 10, 100, Optional.empty(), Duration.ofSeconds(upSeconds), 50,
                Duration.ofSeconds(downSeconds));
    }

    private static int highest(List<PoolDecision.Recommendation> h, Instant since) {
        return h.stream().filter(r -> !r.at().isBefore(since)).mapToInt(PoolDecision.Recommendation::size).max().orElse(Integer.MIN_VALUE);
    }

    private static int lowest(List<PoolDecision.Recommendation> h, Instant since) {
        return h.stream().filter(r -> !r.at().isBefore(since)).mapToInt(PoolDecision.Recommendation::size).min().orElse(Integer.MAX_VALUE);
    }

    @Test
    void resumedWindowsAnswerAsTheWholeHistoryOrOnlyMoreCautiously() throws Exception {
        Random random = new Random(23);
        Instant start = Instant.parse("2026-12-06T07:00:00Z");
        for (int round = 0; round < 2_000; round++) {
            int up = random.nextInt(3) == 0 ? 0 : 5 + random.nextInt(120);
            int down = random.nextInt(5) == 0 ? 0 : 5 + random.nextInt(600);
            PoolDecision.Rule rule = rule(up, down);
            List<PoolDecision.Recommendation> history = new ArrayList<>();
            Instant t = start;
            int size = 1 + random.nextInt(40);
            int steps = 1 + random.nextInt(random.nextBoolean() ? 10 : 200);
            for (int i = 0; i < steps; i++) {
                t = t.plusMillis(5_000 + random.nextInt(20_000));
                size = Math.max(1, size + random.nextInt(9) - 4);
                history.add(new PoolDecision.Recommendation(t, size));
            }
            Instant now = t;
            InstrumentedServiceStatus.PoolWindows w = PoolWindows.persist(history, rule, now);
            // what the status holds survives its own serialisation
            w = w == null ? null : Yaml.MAPPER.readValue(Yaml.write(w), InstrumentedServiceStatus.PoolWindows.class);
            List<PoolDecision.Recommendation> resumed = PoolWindows.restore(w);
            if (w != null) {
                assertThat(w.highest == null ? 0 : w.highest.size()).isLessThanOrEqualTo(PoolWindows.MAX);
                assertThat(w.lowest == null ? 0 : w.lowest.size()).isLessThanOrEqualTo(PoolWindows.MAX);
            }
            boolean merged = w != null && (w.highest != null && w.highest.size() == PoolWindows.MAX
                    || w.lowest != null && w.lowest.size() == PoolWindows.MAX);
            // every later evaluation asks about a window that starts no earlier than now minus the window
            for (int q = 0; q < 20; q++) {
                Instant asked = now.plusMillis(random.nextInt(700_000));
                if (!rule.scaleDownWindow().isZero()) {
                    Instant since = asked.minus(rule.scaleDownWindow());
                    int truth = highest(history, since);
                    int got = highest(resumed, since);
                    if (truth != Integer.MIN_VALUE) {
                        assertThat(got).as("highest since %s, round %d", since, round).isGreaterThanOrEqualTo(truth);
                        if (!merged) {
                            assertThat(got).as("highest since %s, round %d", since, round).isEqualTo(truth);
                        }
                    }
                }
                if (!rule.scaleUpWindow().isZero()) {
                    Instant since = asked.minus(rule.scaleUpWindow());
                    int truth = lowest(history, since);
                    int got = lowest(resumed, since);
                    if (truth != Integer.MAX_VALUE) {
                        assertThat(got).as("lowest since %s, round %d", since, round).isLessThanOrEqualTo(truth);
                        if (!merged) {
                            assertThat(got).as("lowest since %s, round %d", since, round).isEqualTo(truth);
                        }
                    }
                }
            }
        }
    }

    @Test
    void aSteadyRecommendationKeepsOneEntryAndNoWindowKeepsNone() {
        Instant t = Instant.parse("2026-12-06T07:00:00.250Z");
        List<PoolDecision.Recommendation> steady = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            steady.add(new PoolDecision.Recommendation(t.plusSeconds(15L * i), 12));
        }
        var w = PoolWindows.persist(steady, rule(0, 300), t.plusSeconds(15 * 39));
        assertThat(w.lowest).isNull();
        assertThat(w.highest).singleElement().satisfies(e -> {
            assertThat(e.size).isEqualTo(12);
            assertThat(e.at).as("the newest").isEqualTo("2026-12-06T07:09:45.250Z");
        });
        assertThat(PoolWindows.persist(steady, rule(0, 0), t.plusSeconds(600))).isNull();
    }

    @Test
    void afterARestartTheWindowRunsOnInsteadOfStartingOver() {
        PoolDecision.Rule rule = rule(0, 60);
        Instant t0 = Instant.parse("2026-12-06T07:00:00Z");
        // Size 20, recommended at t0; from t0+15 the signals ask for 5.
        List<PoolDecision.Recommendation> history = new ArrayList<>(List.of(new PoolDecision.Recommendation(t0, 20)));
        for (int i = 1; i <= 2; i++) {
            history.add(new PoolDecision.Recommendation(t0.plusSeconds(15L * i), 5));
        }
        PoolDecision.Signals quiet = new PoolDecision.Signals(Optional.of(BigDecimal.ZERO), Optional.of(new BigDecimal("0.1")));
        // The operator restarts at t0+35: status' windows are all it has.
        List<PoolDecision.Recommendation> resumed = PoolWindows.restore(PoolWindows.persist(history, rule, t0.plusSeconds(30)));
        PoolDecision.Result at45 = PoolDecision.decide(rule, quiet, 20, 1, Optional.empty(), resumed, true, t0.plusSeconds(45));
        assertThat(at45.size()).as("still inside the window begun at t0").isEqualTo(20);
        assertThat(at45.reason()).isEqualTo(PoolDecision.Reason.STABILIZING);
        PoolDecision.Result at61 = PoolDecision.decide(rule, quiet, 20, 1, Optional.empty(), resumed, true, t0.plusSeconds(61));
        assertThat(at61.size()).as("the window begun at t0 is over at t0+60, not at the restart's t0+95").isEqualTo(10);
    }
}
