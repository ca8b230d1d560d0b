package dev.vigil.sampling;

import dev.vigil.sampling.SamplingDecision.History;
import dev.vigil.sampling.SamplingDecision.LoadChange;
import dev.vigil.sampling.SamplingDecision.Reading;
import dev.vigil.sampling.SamplingDecision.Reason;
import dev.vigil.sampling.SamplingDecision.Result;
import dev.vigil.sampling.SamplingDecision.Rule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The adaptive sampling decision: a table of cases computed by hand, then properties over random inputs. */
class SamplingDecisionTest {
    /** target 20 spans/s, ratio in [0.001, 1], ±10 %, x10 per step, boost x4, 20 s to propagate, windows 20 s-2 min. */
    static Rule rule() {
        return new Rule(20, 0.001, 1, 0.1, 10, 4, Duration.ofSeconds(20), Duration.ofSeconds(20), Duration.ofMinutes(2));
    }

    /** What TraceSampler reads {@code since} seconds after a change: the clean window (or the short one). */
    static Reading reading(Rule rule, OptionalDouble kept, Duration since, OptionalDouble recent) {
        Duration w = SamplingDecision.cleanWindow(rule, since).orElse(rule.shortWindow());
        return new Reading(kept, w, w.compareTo(rule.shortWindow()) > 0 ? recent : OptionalDouble.empty());
    }

    static Result adaptive(Rule rule, double inEffect, double base, OptionalDouble kept, Duration since, boolean burning) {
        return SamplingDecision.adaptive(rule, inEffect, base, reading(rule, kept, since, OptionalDouble.empty()),
                History.NONE, since, burning);
    }

    static OptionalDouble kept(String s) {
        return s.equals("-") ? OptionalDouble.empty() : OptionalDouble.of(Double.parseDouble(s));
    }

    @ParameterizedTest(name = "kept {0}/s at {1} (base {2}), {3} s since the change, burning {4} -> {5}, base {6} ({7})")
    @CsvSource({
            // kept, in effect, base, seconds since the change, burning, ratio, base, reason
            // 20 kept at 0.4: 50 come in, 20 kept is the target: hold.
            "20, 0.4, 0.4, 60, false, 0.4, 0.4, Target",
            // 200 kept at 0.4: 500 come in -> 20 / 500 = 0.04 (÷10 allowed).
            "200, 0.4, 0.4, 60, false, 0.04, 0.04, Target",
            // 4 kept at 0.04: 100 come in -> 0.2 (x5).
            "4, 0.04, 0.04, 60, false, 0.2, 0.2, Target",
            // 0.2 kept at 0.001: 200 come in -> 0.1 wanted, one step at most x10 -> 0.01.
            "0.2, 0.001, 0.001, 60, false, 0.01, 0.01, Target",
            // 5 kept at 1: only 5 come in -> 4 wanted, bounded by max 1: unchanged.
            "5, 1, 1, 60, false, 1, 1, Target",
            // 30000 kept at 1 -> 0.000667 wanted, bounded by min 0.001 (and within one ÷10 step... no: 1 / 10 = 0.1).
            "30000, 1, 1, 60, false, 0.1, 0.1, Target",
            // 22 kept at 0.4: 55 come in, 22 is within 20 ± 2: hold.
            "22, 0.4, 0.4, 60, false, 0.4, 0.4, Target",
            // 22.4 kept at 0.4: 56 come in -> 20 / 56 = 0.35714... -> 0.3571.
            "22.4, 0.4, 0.4, 60, false, 0.3571, 0.3571, Target",
            // No data, NaN, nothing kept, a negative reading: hold.
            "-, 0.4, 0.4, 60, false, 0.4, 0.4, Holding",
            "NaN, 0.4, 0.4, 60, false, 0.4, 0.4, Holding",
            "0, 0.4, 0.4, 60, false, 0.4, 0.4, Holding",
            "-3, 0.4, 0.4, 60, false, 0.4, 0.4, Holding",
            // 39 s after a change no 20 s window is clean yet (20 s to propagate): hold; at 40 s one is.
            "200, 0.4, 0.4, 39, false, 0.4, 0.4, Target",
            "200, 0.4, 0.4, 40, false, 0.04, 0.04, Target",
            // Burning at the target: base 0.4, served 0.4 x 4 = 1.6 -> max 1.
            "20, 0.4, 0.4, 60, true, 1, 0.4, Boosted",
            // Still burning, boosted to 1 with base 0.4: 50 come in, 20 at the base: unchanged.
            "50, 1, 0.4, 60, true, 1, 0.4, Boosted",
            // The burn is over: back to the base.
            "50, 1, 0.4, 60, false, 0.4, 0.4, Target",
            // Burning, boosted 0.1 -> 0.4: 80 kept at 0.4 = 200 come in, 20 at the base 0.1: unchanged.
            "80, 0.4, 0.1, 60, true, 0.4, 0.1, Boosted",
            // Burning while the data is missing: the boost does not need data.
            "-, 0.1, 0.1, 60, true, 0.4, 0.1, Boosted",
    })
    void table(String kept, double inEffect, double base, long since, boolean burning, double ratio, double newBase,
            Reason reason) {
        Result r = adaptive(rule(), inEffect, base, kept(kept), Duration.ofSeconds(since), burning);
        assertThat(r.ratio()).as(r.message()).isEqualTo(ratio);
        assertThat(r.base()).as(r.message()).isEqualTo(newBase);
        assertThat(r.reason()).as(r.message()).isEqualTo(reason);
        assertThat(r.changed()).isEqualTo(ratio != inEffect);
    }

