package dev.vigil.sampling;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The adaptive trace-sampling decision: a pure function of the rule, the kept-span rates measured, the ratio in
 * effect, how long it has been in effect, and whether an SLO of the service burns. Everything else (querying
 * Prometheus, serving the strategy) is plumbing around it.
 *
 * <p>The SDK keeps each trace with the served probability, so the collector sees only kept spans: the spans coming
 * in are estimated as kept ÷ ratio-in-effect, which is exact when the whole measurement window ran at that ratio.
 * Hence the steps, each explained in the result's message:
 * <ol>
 * <li>settling: until the ratio in effect has been counted for a whole short window (after the time a change needs
 * to reach the SDKs and the counts), every window mixes two ratios: hold (this keeps the loop from oscillating);</li>
 * <li>the clean window: from then on the rate is read over the time since the change reached the counts, at most
 * the long window — it grows between changes, so a steady service is judged on many spans;</li>
 * <li>a load change: when the last short window differs from the clean window by more than the tolerance and by
 * more than three standard deviations of its own count, the load changed within the window: the loop waits one
 * short window, then decides on the short window alone (which then holds the new load only, rather than minutes of
 * the old one);</li>
 * <li>pooling: the spans counted in earlier clean windows since the load last changed (each at its own ratio) count
 * with the current window: spans-in = all kept ÷ Σ ratio × seconds. A correction made on few spans (after a step
 * down, a few spans per second) is refined with all of them. Pooled windows that measured another load (beyond the
 * tolerance and three standard deviations of the current window's count) are dropped;</li>
 * <li>missing data (no series, NaN, a failed query, nothing kept in the window, a window with a gap in its counts:
 * Prometheus was away and has not received them all yet, or a shard is new) holds the ratio: never drop towards 0
 * because Prometheus is down or the service is idle, never judge a window that misses counts;</li>
 * <li>the base ratio (what the loop aims with, boost aside) becomes target ÷ spans-in, unless the spans it would keep
 * are within the tolerance of the target, or the deviation is within three standard deviations of the count the
 * target would have given (Poisson: 1/√n) while the window holds no more spans than the one the ratio was set from
 * (the loop does not chase sampling noise, but a better measurement than the last one is acted on); at most
 * ×maxStep or ÷maxStep per decision, within [minRatio, maxRatio];</li>
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
     * @param propagation          how long a new ratio needs to reach the SDKs and its counts to reach Prometheus
     * @param shortWindow          the shortest window a decision is made on, and the window that tells a load change
     * @param longWindow           the longest window a decision is made on
     */
    public record Rule(double targetSpansPerSecond, double minRatio, double maxRatio, double tolerance, double maxStep,
            double boostFactor, Duration propagation, Duration shortWindow, Duration longWindow) {
        /** How long after a change no window is clean yet: propagation plus one short window. */
        public Duration settle() {
            return propagation.plus(shortWindow);
        }
    }

    /** How often the fleet's connector writes its counts (TraceSamplingContribution): a window holds one a flush. */
    public static final Duration FLUSH = Duration.ofSeconds(5);
    /** The newest counts may not have reached Prometheus yet: a window may miss this much at its end. */
    static final Duration COUNT_DELAY = Duration.ofSeconds(10);

    /**
     * What was read from the fleet's Prometheus.
     *
     * @param kept    kept spans per second over {@code window} (the clean window)
     * @param window  the window {@code kept} was read over
     * @param recent  kept spans per second over the rule's short window (read when the clean window is longer)
     * @param samples the fewest counts any of the service's series has in the window (-1: not read)
     * @param countInterval how often a series gets a count (the connector's flush, {@link #FLUSH})
     */
    public record Reading(OptionalDouble kept, Duration window, OptionalDouble recent, int samples,
            Duration countInterval) {
        public Reading(OptionalDouble kept, Duration window, OptionalDouble recent) {
            this(kept, window, recent, -1, FLUSH);
        }

        public static Reading none(Duration window) {
            return new Reading(OptionalDouble.empty(), window, OptionalDouble.empty());
        }

        /** The counts a series without a gap has in the window, give or take the newest ones on their way. */
        public long samplesExpected() {
            return Math.max(1, window.minus(COUNT_DELAY).toSeconds() / Math.max(1, countInterval.toSeconds()));
        }
    }

    /**
     * What the loop remembers between decisions.
     *
     * @param spans            spans counted in earlier clean windows since the load last changed
     * @param ratioSeconds     Σ ratio × seconds of those windows (spans ÷ ratioSeconds: the spans coming in)
     * @param basis            the spans the base ratio was set from (+∞: unknown, e.g. after a restart)
     * @param loadChangeSeenAgo how long ago a load change was first seen and not yet decided on
     */
    public record History(double spans, double ratioSeconds, double basis, Optional<Duration> loadChangeSeenAgo) {
        public static final History NONE = new History(0, 0, Double.POSITIVE_INFINITY, Optional.empty());
    }

    /** What a decision did with a change of load within the window. */
    public enum LoadChange {
        /** None seen. */
        NONE,
        /** Seen: waiting one short window to measure the new load alone. */
        SEEN,
        /** Decided on the new load alone (the short window, or this window without the pooled ones): earlier
         * evidence is dropped. */
        USED
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
     * @param kept       the kept spans per second the decision used, when it used one
     * @param changed    ratio differs from the one in effect
     * @param loadChange what became of a change of load within the window
     * @param spans      the spans of the window the decision used (0: none)
     * @param ratioSeconds that window's ratio in effect × its seconds
     */
    public record Result(double ratio, double base, Reason reason, String message, OptionalDouble spansIn,
            OptionalDouble kept, boolean changed, LoadChange loadChange, double spans, double ratioSeconds) {
    }

    private SamplingDecision() {
    }

    /**
     * The window to read the kept-span rate over, {@code sinceChange} after the ratio in effect was served: the time
     * its counts have been reaching Prometheus, at most the long window, in whole seconds; empty while it is shorter
     * than the short window (settling).
     */
    public static Optional<Duration> cleanWindow(Rule rule, Duration sinceChange) {
        Duration clean = sinceChange.minus(rule.propagation());
        if (clean.compareTo(rule.shortWindow()) < 0) {
            return Optional.empty();
        }
        Duration w = clean.compareTo(rule.longWindow()) > 0 ? rule.longWindow() : clean;
        return Optional.of(Duration.ofSeconds(w.toSeconds()));
    }

    /**
     * @param inEffect    the ratio the SDKs run with now (boost included)
     * @param base        the base ratio of the previous decision (equal to inEffect without a boost)
     * @param reading     the kept-span rates read over the clean window ({@link #cleanWindow}) and the short one
     * @param history     what earlier decisions left (pooled spans, the basis of the base, a load change seen)
     * @param sinceChange how long inEffect has been served
     * @param burning     an SLO of the service burns faster than its ticket threshold
     */
    public static Result adaptive(Rule rule, double inEffect, double base, Reading reading, History history,
            Duration sinceChange, boolean burning) {
        double newBase = clamp(base, rule);
        Reason reason = Reason.Target;
        String why;
        OptionalDouble spansIn = OptionalDouble.empty();
        OptionalDouble used = OptionalDouble.empty();
        double k = reading.kept().isPresent() ? reading.kept().getAsDouble() : Double.NaN;
        double recent = reading.recent().isPresent() ? reading.recent().getAsDouble() : Double.NaN;
        long seconds = reading.window().toSeconds();
        LoadChange load = LoadChange.NONE;
        double spans = 0;
        double ratioSeconds = 0;
        if (cleanWindow(rule, sinceChange).isEmpty()) {
            why = "the ratio changed less than " + rule.settle().toSeconds() + " s ago: waiting for a window measured "
                    + "at it alone";
        } else if (!Double.isFinite(k) || k < 0) {
            reason = Reason.Holding;
            why = "no kept-span rate for the service: holding the ratio";
        } else if (reading.samples() >= 0 && reading.samples() < reading.samplesExpected()) {
            reason = Reason.Holding;
            why = "the fleet's counts have a gap in the last " + seconds + " s (" + reading.samples() + " of "
                    + reading.samplesExpected() + " expected: Prometheus or a shard was away, or a shard is new): "
                    + "holding the ratio until a whole window is counted";
        } else if (k == 0) {
            used = OptionalDouble.of(0);
            reason = Reason.Holding;
            why = "no spans kept in the window (no traffic, or none reaching the fleet): holding the ratio";
        } else {
            String over = "over " + seconds + " s";
            double pooledSpans = history.spans();
            double pooledRatioSeconds = history.ratioSeconds();
            long shortSeconds = rule.shortWindow().toSeconds();
            if (Double.isFinite(recent) && recent > 0 && seconds > shortSeconds) {
                if (differs(Math.abs(recent - k) / k, recent * shortSeconds, rule)) {
                    load = history.loadChangeSeenAgo().isPresent()
                            && history.loadChangeSeenAgo().get().compareTo(rule.shortWindow()) >= 0
                            ? LoadChange.USED : LoadChange.SEEN;
                    if (load == LoadChange.USED) {
                        over = "over the last " + shortSeconds + " s (the load changed: " + rate(recent)
                                + " kept/s against " + rate(k) + " over " + seconds + " s)";
                        k = recent;
                        seconds = shortSeconds;
                        pooledSpans = 0;
                        pooledRatioSeconds = 0;
                    }
                }
            }
            if (load == LoadChange.SEEN) {
                // The status shows the new load as the short window has it (not nothing while it is measured).
                used = OptionalDouble.of(recent);
                spansIn = OptionalDouble.of(recent / inEffect);
                why = "the load changed (" + rate(recent) + " kept/s over the last " + shortSeconds + " s against "
                        + rate(k) + " over " + seconds + " s): measuring the new load alone for " + shortSeconds + " s";
            } else {
                used = OptionalDouble.of(k);
                spans = k * seconds;
                ratioSeconds = inEffect * seconds;
                if (pooledSpans > 0 && pooledRatioSeconds > 0) {
                    // The pooled windows must measure the same load: one too far from this window (beyond the
                    // tolerance and three standard deviations of this window's count) measured another load, which a
                    // short window did not tell (a step that began at the end of the last window).
                    double before = pooledSpans / pooledRatioSeconds;
                    if (differs(Math.abs(spans / ratioSeconds - before) / before, Math.max(1, spans), rule)) {
                        over += " (alone: the " + Math.round(pooledSpans) + " spans counted before the last change "
                                + "measured " + rate(before) + " spans/s in)";
                        pooledSpans = 0;
                        pooledRatioSeconds = 0;
                        load = LoadChange.USED;
                    }
                }
                double counted = pooledSpans + spans;
                double in = counted / (pooledRatioSeconds + ratioSeconds);
                spansIn = OptionalDouble.of(in);
                if (pooledSpans > 0) {
                    over += " and the " + Math.round(pooledSpans) + " spans counted before the last change";
                }
                double atBase = in * newBase;
                double deviation = Math.abs(atBase - rule.targetSpansPerSecond()) / rule.targetSpansPerSecond();
                // Were the base on target, the windows would have counted `expected` spans, give or take its square
                // root (Poisson): a deviation within three of those is not told from noise.
                double expected = rule.targetSpansPerSecond() * (pooledRatioSeconds + ratioSeconds) / newBase;
                double noise = 3 / Math.sqrt(Math.max(1, expected));
                if (deviation <= rule.tolerance()) {
                    why = "about " + rate(in) + " spans/s come in " + over + "; " + rate(atBase) + " kept at the base "
                            + "ratio is within " + percent(rule.tolerance()) + " of the target "
                            + rate(rule.targetSpansPerSecond());
                } else if (deviation <= noise && spans <= history.basis()) {
                    why = "about " + rate(in) + " spans/s come in " + over + "; " + rate(atBase) + " kept at the base "
                            + "ratio differs from the target " + rate(rule.targetSpansPerSecond()) + " by less than "
                            + "counting noise (" + percent(noise) + " of the " + Math.round(expected) + " spans the "
                            + "target would have given): waiting for more";
                } else {
                    double wanted = rule.targetSpansPerSecond() / in;
                    double stepped = Math.max(newBase / rule.maxStep(), Math.min(newBase * rule.maxStep(), wanted));
                    newBase = clamp(stepped, rule);
                    why = "about " + rate(in) + " spans/s come in " + over + ": base ratio " + round(newBase)
                            + " keeps about " + rate(in * newBase) + " spans/s for the target "
                            + rate(rule.targetSpansPerSecond())
                            + (stepped != wanted ? " (one step is at most x" + round(rule.maxStep()) + ")" : "")
                            + (newBase != stepped ? " (bounded by [" + round(rule.minRatio()) + ", "
                                    + round(rule.maxRatio()) + "])" : "");
                }
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
        return new Result(ratio, newBase, reason, why, spansIn, used, ratio != inEffect, load, spans, ratioSeconds);
    }

    /** Fixed mode: the configured ratio. */
    public static Result fixed(double ratio, double inEffect) {
        double r = round(ratio);
        return new Result(r, r, Reason.Fixed, "fixed ratio " + r, OptionalDouble.empty(), OptionalDouble.empty(),
                r != inEffect, LoadChange.NONE, 0, 0);
    }

    /**
     * Two readings measure different loads: their relative difference is beyond the tolerance and beyond three
     * standard deviations of a rate counted from {@code count} spans (Poisson: 1/√n).
     */
    private static boolean differs(double change, double count, Rule rule) {
        return change > rule.tolerance() && change > 3 / Math.sqrt(count);
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
