package dev.vigil.collector;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class ReconcilePaceTest {
    private static final ResourceID FLEET = new ResourceID("obs", "platform");
    private static final ResourceID OTHER = new ResourceID("obs2", "platform");
    private final MovingClock clock = new MovingClock();
    private final ReconcilePace pace = new ReconcilePace(Duration.ofSeconds(2), clock);

    @Test
    void theFirstChangeIsReconciledAtOnceAndTheOnesWithinTheIntervalWhenItEnds() {
        assertThat(pace.admit(FLEET, 1L)).isEmpty();
        clock.advance(Duration.ofMillis(300));
        assertThat(pace.admit(FLEET, 1L)).contains(Duration.ofMillis(1_700));
        clock.advance(Duration.ofMillis(1_200));
        assertThat(pace.admit(FLEET, 1L)).as("a later event: the same end, not a new interval")
                .contains(Duration.ofMillis(500));
        // The reconcile that comes back when the interval ends runs, and opens the next interval.
        clock.advance(Duration.ofMillis(500));
        assertThat(pace.admit(FLEET, 1L)).isEmpty();
        clock.advance(Duration.ofMillis(1));
        assertThat(pace.admit(FLEET, 1L)).contains(Duration.ofMillis(1_999));
    }

    @Test
    void aNewGenerationIsReconciledAtOnce() {
        assertThat(pace.admit(FLEET, 1L)).isEmpty();
        clock.advance(Duration.ofMillis(100));
        assertThat(pace.admit(FLEET, 2L)).as("the user changed the fleet's spec").isEmpty();
        clock.advance(Duration.ofMillis(100));
        assertThat(pace.admit(FLEET, 2L)).contains(Duration.ofMillis(1_900));
    }

    @Test
    void fleetsArePacedEachOnItsOwn() {
        assertThat(pace.admit(FLEET, 1L)).isEmpty();
        assertThat(pace.admit(OTHER, 1L)).isEmpty();
        assertThat(pace.admit(FLEET, 1L)).isPresent();
    }

    @Test
    void theWaitIsRoundedUpSoTheReconcileThatComesBackIsNotEarly() {
        assertThat(pace.admit(FLEET, 1L)).isEmpty();
        clock.advance(Duration.ofNanos(1_999_999_500L));
        assertThat(pace.admit(FLEET, 1L)).as("500 ns left: 1 ms, not 0 (0 would come back at once, early again)")
                .contains(Duration.ofMillis(1));
    }

    @Test
    void zeroReconcilesEveryChangeAtOnce() {
        ReconcilePace off = new ReconcilePace(Duration.ZERO, clock);
        assertThat(off.admit(FLEET, 1L)).isEmpty();
        assertThat(off.admit(FLEET, 1L)).isEmpty();
    }
}
