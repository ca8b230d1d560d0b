package dev.vigil.pool;

import dev.vigil.api.v1alpha1.InstrumentedServiceStatus.PoolBudget;
import dev.vigil.api.v1alpha1.InstrumentedServiceStatus.PoolChange;
import dev.vigil.api.v1alpha1.InstrumentedServiceStatus.PoolStatus;
import dev.vigil.api.v1alpha1.PoolSpec;
import dev.vigil.status.Conditions;
import dev.vigil.status.Reasons;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * A pool's status from one evaluation, as a pure function of what was decided: the size and the decision's reason,
 * the signals when they were read this time (else the last good ones, with the time they were read), the
 * MetricsAvailable / ScalingLimited / BudgetLimited conditions, the budget figures and the last change. Between two
 * evaluations an unchanged pool keeps its status object as it was, so nothing moves.
 */
public final class PoolStatusBuilder {
    /** The signals of a pool, or why they are missing. */
    public record Read(PoolDecision.Signals signals, boolean available, String reason, String message) {
    }

    /**
     * One evaluation of a pool.
     *
     * @param current    the size before this evaluation
     * @param r          the decision (after the budget, when the pool has one)
     * @param due        whether the signals were read this time ({@code read} is then set)
     * @param allocation the pool's share of its budget; null without a budget
     * @param before     the pool's status before; null for a new pool
     */
    public record Evaluation(PoolSpec pool, PoolDecision.Rule rule, int current, int replicas, PoolDecision.Result r,
            boolean due, Read read, BudgetLedger.Allocation allocation, PoolStatus before, Long generation, Instant now) {
    }

    private PoolStatusBuilder() {
    }

    public static PoolStatus build(Evaluation e) {
        PoolSpec pool = e.pool();
        PoolDecision.Rule rule = e.rule();
        int current = e.current();
        int replicas = e.replicas();
        PoolDecision.Result r = e.r();
        boolean due = e.due();
        Read read = e.read();
        BudgetLedger.Allocation allocation = e.allocation();
        PoolStatus before = e.before();
        Instant now = e.now();
        PoolDecision.Signals signals = read == null ? PoolDecision.Signals.none() : read.signals();
        if (!due && r.size() == current && before != null && sameBudget(before.budget, allocation, current * replicas)
                && before.replicas != null && before.replicas == replicas) {
            return before;
        }

        PoolStatus s = new PoolStatus();
        s.name = pool.name;
        s.size = r.size();
        s.replicas = replicas;
        Conditions conditions = new Conditions(before == null ? null : before.conditions, e.generation(), Clock.fixed(now, ZoneOffset.UTC));
        if (due) {
            s.desiredSize = r.recommendation();
            if (read.available()) {
                s.waitsPerSecond = signals.waitsPerSecond().map(PoolAutoscaler::plain).orElse(null);
                s.utilisation = signals.utilisation().map(PoolAutoscaler::plain).orElse(null);
                s.measuredAt = now.truncatedTo(ChronoUnit.SECONDS).toString();
            } else if (before != null) {
                // The last good values stay, with the time they were read; MetricsAvailable says why they are old.
                s.waitsPerSecond = before.waitsPerSecond;
                s.utilisation = before.utilisation;
                s.measuredAt = before.measuredAt;
            }
            s.reason = PoolAutoscaler.camel(r.reason());
            s.message = r.message();
            conditions.set(Reasons.METRICS_AVAILABLE, read.available(), read.reason(), read.message());
        } else if (before != null) {
            s.desiredSize = before.desiredSize;
            s.waitsPerSecond = before.waitsPerSecond;
            s.utilisation = before.utilisation;
            s.measuredAt = before.measuredAt;
            s.reason = r.size() == current ? before.reason : PoolAutoscaler.camel(r.reason());
            s.message = r.size() == current ? before.message : r.message();
            conditions.keep(before.conditions, Reasons.METRICS_AVAILABLE);
        } else {
            s.reason = PoolAutoscaler.camel(r.reason());
            s.message = r.message();
        }
        if (r.cappedByMax()) {
            conditions.set(Reasons.SCALING_LIMITED, true, Reasons.CAPPED_BY_MAX, "the signals ask for "
                    + r.recommendation() + " connections per replica, over max " + rule.max());
        } else if (r.reason() == PoolDecision.Reason.RAISED_TO_MIN) {
            conditions.set(Reasons.SCALING_LIMITED, true, Reasons.RAISED_TO_MIN, "held at min " + rule.min());
        } else if (due || before == null) {
            conditions.set(Reasons.SCALING_LIMITED, false, Reasons.WITHIN_BOUNDS, "the size lies within min "
                    + rule.min() + " and max " + rule.max());
        } else {
            conditions.keep(before.conditions, Reasons.SCALING_LIMITED);
        }
        if (allocation != null) {
            s.budget = new PoolBudget();
            s.budget.name = pool.budget.name;
            s.budget.maxConnections = allocation.maxConnections();
            s.budget.share = allocation.share();
            s.budget.inUse = r.size() * replicas;
            s.budget.totalInUse = pool.budget.name == null ? null : allocation.othersHold() + r.size() * replicas;
            if (r.cappedByBudget()) {
                conditions.set(Reasons.BUDGET_LIMITED, true, Reasons.CAPPED_BY_BUDGET, "the budget "
                        + (pool.budget.name == null ? "" : pool.budget.name + " ") + "of " + allocation.maxConnections()
                        + " connections leaves this pool " + allocation.share() + " over " + replicas + " replicas: "
                        + r.size() + " each");
            } else {
                conditions.set(Reasons.BUDGET_LIMITED, false, Reasons.WITHIN_BUDGET, r.size() + " x " + replicas
                        + " replicas = " + (r.size() * replicas) + " of the " + allocation.share() + " connections this pool may hold");
            }
        }
        s.conditions = conditions.build();
        if (before != null && before.lastChange != null) {
            s.lastChange = before.lastChange;
        }
        if (r.size() != current) {
            PoolChange c = new PoolChange();
            c.from = current;
            c.to = r.size();
            c.at = now.truncatedTo(ChronoUnit.SECONDS).toString();
            c.reason = PoolAutoscaler.camel(r.reason());
            c.message = r.message();
            s.lastChange = c;
        }
        return s;
    }

    private static boolean sameBudget(PoolBudget before, BudgetLedger.Allocation now, int inUse) {
        if (now == null) {
            return before == null;
        }
        return before != null && before.share != null && before.share == now.share() && before.inUse != null
                && before.inUse == inUse && Objects.equals(before.maxConnections, now.maxConnections());
    }
}