    /**
     * Few spans: a deviation within two standard deviations of the count (1/sqrt(n)) is left until the window, which
     * grows from the last change, holds enough spans to tell it from noise.
     */
    @Test
    void aDeviationWithinTheNoiseOfTheCountWaitsForMoreSpans() {
        Rule lowTarget = new Rule(1, 0.001, 1, 0.1, 10, 4, Duration.ofSeconds(20), Duration.ofSeconds(20),
                Duration.ofMinutes(2));
        // 60 s after the change: a 40 s window, at 0.5; on target it would count 40 spans (noise 3/sqrt(40) = 47 %):
        // 1.35 kept/s, 35 % off, waits.
        Result early = adaptive(lowTarget, 0.5, 0.5, OptionalDouble.of(1.35), Duration.ofSeconds(60), false);
        assertThat(early.changed()).as(early.message()).isFalse();
        assertThat(early.message()).contains("by less than counting noise (47.43% of the 40 spans the target would "
                + "have given)");
        // 1.5 kept/s, 50 % off, moves: 3 come in -> 1 / 3 = 0.3333.
        Result moved = adaptive(lowTarget, 0.5, 0.5, OptionalDouble.of(1.5), Duration.ofSeconds(60), false);
        assertThat(moved.ratio()).as(moved.message()).isEqualTo(0.3333);
        // Ten minutes on, the window is 2 minutes: 120 spans on target (noise 27 %): 35 % off moves: 2.7 in -> 0.3704.
        Result later = adaptive(lowTarget, 0.5, 0.5, OptionalDouble.of(1.35), Duration.ofMinutes(10), false);
        assertThat(later.ratio()).as(later.message()).isEqualTo(0.3704);
        assertThat(later.message()).contains("over 120 s");
    }

