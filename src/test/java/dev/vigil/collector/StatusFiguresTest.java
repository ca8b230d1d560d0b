package dev.vigil.collector;

import dev.vigil.api.v1alpha1.TelemetryCollectorStatus;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StatusFiguresTest {
    private static final ResourceID FLEET = new ResourceID("platform", "obs");
    private static final ResourceID OTHER = new ResourceID("other", "obs");
    private final MovingClock clock = new MovingClock();
    private final StatusFigures figures = new StatusFigures(clock);

    @Test
    void theFirstChangeIsWrittenAtOnce() {
        TelemetryCollectorStatus old = status(10, List.of(5, 5), "Ready");
        TelemetryCollectorStatus next = status(11, List.of(6, 5), "Ready");
        assertThat(figures.pace(FLEET, old, next)).isEmpty();
        assertThat(next.shardTargets).containsExactly(6, 5);
        assertThat(next.services).isEqualTo(11);
    }

    @Test
    void figuresAloneWaitForThePeriodThenTheLatestAreWritten() {
        written(FLEET);
        clock.advance(Duration.ofSeconds(2));
        TelemetryCollectorStatus old = status(11, List.of(6, 5), "Ready");
        TelemetryCollectorStatus next = status(12, List.of(6, 6), "Ready");
        assertThat(figures.pace(FLEET, old, next)).contains(Duration.ofSeconds(3));
        assertThat(next).as("held: the stored figures stay, nothing to write").isEqualTo(old);

        clock.advance(Duration.ofSeconds(1));
        next = status(13, List.of(7, 6), "Ready");
        assertThat(figures.pace(FLEET, old, next)).contains(Duration.ofSeconds(2));
        assertThat(next).isEqualTo(old);

        // The reconcile that comes back when the period ends writes the figures of that moment.
        clock.advance(Duration.ofSeconds(2));
        next = status(13, List.of(7, 6), "Ready");
        assertThat(figures.pace(FLEET, old, next)).isEmpty();
        assertThat(next.shardTargets).containsExactly(7, 6);
        // ... and starts a new period.
        clock.advance(Duration.ofMillis(4_900));
        TelemetryCollectorStatus later = status(14, List.of(7, 7), "Ready");
        assertThat(figures.pace(FLEET, next, later)).contains(Duration.ofMillis(100));
        // A wait under a millisecond comes back after the period, not before it (JOSDK truncates to milliseconds).
        clock.advance(Duration.ofNanos(99_999_600));
        assertThat(figures.pace(FLEET, next, status(15, List.of(8, 7), "Ready"))).contains(Duration.ofMillis(1));
    }

    @Test
    void anyOtherChangeIsWrittenAtOnceWithTheFiguresOfTheMoment() {
        written(FLEET);
        clock.advance(Duration.ofSeconds(1));
        TelemetryCollectorStatus old = status(11, List.of(6, 5), "Ready");
        TelemetryCollectorStatus next = status(12, List.of(6, 6), "NotReady");
        assertThat(figures.pace(FLEET, old, next)).isEmpty();
        assertThat(next.shardTargets).containsExactly(6, 6);
        assertThat(next.services).isEqualTo(12);

        clock.advance(Duration.ofSeconds(1));
        TelemetryCollectorStatus generation = status(12, List.of(6, 6), "NotReady");
        TelemetryCollectorStatus moved = status(12, List.of(4, 4, 4), "NotReady");
        moved.observedGeneration = 2L;
        moved.handoffs = 4;
        assertThat(figures.pace(FLEET, generation, moved)).isEmpty();
        assertThat(moved.handoffs).isEqualTo(4);
    }

    @Test
    void eachFleetHasItsOwnPeriodAndNothingChangedIsNoWrite() {
        written(FLEET);
        TelemetryCollectorStatus old = status(1, List.of(1), "Ready");
        TelemetryCollectorStatus next = status(2, List.of(2), "Ready");
        assertThat(figures.pace(OTHER, old, next)).isEmpty();
        assertThat(next.services).isEqualTo(2);

        TelemetryCollectorStatus same = status(1, List.of(1), "Ready");
        assertThat(figures.pace(FLEET, old, same)).isEmpty();
        assertThat(same).isEqualTo(old);
    }

    @Test
    void aStatusNeverWrittenBeforeIsWrittenAtOnce() {
        written(FLEET);
        TelemetryCollectorStatus next = status(1, List.of(1), "Ready");
        assertThat(figures.pace(FLEET, null, next)).isEmpty();
        assertThat(next.services).isEqualTo(1);
    }

    /** A write of something other than figures, at the clock's time: starts the fleet's period. */
    private void written(ResourceID fleet) {
        assertThat(figures.pace(fleet, status(0, List.of(0), "Pending"), status(0, List.of(0), "Ready"))).isEmpty();
    }

    private static TelemetryCollectorStatus status(int services, List<Integer> targets, String ready) {
        TelemetryCollectorStatus s = new TelemetryCollectorStatus();
        s.observedGeneration = 1L;
        s.services = services;
        s.shardTargets = targets;
        s.imbalance = "1.00";
        s.handoffs = 0;
        s.conditions = List.of(new ConditionBuilder().withType("Ready").withStatus(ready.equals("Ready") ? "True" : "False")
                .withReason(ready).build());
        return s;
    }
}
