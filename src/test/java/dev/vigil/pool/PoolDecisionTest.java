package dev.vigil.pool;

import dev.vigil.pool.PoolDecision.Reason;
import dev.vigil.pool.PoolDecision.Recommendation;
import dev.vigil.pool.PoolDecision.Result;
import dev.vigil.pool.PoolDecision.Rule;
import dev.vigil.pool.PoolDecision.Signals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The pool sizing decision: a table of cases computed by hand, then properties over random inputs. */
class PoolDecisionTest {
    static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

    /** min 5, max 50, 0.5 waits/s, 70% utilisation, 10% tolerance, +100%/step, -50%/step, windows 0 s up, 300 s down. */
    static Rule rule() {
        return new Rule(5, 50, new BigDecimal("0.5"), 70, 10, 100, Optional.empty(), Duration.ZERO, 50, Duration.ofSeconds(300));
    }

    static Signals signals(String waits, String util) {
        return new Signals(waits.equals("-") ? Optional.empty() : Optional.of(new BigDecimal(waits)),
                util.equals("-") ? Optional.empty() : Optional.of(new BigDecimal(util)));
    }

    @ParameterizedTest(name = "waits {0}/s, util {1}, size {2} x {3} replicas, budget {4} -> {5} ({6})")
    @CsvSource({
            // waits, utilisation, current, replicas, budget (- none), expected size, reason
            // 1.0 waits/s against 0.5: twice the target -> 2 x 10 = 20 (step limit +100% allows it).
            "1.0, 0.95, 10, 2, -, 20, SCALED_UP",
            // 3.0 waits/s: 6x -> 60, but one step is at most +100% -> 20.
            "3.0, 1.0, 10, 2, -, 20, SCALED_UP",
            // 0.54 is within 10% of 0.5: hold.
            "0.54, 0.9, 10, 2, -, 10, WITHIN_TOLERANCE",
            // 0.56 is above 0.55: grow to ceil(10 x 1.12) = 12.
            "0.56, 0.9, 10, 2, -, 12, SCALED_UP",
            // Growth capped by max 50: 40 x 2 = 80 -> 50.
            "1.0, 1.0, 40, 2, -, 50, CAPPED_BY_MAX",
            // Budget 60 over 2 replicas = 30 each: a wanted 20 -> 40 stops at 30.
            "1.0, 1.0, 20, 2, 60, 30, CAPPED_BY_BUDGET",
            // An HPA added replicas: 20 x 4 = 80 > 60, so the pool shrinks to 15 even without data.
            "-, -, 20, 4, 60, 15, CAPPED_BY_BUDGET",
            // No data: hold, never shrink.
            "-, -, 20, 2, -, 20, NO_DATA",
            "-, 0.1, 20, 2, -, 20, NO_DATA",
            // Waits within target but no utilisation signal: hold.
            "0.1, -, 20, 2, -, 20, NO_DATA",
            // Idle pool: utilisation 0.2 < 0.63 -> ceil(20 x 0.2 / 0.7) = 6, but the 300 s window has no history
            // yet other than this recommendation, so the decrease is limited by the step (-50%): 10.
            "0.0, 0.2, 20, 2, -, 10, SCALED_DOWN",
            // Shrinking never goes under min 5.
            "0.0, 0.05, 8, 2, -, 5, RAISED_TO_MIN"})
    void table(String waits, String util, int current, int replicas, String budget, int expected, Reason reason) {
        Result r = PoolDecision.decide(rule(), signals(waits, util), current, replicas,
                budget.equals("-") ? Optional.empty() : Optional.of(Integer.parseInt(budget)), List.of(), true, NOW);
        assertThat(r.size()).as(r.message()).isEqualTo(expected);
        assertThat(r.reason()).as(r.message()).isEqualTo(reason);
    }

    @Test
    void theScaleDownWindowKeepsTheHighestRecommendation() {
        // 2 minutes ago the recommendation was 18: within the 300 s window, so 20 goes down to 18 at most.
        List<Recommendation> history = List.of(new Recommendation(NOW.minusSeconds(120), 18), new Recommendation(NOW.minusSeconds(400), 40));
        Result r = PoolDecision.decide(rule(), signals("0.0", "0.2"), 20, 2, Optional.empty(), history, true, NOW);
        assertThat(r.size()).isEqualTo(18);
        assertThat(r.recommendation()).isEqualTo(6);
        // A recommendation at or above the current size inside the window: no decrease at all.
        history = List.of(new Recommendation(NOW.minusSeconds(60), 25));
        r = PoolDecision.decide(rule(), signals("0.0", "0.2"), 20, 2, Optional.empty(), history, true, NOW);
        assertThat(r.size()).isEqualTo(20);
        assertThat(r.reason()).isEqualTo(Reason.STABILIZING);
    }

