package dev.vigil.collector;

import dev.vigil.api.v1alpha1.TelemetryCollectorStatus;
import dev.vigil.kube.Durations;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A fleet's figures in status (services collected, targets per shard, imbalance, hand-offs) move with every service
 * and pod that comes or goes: while 1,000 services and their pods arrive, writing each move was 0.67 status patches
 * per service, each one sent back to every watcher of fleets. A status whose figures alone changed is written at most
 * once per {@link #PERIOD} per fleet; in between the stored figures stay, and the reconcile comes back when the period
 * ends to write the latest ones. Anything else that changes (a condition, the generation, the config, the shards'
 * readiness) is written at once, with the figures of the moment. Kept in memory: after a restart the first change is
 * written at once.
 */
final class StatusFigures {
    /** The SD refresh: collectors do not act on a new target list faster than this either. */
    static final Duration PERIOD = Duration.ofSeconds(5);

    private final Map<ResourceID, Instant> written = new ConcurrentHashMap<>();
    private final Clock clock;

    StatusFigures(Clock clock) {
        this.clock = clock;
    }

    /**
     * Called with the status a reconcile is about to write: when only its figures differ from the stored ones and
     * the fleet's status was written less than a period ago, puts the stored figures back into {@code next} (so
     * nothing is written) and returns when to come back.
     */
    Optional<Duration> pace(ResourceID fleet, TelemetryCollectorStatus old, TelemetryCollectorStatus next) {
        Instant now = clock.instant();
        // An entry older than a period holds nothing back: dropping it keeps the map to the fleets written lately.
        written.values().removeIf(t -> !t.plus(PERIOD).isAfter(now));
        if (old == null || Objects.equals(old, next)) {
            return Optional.empty();
        }
        Instant last = written.get(fleet);
        if (last != null && onlyFiguresDiffer(old, next)) {
            copyFigures(old, next);
            return Optional.of(Durations.wholeMillisUp(Duration.between(now, last.plus(PERIOD))));
        }
        written.put(fleet, now);
        return Optional.empty();
    }

    private static boolean onlyFiguresDiffer(TelemetryCollectorStatus old, TelemetryCollectorStatus next) {
        TelemetryCollectorStatus withOldFigures = next.deepCopy();
        copyFigures(old, withOldFigures);
        return withOldFigures.equals(old);
    }

    private static void copyFigures(TelemetryCollectorStatus from, TelemetryCollectorStatus to) {
        to.services = from.services;
        to.shardTargets = from.shardTargets;
        to.imbalance = from.imbalance;
        to.handoffs = from.handoffs;
    }
}
