package dev.vigil.collector;

import dev.vigil.kube.Durations;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every service and pod that comes, goes or moves is an event for the fleets of its namespace, and each event was a
 * whole reconcile of the fleet: every target recomputed, which costs in proportion to the fleet's services and pods.
 * While 1,000 services arrived that was 0.7 to 2.3 fleet reconciles per service and 15 % of the operator's CPU
 * (async-profiler, docs/benchmarks.md), and it grows with the square of a fleet's size. A fleet now reconciles at
 * most once per interval ({@code vigil.collector.min-reconcile-interval}): the first event at once, those that come
 * within the interval together when it ends, so nothing is missed, only coalesced. A change of the fleet's own spec
 * (a new generation) is reconciled at once. Kept in memory: after a restart the first reconcile runs at once.
 */
final class ReconcilePace {
    private record Last(long generation, Instant at) {
    }

    private final Map<ResourceID, Last> last = new ConcurrentHashMap<>();
    private final Duration interval;
    private final Clock clock;

    ReconcilePace(Duration interval, Clock clock) {
        this.interval = interval;
        this.clock = clock;
    }

    /**
     * Empty when the fleet may reconcile now (this reconcile then opens its interval); otherwise how long until its
     * interval ends, rounded up to the millisecond, so that the reconcile that comes back then is not early.
     */
    Optional<Duration> admit(ResourceID fleet, Long generation) {
        if (interval.isZero()) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        // An entry whose interval has ended holds nothing back: dropping it keeps the map to the fleets paced now.
        last.values().removeIf(l -> !l.at().plus(interval).isAfter(now));
        long gen = generation == null ? 0 : generation;
        Last prev = last.get(fleet);
        if (prev != null && prev.generation() == gen) {
            return Optional.of(Durations.wholeMillisUp(Duration.between(now, prev.at().plus(interval))));
        }
        last.put(fleet, new Last(gen, now));
        return Optional.empty();
    }
}