    /**
     * The load changes within a long clean window: the last short window, when it differs by more than the tolerance
     * and three standard deviations of its count, tells it; the loop waits one short window (so that it holds the new
     * load alone), then decides on it (the long one would be diluted by the old load) and drops the pooled spans.
     */
    @Test
    void aLoadChangeWithinTheWindowIsMeasuredAloneOverTheShortWindow() {
        Rule rule = rule();
        Duration since = Duration.ofMinutes(10);
        History pooled = new History(2000, 100, 2000, Optional.empty());
        // Steady at 20 kept/s over 2 minutes; the last 20 s kept 30/s (600 spans, 3 sigma = 12 %; 50 % off): seen.
        Reading changed = new Reading(OptionalDouble.of(21.7), Duration.ofMinutes(2), OptionalDouble.of(30));
        Result seen = SamplingDecision.adaptive(rule, 0.4, 0.4, changed, pooled, since, false);
        assertThat(seen.loadChange()).isEqualTo(LoadChange.SEEN);
        assertThat(seen.changed()).as(seen.message()).isFalse();
        assertThat(seen.kept().getAsDouble()).isEqualTo(30);
        assertThat(seen.spansIn().getAsDouble()).isCloseTo(75, within(1e-9));
        assertThat(seen.message()).contains("the load changed (30 kept/s over the last 20 s against 22 over 120 s): "
                + "measuring the new load alone for 20 s");
        // 19 s later: still waiting.
        Result waiting = SamplingDecision.adaptive(rule, 0.4, 0.4, changed,
                new History(2000, 100, 2000, Optional.of(Duration.ofSeconds(19))), since, false);
        assertThat(waiting.loadChange()).isEqualTo(LoadChange.SEEN);
        assertThat(waiting.changed()).isFalse();
        // 20 s later the short window holds the new load alone: 40 / 0.4 = 100 come in -> 0.2; the pooled spans of
        // the old load are not used.
        Reading now = new Reading(OptionalDouble.of(25), Duration.ofMinutes(2), OptionalDouble.of(40));
        Result used = SamplingDecision.adaptive(rule, 0.4, 0.4, now,
                new History(2000, 100, 2000, Optional.of(Duration.ofSeconds(20))), since, false);
        assertThat(used.loadChange()).isEqualTo(LoadChange.USED);
        assertThat(used.ratio()).as(used.message()).isEqualTo(0.2);
        assertThat(used.message()).contains("over the last 20 s (the load changed: 40 kept/s against 25 over 120 s)");
        assertThat(used.spans()).isEqualTo(800);
        assertThat(used.ratioSeconds()).isCloseTo(8, within(1e-9));
        // 22.5 over the last 20 s (450 spans, 3 sigma = 14 %) against 20.2: 11 % off, within the noise: the long
        // window decides (20.2 at 0.4: within 5 %, unchanged), and no change of load is seen.
        Result noise = SamplingDecision.adaptive(rule, 0.4, 0.4, new Reading(OptionalDouble.of(20.2),
                Duration.ofMinutes(2), OptionalDouble.of(22.5)), History.NONE, since, false);
        assertThat(noise.changed()).as(noise.message()).isFalse();
        assertThat(noise.loadChange()).isEqualTo(LoadChange.NONE);
        assertThat(noise.message()).contains("over 120 s;");
        // A missing short reading: the long window decides.
        Result noRecent = SamplingDecision.adaptive(rule, 0.4, 0.4, new Reading(OptionalDouble.of(30),
                Duration.ofMinutes(2), OptionalDouble.empty()), History.NONE, since, false);
        assertThat(noRecent.ratio()).as(noRecent.message()).isEqualTo(0.2667);
    }

    /**
     * Pooling: the spans of the windows that set earlier ratios (since the load last changed) count with the current
     * window, each divided by its own ratio. After a step down a correction is made on few spans; its refinement uses
     * them all.
     */
    @Test
    void earlierWindowsArePooledWithTheCurrentOne() {
        Rule rule = rule();
        // The ratio 0.2 was set from 80 spans at 0.04 over 20 s (100 spans/s in); now 20 s at 0.2 kept 17/s (340
        // spans): pooled 420 spans over 0.8 + 4 ratio-seconds = 87.5 in -> 17.5 kept at 0.2, 12.5 % off -> 0.2286.
        History history = new History(80, 0.8, 80, Optional.empty());
        Reading reading = new Reading(OptionalDouble.of(17), Duration.ofSeconds(20), OptionalDouble.empty());
        Result r = SamplingDecision.adaptive(rule, 0.2, 0.2, reading, history, Duration.ofSeconds(40), false);
        assertThat(r.spansIn().getAsDouble()).isCloseTo(87.5, within(1e-9));
        assertThat(r.ratio()).as(r.message()).isEqualTo(0.2286);
        assertThat(r.message()).contains("and the 80 spans counted before the last change");
        // The same deviation when the ratio was set from more spans than this window holds: on target the windows
        // would have counted 20 x 4.8 / 0.2 = 480 spans, 3 sigma 13.7 %: 12.5 % is within the noise, wait.
        Result noisy = SamplingDecision.adaptive(rule, 0.2, 0.2, reading, new History(80, 0.8, 400, Optional.empty()),
                Duration.ofSeconds(40), false);
        assertThat(noisy.changed()).as(noisy.message()).isFalse();
        assertThat(noisy.message()).contains("by less than counting noise (13.69% of the 480 spans the target would");

        // Pooled windows that measured another load are dropped: 80 spans at 0.8 ratio-seconds is 100 in; this window
        // says 17 x 20 / 4 = 85 in... within 3 sigma of its 340 spans (16 %)? 15 % off: kept. 12 kept/s (60 in, 40 %
        // off) is not: judged alone, 60 in -> 0.3333, and the pooled spans are dropped.
        Result other = SamplingDecision.adaptive(rule, 0.2, 0.2, new Reading(OptionalDouble.of(12), Duration.ofSeconds(20),
                OptionalDouble.empty()), history, Duration.ofSeconds(40), false);
        assertThat(other.spansIn().getAsDouble()).isCloseTo(60, within(1e-9));
        assertThat(other.ratio()).as(other.message()).isEqualTo(0.3333);
        assertThat(other.loadChange()).isEqualTo(LoadChange.USED);
        assertThat(other.message()).contains("(alone: the 80 spans counted before the last change measured 100 spans/s in)");
        assertThat(r.loadChange()).isEqualTo(LoadChange.NONE);
    }

