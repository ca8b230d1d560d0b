package dev.vigil.pool;

import dev.vigil.api.v1alpha1.InstrumentedServiceStatus.PoolStatus;
import dev.vigil.api.v1alpha1.PoolSpec;
import dev.vigil.pool.PoolDecision.Reason;
import dev.vigil.pool.PoolDecision.Result;
import dev.vigil.status.Conditions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** A pool's status from one evaluation: a table of hand-written cases, no operator, no clock but the one given. */
class PoolStatusBuilderTest {
    static final Instant NOW = Instant.parse("2026-12-02T12:00:00.400Z");
    static final Instant EARLIER = Instant.parse("2026-12-02T11:59:00Z");

    static PoolSpec pool(boolean budget) {
        PoolSpec p = new PoolSpec();
        p.name = "db";
        if (budget) {
            p.budget = new PoolSpec.Budget();
            p.budget.name = "shared";
        }
        return p;
    }

    static PoolStatusBuilder.Read read(String waits, String util) {
        return new PoolStatusBuilder.Read(new PoolDecision.Signals(Optional.of(new BigDecimal(waits)),
                Optional.of(new BigDecimal(util))), true, "SignalsRead", "waits " + waits);
    }

    static PoolStatus before() {
        PoolStatus b = new PoolStatus();
        b.name = "db";
        b.size = 10;
        b.desiredSize = 12;
        b.replicas = 2;
        b.waitsPerSecond = "0.3";
        b.utilisation = "0.5";
        b.measuredAt = "2026-12-02T11:59:00Z";
        b.reason = "WithinTolerance";
        b.message = "as it was";
        b.conditions = new Conditions(null, 1L, java.time.Clock.fixed(EARLIER, java.time.ZoneOffset.UTC))
                .set("MetricsAvailable", true, "SignalsRead", "old read")
                .set("ScalingLimited", false, "WithinBounds", "old bounds").build();
        return b;
    }

    static PoolStatus build(PoolSpec pool, int current, int replicas, Result r, boolean due, PoolStatusBuilder.Read read,
            BudgetLedger.Allocation allocation, PoolStatus before) {
        return PoolStatusBuilder.build(new PoolStatusBuilder.Evaluation(pool, PoolDecisionTest.rule(), current, replicas,
                r, due, read, allocation, before, 3L, NOW));
    }

    @ParameterizedTest(name = "{0}: {1} -> {2}, reason {3}, capped by max {4}: ScalingLimited {5}/{6}")
    @CsvSource({
            // case, current, new size, decision reason, capped by max, ScalingLimited status, its reason
            "scale up,       10, 20, SCALED_UP,        false, False, WithinBounds",
            "capped by max,  40, 50, CAPPED_BY_MAX,    true,  True,  CappedByMax",
            "raised to min,   2,  5, RAISED_TO_MIN,    false, True,  RaisedToMin",
            "within,         10, 10, WITHIN_TOLERANCE, false, False, WithinBounds",
    })
    void aDueEvaluationReportsItsSignalsReasonAndBounds(String name, int current, int size, Reason reason, boolean cappedByMax,
            String limited, String limitedReason) {
        PoolStatus s = build(pool(false), current, 2, new Result(size, reason, "because", size + 3, cappedByMax, false),
                true, read("0.75", "0.9"), null, null);
        assertThat(s.size).isEqualTo(size);
        assertThat(s.desiredSize).isEqualTo(size + 3);
        assertThat(s.replicas).isEqualTo(2);
        assertThat(s.waitsPerSecond).isEqualTo("0.75");
        assertThat(s.utilisation).isEqualTo("0.9");
        assertThat(s.measuredAt).isEqualTo("2026-12-02T12:00:00Z");
        assertThat(s.message).isEqualTo("because");
        assertThat(Conditions.find(s.conditions, "MetricsAvailable").getStatus()).isEqualTo("True");
        assertThat(Conditions.find(s.conditions, "ScalingLimited").getStatus()).isEqualTo(limited);
        assertThat(Conditions.find(s.conditions, "ScalingLimited").getReason()).isEqualTo(limitedReason);
        assertThat(Conditions.find(s.conditions, "BudgetLimited")).as("no budget").isNull();
        assertThat(s.budget).isNull();
        if (size != current) {
            assertThat(s.lastChange.from).isEqualTo(current);
            assertThat(s.lastChange.to).isEqualTo(size);
            assertThat(s.lastChange.at).isEqualTo("2026-12-02T12:00:00Z");
        } else {
            assertThat(s.lastChange).isNull();
        }
    }