    @Test
    void aClosedSloGateStopsShrinkingButNotGrowing() {
        Result down = PoolDecision.decide(rule(), signals("0.0", "0.2"), 20, 2, Optional.empty(), List.of(), false, NOW);
        assertThat(down.size()).isEqualTo(20);
        assertThat(down.reason()).isEqualTo(Reason.SLO_GATE);
        Result up = PoolDecision.decide(rule(), signals("1.0", "1.0"), 20, 2, Optional.empty(), List.of(), false, NOW);
        assertThat(up.size()).isEqualTo(40);
    }

    @Test
    void propertiesHoldForRandomInputs() {
        Random rnd = new Random(20261129);
        for (int i = 0; i < 20_000; i++) {
            int min = 1 + rnd.nextInt(20);
            int max = min + rnd.nextInt(200);
            Duration downWindow = Duration.ofSeconds(rnd.nextInt(3) * 150);
            Duration upWindow = Duration.ofSeconds(rnd.nextInt(2) * 30);
            Rule rule = new Rule(min, max, new BigDecimal(rnd.nextInt(5) + "." + rnd.nextInt(10)), 1 + rnd.nextInt(100),
                    rnd.nextInt(30), 1 + rnd.nextInt(300), rnd.nextBoolean() ? Optional.of(1 + rnd.nextInt(20)) : Optional.empty(),
                    upWindow, 1 + rnd.nextInt(100), downWindow);
            int current = 1 + rnd.nextInt(300);
            int replicas = 1 + rnd.nextInt(20);
            Optional<Integer> budget = rnd.nextBoolean() ? Optional.of(1 + rnd.nextInt(2000)) : Optional.empty();
            Signals s = new Signals(rnd.nextInt(5) == 0 ? Optional.empty() : Optional.of(BigDecimal.valueOf(rnd.nextInt(500), 2)),
                    rnd.nextInt(5) == 0 ? Optional.empty() : Optional.of(BigDecimal.valueOf(rnd.nextInt(101), 2)));
            List<Recommendation> history = new ArrayList<>();
            for (int h = rnd.nextInt(6); h > 0; h--) {
                history.add(new Recommendation(NOW.minusSeconds(rnd.nextInt(600)), 1 + rnd.nextInt(300)));
            }
            boolean gate = rnd.nextInt(4) != 0;
            Result r = PoolDecision.decide(rule, s, current, replicas, budget, history, gate, NOW);
            String ctx = "case " + i + ": " + rule + " " + s + " current " + current + " x" + replicas + " budget " + budget
                    + " gate " + gate + " history " + history + " -> " + r;

            // Never above max; never below min unless the budget forces it; at least 1.
            assertThat(r.size()).as(ctx).isLessThanOrEqualTo(max).isGreaterThanOrEqualTo(1);
            if (budget.isEmpty() || budget.get() / replicas >= min) {
                assertThat(r.size()).as(ctx).isGreaterThanOrEqualTo(min);
            }
            // The budget is never exceeded (while it allows one connection per replica at all).
            if (budget.isPresent() && budget.get() >= replicas) {
                assertThat((long) r.size() * replicas).as(ctx).isLessThanOrEqualTo(budget.get());
            }
            int boundedCurrent = Math.min(Math.max(current, min), max);
            boolean budgetCut = budget.isPresent() && boundedCurrent > Math.max(1, budget.get() / replicas);
            if (r.size() < current && !budgetCut && current <= max) {
                // A decrease needs both signals, waits not above target, the gate open, and no higher
                // recommendation in the scale-down window.
                assertThat(s.waitsPerSecond()).as(ctx).isPresent();
                assertThat(s.utilisation()).as(ctx).isPresent();
                assertThat(gate).as(ctx).isTrue();
                Instant since = NOW.minus(rule.scaleDownWindow());
                if (!rule.scaleDownWindow().isZero()) {
                    assertThat(history.stream().filter(h -> !h.at().isBefore(since)).mapToInt(Recommendation::size).max()
                            .orElse(0)).as(ctx).isLessThan(current);
                }
            }
            // Within tolerance of both targets (and inside bounds and budget): no change.
            if (s.waitsPerSecond().isPresent() && s.utilisation().isPresent() && current >= min && current <= max && !budgetCut) {
                BigDecimal tol = BigDecimal.valueOf(rule.tolerancePercent()).movePointLeft(2);
                BigDecimal w = s.waitsPerSecond().get();
                BigDecimal u = s.utilisation().get();
                BigDecimal ut = BigDecimal.valueOf(rule.utilisationPercent()).movePointLeft(2);
                boolean waitsOk = w.compareTo(rule.waitsPerSecond().multiply(BigDecimal.ONE.add(tol))) <= 0;
                boolean utilOk = u.compareTo(ut.multiply(BigDecimal.ONE.subtract(tol))) >= 0 || w.compareTo(rule.waitsPerSecond()) > 0;
                if (waitsOk && utilOk) {
                    assertThat(r.size()).as(ctx).isEqualTo(current);
                }
            }
        }
    }
}
