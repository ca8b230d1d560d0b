package dev.vigil.sampling;

import java.time.Duration;
import java.util.OptionalDouble;

/**
 * The adaptive trace-sampling decision: a pure function of the rule, the kept-span rate measured over the last
 * window, the ratio in effect, how long it has been in effect, and whether an SLO of the service burns. Everything
 * else (querying Prometheus, serving the strategy) is plumbing around it.
 *
 * <p>The SDK keeps each trace with the served probability, so the collector sees only kept spans: the spans coming
 * in are estimated as kept ÷ ratio-in-effect, which is exact when the whole measurement window ran at that ratio.
 * Hence the steps, each explained in the result's message:
 * <ol>
 * <li>missing data (no series, NaN, a failed query, nothing kept in the window) holds the ratio: never drop towards 0
 * because Prometheus is down or the service is idle;</li>
 * <li>settling: a window that began before the ratio last changed (plus the time the change needs to reach the SDKs)
 * mixes two ratios and is not used: hold until a clean window (this is what keeps the loop from oscillating);</li>
 * <li>the base ratio (what the loop aims with, boost aside) becomes target ÷ spans-in, unless the spans it would keep
 * are within the tolerance of the target; at most ×maxStep or ÷maxStep per decision (a single odd reading cannot
 * swing it), within [minRatio, maxRatio];</li>
 * <li>SLO-aware boost: while an SLO of the service burns faster than its ticket threshold, the ratio served is the
 * base × boostFactor (at most maxRatio), so an incident has traces; the base goes on being estimated (divided by the
 * boosted ratio in effect), and the boost ends with the burn.</li>
 * </ol>
 */
public final class SamplingDecision {
    /**
     * @param targetSpansPerSecond kept spans per second aimed at
     * @param minRatio             the least share kept (above 0)
     * @param maxRatio             the most share kept
     * @param tolerance            a relative deviation from the target that is left alone (0.1 = ±10 %)
     * @param maxStep              the most the base ratio moves in one decision, as a factor (up) or divisor (down)
     * @param boostFactor          the base ratio's multiplier while an SLO burns (1: no boost)
     * @param settle               how long after a change a window still mixes two ratios: the rate window plus the
     *                             time a new ratio needs to reach the SDKs
     */
    public record Rule(double targetSpansPerSecond, double minRatio, double maxRatio, double tolerance, double maxStep,
            double boostFactor, Duration settle) {
    }

    /** What the status says of a decision (TraceSampling condition reasons and status.traceSampling.reason). */
    public enum Reason {
        /** At or moving towards the target. */
        Target,
        /** Raised while an SLO burns. */
        Boosted,
        /** Not enough data to decide: the ratio is held. */
        Holding,
        /** Fixed mode: the configured ratio. */
        Fixed
    }

    /**
     * @param ratio      the ratio to serve
     * @param base       the base ratio (without the boost) to remember for the next decision
     * @param spansIn    the estimated spans per second coming in (before sampling), when the reading allowed one
     * @param changed    ratio differs from the one in effect
     */
    public record Result(double ratio, double base, Reason reason, String message, OptionalDouble spansIn,
            boolean changed) {
    }

    private SamplingDecision() {
    }

    /**
     * @param inEffect    the ratio the SDKs run with now (boost included)
     * @param base        the base ratio of the previous decision (equal to inEffect without a boost)
     * @param kept        kept spans per second over the last window, if measured
     * @param sinceChange how long inEffect has been served
     * @param burning     an SLO of the service burns faster than its ticket threshold
     */
    public static Result adaptive(Rule rule, double inEffect, double base, OptionalDouble kept, Duration sinceChange,
            boolean burning) {
        double newBase = clamp(base, rule);
        Reason reason = Reason.Target;
        String why;
        OptionalDouble spansIn = OptionalDouble.empty();
        double k = kept.isPresent() ? kept.getAsDouble() : Double.NaN;
        if (!Double.isFinite(k) || k < 0) {
            reason = Reason.Holding;
            why = "no kept-span rate for the service: holding the ratio";
        } else if (k == 0) {
            reason = Reason.Holding;
            why = "no spans kept in the window (no traffic, or none reaching the fleet): holding the ratio";
        } else if (sinceChange.compareTo(rule.settle()) < 0) {
            why = "the ratio changed less than " + rule.settle().toSeconds() + " s ago: waiting for a window measured "
                    + "at it alone";
            spansIn = OptionalDouble.of(k / inEffect);
        } else {
            double in = k / inEffect;
            spansIn = OptionalDouble.of(in);
            double atBase = in * newBase;
            if (Math.abs(atBase - rule.targetSpansPerSecond()) <= rule.tolerance() * rule.targetSpansPerSecond()) {
                why = "about " + rate(in) + " spans/s come in; " + rate(atBase) + " kept at the base ratio is within "
                        + percent(rule.tolerance()) + " of the target " + rate(rule.targetSpansPerSecond());
            } else {
                double wanted = rule.targetSpansPerSecond() / in;
                double stepped = Math.max(newBase / rule.maxStep(), Math.min(newBase * rule.maxStep(), wanted));
                newBase = clamp(stepped, rule);
                why = "about " + rate(in) + " spans/s come in: base ratio " + round(newBase) + " keeps about "
                        + rate(in * newBase) + " spans/s for the target " + rate(rule.targetSpansPerSecond())
                        + (stepped != wanted ? " (one step is at most x" + round(rule.maxStep()) + ")" : "")
                        + (newBase != stepped ? " (bounded by [" + round(rule.minRatio()) + ", " + round(rule.maxRatio()) + "])" : "");
            }
        }
        // The base as it is remembered (four digits): the boosted ratio is computed from it, so the same base always
        // gives the same ratio (no change of the last digit from one evaluation to the next).
        newBase = clamp(round(newBase), rule);
        double ratio = newBase;
        if (burning && rule.boostFactor() > 1) {
            ratio = Math.min(rule.maxRatio(), newBase * rule.boostFactor());
            reason = Reason.Boosted;
            why = "an SLO burns faster than its ticket threshold: ratio raised x" + round(rule.boostFactor())
                    + " to " + round(ratio) + "; " + why;
        }
        ratio = clamp(round(ratio), rule);
        return new Result(ratio, newBase, reason, why, spansIn, ratio != inEffect);
    }

    /** Fixed mode: the configured ratio. */
    public static Result fixed(double ratio, double inEffect) {
        double r = round(ratio);
        return new Result(r, r, Reason.Fixed, "fixed ratio " + r, OptionalDouble.empty(), r != inEffect);
    }

    private static double clamp(double ratio, Rule rule) {
        return Math.max(rule.minRatio(), Math.min(rule.maxRatio(), ratio));
    }

    /**
     * Four significant digits: what the status shows and the SDKs get. A ratio that only differs beyond them is the
     * same ratio (no write, no new strategy).
     */
    static double round(double v) {
        if (v == 0 || !Double.isFinite(v)) {
            return v;
        }
        return new java.math.BigDecimal(v).round(new java.math.MathContext(4)).doubleValue();
    }

    /** A rate in a message: two significant digits (a status message changes with the decision, not with noise). */
    static String rate(double v) {
        if (v == 0 || !Double.isFinite(v)) {
            return Double.toString(v);
        }
        return new java.math.BigDecimal(v).round(new java.math.MathContext(2)).stripTrailingZeros().toPlainString();
    }

    private static String percent(double fraction) {
        return round(fraction * 100) + "%";
    }
}
