package dev.vigil.sampling;

import dev.vigil.sampling.SamplingDecision.Reason;
import dev.vigil.sampling.SamplingDecision.Result;
import dev.vigil.sampling.SamplingDecision.Rule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.OptionalDouble;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The adaptive sampling decision: a table of cases computed by hand, then properties over random inputs. */
class SamplingDecisionTest {
    /** target 20 spans/s, ratio in [0.001, 1], ±10 %, x10 per step, boost x4, 45 s to settle. */
    static Rule rule() {
        return new Rule(20, 0.001, 1, 0.1, 10, 4, Duration.ofSeconds(45));
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
            // 20 s after a change the window mixes two ratios: hold.
            "200, 0.4, 0.4, 20, false, 0.4, 0.4, Target",
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
        Result r = SamplingDecision.adaptive(rule(), inEffect, base, kept(kept), Duration.ofSeconds(since), burning);
        assertThat(r.ratio()).as(r.message()).isEqualTo(ratio);
        assertThat(r.base()).as(r.message()).isEqualTo(newBase);
        assertThat(r.reason()).as(r.message()).isEqualTo(reason);
        assertThat(r.changed()).isEqualTo(ratio != inEffect);
    }

    /** A boosted ratio comes from the remembered base: the next evaluation with the same base serves the same ratio. */
    @Test
    void theBoostedRatioIsStableFromOneEvaluationToTheNext() {
        // 100 come in: base 20 / 100.26 = 0.19948... -> 0.1995 remembered; boosted x4 = 0.798 (not 0.7979).
        Result first = SamplingDecision.adaptive(rule(), 0.4, 0.4, OptionalDouble.of(40.104), Duration.ofMinutes(1), true);
        assertThat(first.base()).isEqualTo(0.1995);
        assertThat(first.ratio()).isEqualTo(0.798);
        Result again = SamplingDecision.adaptive(rule(), first.ratio(), first.base(), OptionalDouble.of(0.798 * 100.26),
                Duration.ofSeconds(20), true);
        assertThat(again.changed()).as(again.message()).isFalse();
    }

    @Test
    void noBoostWithFactorOne() {
        Rule noBoost = new Rule(20, 0.001, 1, 0.1, 10, 1, Duration.ofSeconds(45));
        Result r = SamplingDecision.adaptive(noBoost, 0.4, 0.4, OptionalDouble.of(20), Duration.ofMinutes(1), true);
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
        return new Rule(1 + rnd.nextInt(1000), min, max, 0.02 + rnd.nextDouble() * 0.2, 1.5 + rnd.nextDouble() * 20,
                1 + rnd.nextInt(8), Duration.ofSeconds(10 + rnd.nextInt(120)));
    }

    static double between(Random rnd, Rule rule) {
        return rule.minRatio() + rnd.nextDouble() * (rule.maxRatio() - rule.minRatio());
    }

    /** Bounds, holding without data, boost only while burning, step limits, the tolerance band. */
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
            Duration since = Duration.ofSeconds(rnd.nextInt(300));
            Result r = SamplingDecision.adaptive(rule, inEffect, base, kept, since, burning);
            String ctx = rule + " base " + base + " in effect " + inEffect + " kept " + kept + " since " + since
                    + " burning " + burning + " -> " + r;

            assertThat(r.ratio()).as(ctx).isBetween(rule.minRatio(), rule.maxRatio());
            assertThat(r.base()).as(ctx).isBetween(rule.minRatio(), rule.maxRatio());
            if (kind <= 2 || since.compareTo(rule.settle()) < 0) {
                assertThat(r.base()).as("no usable reading: base held; " + ctx).isEqualTo(base);
            }
            if (kind <= 2 && !burning) {
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
                double in = kept.getAsDouble() / inEffect;
                assertThat(r.spansIn().getAsDouble()).as(ctx).isCloseTo(in, within(in * 1e-9));
                if (Math.abs(in * base - rule.targetSpansPerSecond()) <= rule.tolerance() * rule.targetSpansPerSecond()) {
                    assertThat(r.base()).as("within tolerance: unchanged; " + ctx).isEqualTo(base);
                }
            }
        }
    }

    /**
     * A constant rate of spans: every decision on a clean window brings the kept rate closer to the target, never
     * past it by more than the tolerance, in one direction only, and it ends within the tolerance or at a bound.
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
                Result r = SamplingDecision.adaptive(rule, base, base, OptionalDouble.of(in * base), rule.settle(), false);
                String ctx = rule + " in " + in + " step " + steps + " base " + base + " -> " + r;
                if (!r.changed()) {
                    boolean atTarget = Math.abs(in * base - target) <= rule.tolerance() * target;
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