    /**
     * A window with a gap in its counts (Prometheus came back and has not received the counts it missed yet, a new
     * shard): holding, never judged. 120 s at a count every 5 s, the newest 10 s possibly on their way: 22 expected.
     */
    @Test
    void aWindowWithAGapInItsCountsIsNotJudged() {
        Rule rule = rule();
        Reading gap = new Reading(OptionalDouble.of(5.7), Duration.ofMinutes(2), OptionalDouble.empty(), 12,
                Duration.ofSeconds(5));
        assertThat(gap.samplesExpected()).isEqualTo(22);
        Result held = SamplingDecision.adaptive(rule, 0.2, 0.2, gap, History.NONE, Duration.ofMinutes(10), false);
        assertThat(held.changed()).isFalse();
        assertThat(held.reason()).isEqualTo(Reason.Holding);
        assertThat(held.message()).contains("the fleet's counts have a gap in the last 120 s (12 of 22 expected");
        Reading whole = new Reading(OptionalDouble.of(5.7), Duration.ofMinutes(2), OptionalDouble.empty(), 22,
                Duration.ofSeconds(5));
        assertThat(SamplingDecision.adaptive(rule, 0.2, 0.2, whole, History.NONE, Duration.ofMinutes(10), false)
                .changed()).isTrue();
    }

    @Test
    void theCleanWindowGrowsFromTheChangeUpToTheLongWindow() {
        Rule rule = rule();
        assertThat(SamplingDecision.cleanWindow(rule, Duration.ofSeconds(39))).isEmpty();
        assertThat(SamplingDecision.cleanWindow(rule, Duration.ofSeconds(40))).contains(Duration.ofSeconds(20));
        assertThat(SamplingDecision.cleanWindow(rule, Duration.ofMillis(75_900))).contains(Duration.ofSeconds(55));
        assertThat(SamplingDecision.cleanWindow(rule, Duration.ofMinutes(30))).contains(Duration.ofMinutes(2));
    }

    /** A boosted ratio comes from the remembered base: the next evaluation with the same base serves the same ratio. */
    @Test
    void theBoostedRatioIsStableFromOneEvaluationToTheNext() {
        // 100 come in: base 20 / 100.26 = 0.19948... -> 0.1995 remembered; boosted x4 = 0.798 (not 0.7979).
        Result first = adaptive(rule(), 0.4, 0.4, OptionalDouble.of(40.104), Duration.ofMinutes(1), true);
        assertThat(first.base()).isEqualTo(0.1995);
        assertThat(first.ratio()).isEqualTo(0.798);
        Result again = adaptive(rule(), first.ratio(), first.base(), OptionalDouble.of(0.798 * 100.26),
                Duration.ofSeconds(20), true);
        assertThat(again.changed()).as(again.message()).isFalse();
    }

