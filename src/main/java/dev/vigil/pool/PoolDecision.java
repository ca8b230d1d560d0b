package dev.vigil.pool;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The connection-pool sizing decision: a pure function of the rule, the measured signals, the current size, the
 * workload's replica count, the recent recommendations and the SLO gate. Everything else (querying Prometheus,
 * delivering the size) is plumbing around it.
 *
 * <p>Order of the steps, each explained in the result's reason:
 * <ol>
 * <li>recommendation from the signals, like the HPA's ratio rule: waits per second per replica above target ×
 * (1 + tolerance) → grow in proportion (size × waits / target); utilisation below target × (1 − tolerance) (and
 * waits not above target) → shrink in proportion (size × utilisation / target); otherwise hold. Missing signals
 * (no data, NaN, a failed query) hold — never shrink on missing data;</li>
 * <li>step limits: at most +maxIncreasePercent% and +maxIncrease per step up (at least +1), at most
 * −maxDecreasePercent% per step down;</li>
 * <li>stabilisation: growing uses the lowest recommendation of the scale-up window, shrinking the highest of the
 * scale-down window (so a size goes down only when every recommendation of the window was lower);</li>
 * <li>the SLO gate: no shrinking while an SLO of the service burns faster than 1× on its short window;</li>
 * <li>bounds [min, max], then the connection budget: size × replicas ≤ the pool's share of the budget, which wins
 * over min (down to 1 connection per replica).</li>
 * </ol>
 */
public final class PoolDecision {
    /** The parts of a pool's spec the decision reads (defaults already applied). */
    public record Rule(int min, int max, BigDecimal waitsPerSecond, int utilisationPercent, int tolerancePercent,
            int maxIncreasePercent, Optional<Integer> maxIncrease, Duration scaleUpWindow, int maxDecreasePercent,
            Duration scaleDownWindow) {
    }

    /** Signals as measured: waits per second per replica, and pool utilisation 0..1; empty when unknown. */
    public record Signals(Optional<BigDecimal> waitsPerSecond, Optional<BigDecimal> utilisation) {
        public static Signals none() {
            return new Signals(Optional.empty(), Optional.empty());
        }
    }

    /** One earlier recommendation (before bounds and budget), for the stabilisation windows. */
    public record Recommendation(Instant at, int size) {
    }

    public enum Reason { SCALED_UP, SCALED_DOWN, WITHIN_TOLERANCE, NO_DATA, STABILIZING, SLO_GATE, CAPPED_BY_MAX, CAPPED_BY_BUDGET, RAISED_TO_MIN }

    /**
     * @param size           the new size
     * @param recommendation this evaluation's recommendation (to append to the history)
     * @param cappedByMax    a needed increase was cut by max
     * @param cappedByBudget the budget cut the size (a needed increase, or the current size after replicas grew)
     */
    public record Result(int size, Reason reason, String message, int recommendation, boolean cappedByMax, boolean cappedByBudget) {
    }

    private PoolDecision() {
    }