    @Test
    void reasonsAreCamelCaseWithSloSpelledSlo() {
        assertThat(build(pool(false), 10, 2, new Result(10, Reason.SLO_GATE, "m", 8, false, false), true,
                read("0", "0.1"), null, null).reason).isEqualTo("SLOGate");
        assertThat(build(pool(false), 10, 2, new Result(20, Reason.SCALED_UP, "m", 20, false, false), true,
                read("1", "0.9"), null, null).reason).isEqualTo("ScaledUp");
    }

    @Test
    void signalsThatCouldNotBeReadKeepTheLastGoodValuesAndSayWhy() {
        PoolStatusBuilder.Read missing = new PoolStatusBuilder.Read(PoolDecision.Signals.none(), false,
                "PrometheusUnavailable", "connection refused; holding the size");
        PoolStatus s = build(pool(false), 10, 2, new Result(10, Reason.NO_DATA, "no data", 10, false, false), true,
                missing, null, before());
        assertThat(s.waitsPerSecond).isEqualTo("0.3");
        assertThat(s.utilisation).isEqualTo("0.5");
        assertThat(s.measuredAt).isEqualTo("2026-12-02T11:59:00Z");
        var c = Conditions.find(s.conditions, "MetricsAvailable");
        assertThat(c.getStatus()).isEqualTo("False");
        assertThat(c.getReason()).isEqualTo("PrometheusUnavailable");
        assertThat(c.getLastTransitionTime()).as("the status flipped now").isEqualTo("2026-12-02T12:00:00Z");
        assertThat(Conditions.find(s.conditions, "ScalingLimited").getLastTransitionTime())
                .as("still False: the transition time stays").isEqualTo("2026-12-02T11:59:00Z");
    }

    @Test
    void betweenEvaluationsAnUnchangedPoolIsTheSameObject() {
        PoolStatus before = before();
        assertThat(build(pool(false), 10, 2, new Result(10, Reason.WITHIN_TOLERANCE, "x", 10, false, false), false,
                null, null, before)).isSameAs(before);
    }

    @Test
    void betweenEvaluationsMoreReplicasMakeANewStatusThatKeepsTheLastReading() {
        PoolStatus before = before();
        PoolStatus s = build(pool(false), 10, 3, new Result(10, Reason.WITHIN_TOLERANCE, "x", 10, false, false), false,
                null, null, before);
        assertThat(s).isNotSameAs(before);
        assertThat(s.replicas).isEqualTo(3);
        assertThat(s.desiredSize).isEqualTo(12);
        assertThat(s.waitsPerSecond).isEqualTo("0.3");
        assertThat(s.reason).isEqualTo("WithinTolerance");
        assertThat(s.message).isEqualTo("as it was");
        assertThat(Conditions.find(s.conditions, "MetricsAvailable")).isEqualTo(Conditions.find(before.conditions, "MetricsAvailable"));
        assertThat(Conditions.find(s.conditions, "ScalingLimited")).isEqualTo(Conditions.find(before.conditions, "ScalingLimited"));
    }

    @ParameterizedTest(name = "size {0} x {1} replicas, share {2}, capped {3}: BudgetLimited {4}")
    @CsvSource({
            "20, 2, 40, true,  CappedByBudget, 'the budget shared of 100 connections leaves this pool 40 over 2 replicas: 20 each'",
            "10, 2, 40, false, WithinBudget,   '10 x 2 replicas = 20 of the 40 connections this pool may hold'",
    })
    void aBudgetIsReportedWithItsShare(int size, int replicas, int share, boolean capped, String reason, String message) {
        BudgetLedger.Allocation a = new BudgetLedger.Allocation("ns/shared", "svc/db", 100, share, 35);
        PoolStatus s = build(pool(true), 10, replicas, new Result(size, capped ? Reason.CAPPED_BY_BUDGET : Reason.WITHIN_TOLERANCE,
                "m", 30, false, capped), true, read("0.6", "0.9"), a, null);
        assertThat(s.budget.name).isEqualTo("shared");
        assertThat(s.budget.maxConnections).isEqualTo(100);
        assertThat(s.budget.share).isEqualTo(share);
        assertThat(s.budget.inUse).isEqualTo(size * replicas);
        assertThat(s.budget.totalInUse).isEqualTo(35 + size * replicas);
        var c = Conditions.find(s.conditions, "BudgetLimited");
        assertThat(c.getStatus()).isEqualTo(capped ? "True" : "False");
        assertThat(c.getReason()).isEqualTo(reason);
        assertThat(c.getMessage()).isEqualTo(message);
        assertThat(List.of(s.conditions.stream().map(x -> x.getType()).toArray()))
                .containsExactly("BudgetLimited", "MetricsAvailable", "ScalingLimited");
    }
}