    @Test
    void noBoostWithFactorOne() {
        Rule noBoost = new Rule(20, 0.001, 1, 0.1, 10, 1, Duration.ofSeconds(20), Duration.ofSeconds(20),
                Duration.ofMinutes(2));
        Result r = adaptive(noBoost, 0.4, 0.4, OptionalDouble.of(20), Duration.ofMinutes(1), true);
        assertThat(r.reason()).isEqualTo(Reason.Target);
        assertThat(r.ratio()).isEqualTo(0.4);
    }

    @Test
    void fixedServesTheRatio() {
        Result r = SamplingDecision.fixed(0.25, 1);
        assertThat(r.ratio()).isEqualTo(0.25);
        assertThat(r.reason()).isEqualTo(Reason.Fixed);
        assertThat(r.changed()).isTrue();
        assertThat(SamplingDecision.fixed(0.25, 0.25).changed()).isFalse();
    }

    static Rule randomRule(Random rnd) {
        double min = Math.pow(10, -1 - rnd.nextInt(4));
        double max = Math.min(1, min * Math.pow(10, 1 + rnd.nextInt(4)));
        Duration shortWindow = Duration.ofSeconds(10 + rnd.nextInt(60));
        return new Rule(1 + rnd.nextInt(1000), min, max, 0.02 + rnd.nextDouble() * 0.2, 1.5 + rnd.nextDouble() * 20,
                1 + rnd.nextInt(8), Duration.ofSeconds(5 + rnd.nextInt(30)), shortWindow,
                shortWindow.multipliedBy(1 + rnd.nextInt(10)));
    }

    static double between(Random rnd, Rule rule) {
        return rule.minRatio() + rnd.nextDouble() * (rule.maxRatio() - rule.minRatio());
    }

    /**
     * Bounds, holding without data, boost only while burning, step limits, the tolerance band, no move within the
     * noise of the count, the short window used only when it differs beyond its noise.
     */
    @Test
    void properties() {
        Random rnd = new Random(20261205);
        for (int i = 0; i < 10_000; i++) {
            Rule rule = randomRule(rnd);
            double base = SamplingDecision.round(between(rnd, rule));
            boolean burning = rnd.nextInt(4) == 0;
            double inEffect = burning && rnd.nextBoolean() ? Math.min(rule.maxRatio(), base * rule.boostFactor()) : base;
            int kind = rnd.nextInt(10);
            OptionalDouble kept = switch (kind) {
                case 0 -> OptionalDouble.empty();
                case 1 -> OptionalDouble.of(Double.NaN);
                case 2 -> OptionalDouble.of(0);
                default -> OptionalDouble.of(Math.pow(10, rnd.nextDouble() * 7 - 3));
            };
            Duration since = Duration.ofSeconds(rnd.nextInt(600));
            OptionalDouble recent = rnd.nextBoolean() ? OptionalDouble.empty() : kept.isPresent() && rnd.nextBoolean()
                    ? OptionalDouble.of(kept.getAsDouble() * Math.pow(2, rnd.nextGaussian())) : kept;
            Reading reading = reading(rule, kept, since, recent);
            Result r = SamplingDecision.adaptive(rule, inEffect, base, reading, History.NONE, since, burning);
            String ctx = rule + " base " + base + " in effect " + inEffect + " " + reading + " since " + since
                    + " burning " + burning + " -> " + r;

            assertThat(r.ratio()).as(ctx).isBetween(rule.minRatio(), rule.maxRatio());
            assertThat(r.base()).as(ctx).isBetween(rule.minRatio(), rule.maxRatio());
            if (kind <= 2 || since.compareTo(rule.settle()) < 0) {
                assertThat(r.base()).as("no usable reading: base held; " + ctx).isEqualTo(base);
            }
            if (kind <= 2 && !burning && since.compareTo(rule.settle()) >= 0) {
                assertThat(r.reason()).as(ctx).isEqualTo(Reason.Holding);
            }
            if (burning && rule.boostFactor() > 1) {
                assertThat(r.reason()).as(ctx).isEqualTo(Reason.Boosted);
                assertThat(r.ratio()).as(ctx).isGreaterThanOrEqualTo(r.base());
            } else {
                assertThat(r.reason()).as(ctx).isNotEqualTo(Reason.Boosted);
                assertThat(r.ratio()).as(ctx).isEqualTo(r.base());
            }
            // One step moves the base by at most maxStep (rounding to 4 digits aside).
            assertThat(r.base()).as(ctx).isBetween(base / rule.maxStep() * 0.999, base * rule.maxStep() * 1.001);
            if (kind > 2 && since.compareTo(rule.settle()) >= 0) {
                // The kept rate used: the clean window's, or the short window's when it differs beyond its noise.
                double k = kept.getAsDouble();
                long n = reading.window().toSeconds();
                if (reading.recent().isPresent()) {
                    double rec = reading.recent().getAsDouble();
                    double change = Math.abs(rec - k) / k;
                    if (change > rule.tolerance() && change > 3 / Math.sqrt(rec * rule.shortWindow().toSeconds())) {
                        // A change of load, seen for the first time (no history): nothing decided yet.
                        assertThat(r.loadChange()).as(ctx).isEqualTo(LoadChange.SEEN);
                        assertThat(r.base()).as(ctx).isEqualTo(base);
                        continue;
                    }
                }
                assertThat(r.loadChange()).as(ctx).isEqualTo(LoadChange.NONE);
                double in = k / inEffect;
                assertThat(r.spansIn().getAsDouble()).as(ctx).isCloseTo(in, within(in * 1e-9));
                assertThat(r.kept().getAsDouble()).as(ctx).isEqualTo(k);
                double deviation = Math.abs(in * base - rule.targetSpansPerSecond()) / rule.targetSpansPerSecond();
                if (deviation <= rule.tolerance()) {
                    assertThat(r.base()).as("within tolerance: unchanged; " + ctx).isEqualTo(base);
                }
                double expected = rule.targetSpansPerSecond() * n * inEffect / base;
                if (deviation <= 3 / Math.sqrt(Math.max(1, expected))) {
                    assertThat(r.base()).as("within the noise of the count: unchanged; " + ctx).isEqualTo(base);
                }
            }
        }
    }