    /**
     * @param budget the connections this pool may hold over all replicas (its share of the budget), if any
     * @param sloGateOpen false while an SLO of the service burns faster than 1× on its short window
     */
    public static Result decide(Rule rule, Signals signals, int current, int replicas, Optional<Integer> budget,
            List<Recommendation> history, boolean sloGateOpen, Instant now) {
        int reps = Math.max(1, replicas);
        BigDecimal tol = BigDecimal.valueOf(rule.tolerancePercent()).movePointLeft(2);
        int raw = current;
        Reason reason;
        String why;
        Optional<BigDecimal> waits = signals.waitsPerSecond();
        Optional<BigDecimal> util = signals.utilisation();
        BigDecimal waitTarget = rule.waitsPerSecond();
        BigDecimal utilTarget = BigDecimal.valueOf(rule.utilisationPercent()).movePointLeft(2);
        if (waits.isPresent() && waits.get().compareTo(waitTarget.multiply(BigDecimal.ONE.add(tol))) > 0) {
            BigDecimal ratio = waitTarget.signum() == 0 ? BigDecimal.valueOf(2) : waits.get().divide(waitTarget, 6, RoundingMode.HALF_UP);
            raw = Math.max(current + 1, ceil(BigDecimal.valueOf(current).multiply(ratio)));
            reason = Reason.SCALED_UP;
            why = "waits " + plain(waits.get()) + "/s per replica over the target " + plain(waitTarget) + "/s";
        } else if (waits.isPresent() && util.isPresent() && waits.get().compareTo(waitTarget) <= 0
                && util.get().compareTo(utilTarget.multiply(BigDecimal.ONE.subtract(tol))) < 0) {
            raw = Math.max(1, ceil(BigDecimal.valueOf(current).multiply(util.get()).divide(utilTarget, 6, RoundingMode.HALF_UP)));
            reason = raw < current ? Reason.SCALED_DOWN : Reason.WITHIN_TOLERANCE;
            why = "utilisation " + percent(util.get()) + " under the target " + rule.utilisationPercent() + "%";
        } else if (waits.isEmpty() || util.isEmpty() && waits.get().compareTo(waitTarget) <= 0) {
            reason = Reason.NO_DATA;
            why = waits.isEmpty() ? "no wait signal: holding the size" : "no utilisation signal: holding the size";
        } else {
            reason = Reason.WITHIN_TOLERANCE;
            why = "signals within " + rule.tolerancePercent() + "% of their targets";
        }
        int recommendation = raw;

        // Step limits.
        int size = raw;
        if (size > current) {
            int byPercent = Math.max(1, (int) ((long) current * rule.maxIncreasePercent() / 100));
            int step = rule.maxIncrease().map(m -> Math.min(m, byPercent)).orElse(byPercent);
            size = Math.min(size, current + Math.max(1, step));
        } else if (size < current) {
            int step = (int) ((long) current * rule.maxDecreasePercent() / 100);
            size = Math.max(size, current - Math.max(1, step));
        }

        // Stabilisation over the earlier recommendations (and this one).
        if (size > current && !rule.scaleUpWindow().isZero()) {
            int lowest = lowest(history, now.minus(rule.scaleUpWindow()), raw);
            if (lowest <= current) {
                size = current;
                reason = Reason.STABILIZING;
                why = why + "; not for " + rule.scaleUpWindow().toSeconds() + " s yet";
            } else {
                size = Math.min(size, lowest);
            }
        } else if (size < current && !rule.scaleDownWindow().isZero()) {
            int highest = highest(history, now.minus(rule.scaleDownWindow()), raw);
            if (highest >= current) {
                size = current;
                reason = Reason.STABILIZING;
                why = why + "; not for " + rule.scaleDownWindow().toSeconds() + " s yet";
            } else {
                size = Math.max(size, highest);
            }
        }

        if (size < current && !sloGateOpen) {
            size = current;
            reason = Reason.SLO_GATE;
            why = why + "; an SLO burns faster than 1x on its short window, so the pool does not shrink";
        }

        boolean cappedByMax;
        // A needed increase that max does not allow is worth a Warning event, even while the step limit binds first.
        cappedByMax = raw > current && raw > rule.max();
        if (size > rule.max()) {
            size = rule.max();
            if (cappedByMax) {
                reason = Reason.CAPPED_BY_MAX;
            }
            why = why + "; capped at max " + rule.max();
        } else if (cappedByMax) {
            why = why + "; the " + raw + " it needs are over max " + rule.max();
        }
        if (size < rule.min()) {
            size = rule.min();
            reason = Reason.RAISED_TO_MIN;
            why = why + "; raised to min " + rule.min();
        }
        boolean cappedByBudget = false;
        if (budget.isPresent()) {
            int perReplica = Math.max(1, budget.get() / reps);
            if (size > perReplica) {
                cappedByBudget = true;
                size = perReplica;
                reason = Reason.CAPPED_BY_BUDGET;
                why = why + "; the budget of " + budget.get() + " connections over " + reps + " replicas allows "
                        + perReplica + " each";
            }
        }
        return new Result(size, reason, why, recommendation, cappedByMax, cappedByBudget);
    }

    private static int lowest(List<Recommendation> history, Instant since, int now) {
        int min = now;
        for (Recommendation r : history) {
            if (!r.at().isBefore(since)) {
                min = Math.min(min, r.size());
            }
        }
        return min;
    }

    private static int highest(List<Recommendation> history, Instant since, int now) {
        int max = now;
        for (Recommendation r : history) {
            if (!r.at().isBefore(since)) {
                max = Math.max(max, r.size());
            }
        }
        return max;
    }

    private static int ceil(BigDecimal v) {
        return v.setScale(0, RoundingMode.CEILING).min(BigDecimal.valueOf(1_000_000)).intValueExact();
    }

    private static String plain(BigDecimal v) {
        return v.setScale(3, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }

    private static String percent(BigDecimal fraction) {
        return fraction.movePointRight(2).setScale(1, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString() + "%";
    }
}