    /**
     * A constant rate of spans: every decision on a clean window brings the kept rate closer to the target, never
     * past it by more than the tolerance, in one direction only, and it ends within the tolerance (or the noise of the
     * count, on a long window) or at a bound.
     */
    @Test
    void convergesMonotonicallyOnAConstantRate() {
        Random rnd = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            Rule rule = randomRule(rnd);
            double in = Math.pow(10, rnd.nextDouble() * 6 - 1);
            double base = SamplingDecision.round(between(rnd, rule));
            double target = rule.targetSpansPerSecond();
            int direction = 0;
            double distance = Math.abs(in * base - target);
            int steps = 0;
            while (true) {
                Duration since = rule.settle().plus(rule.longWindow());
                Result r = adaptive(rule, base, base, OptionalDouble.of(in * base), since, false);
                String ctx = rule + " in " + in + " step " + steps + " base " + base + " -> " + r;
                if (!r.changed()) {
                    double noise = 3 / Math.sqrt(Math.max(1, target * rule.longWindow().toSeconds()));
                    boolean atTarget = Math.abs(in * base - target) <= Math.max(rule.tolerance(), noise) * target;
                    boolean atBound = base == rule.minRatio() || base == rule.maxRatio();
                    assertThat(atTarget || atBound).as("settled away from the target and the bounds: " + ctx).isTrue();
                    break;
                }
                int d = Double.compare(r.base(), base);
                assertThat(direction == 0 || d == direction).as("changed direction: " + ctx).isTrue();
                direction = d;
                double next = Math.abs(in * r.base() - target);
                assertThat(next).as("moved away from the target: " + ctx).isLessThanOrEqualTo(distance * 1.001 + 1e-9);
                if (d > 0) {
                    assertThat(in * r.base()).as("overshot upwards: " + ctx)
                            .isLessThanOrEqualTo(target * (1 + rule.tolerance()) * 1.001);
                } else {
                    assertThat(in * r.base()).as("overshot downwards: " + ctx)
                            .isGreaterThanOrEqualTo(target * (1 - rule.tolerance()) * 0.999);
                }
                distance = next;
                base = r.base();
                steps++;
                assertThat(steps).as("no convergence: " + ctx).isLessThan(30);
            }
        }
    }
}
