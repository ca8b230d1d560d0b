package dev.vigil.telemetry;

import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Which reconciles are running and since when, so that a reconcile loop that no longer moves (a reconcile blocked
 * for minutes, or a JVM spending its time collecting garbage) shows as a failing liveness check and the pod is
 * restarted, instead of an operator that is up and does nothing. Every reconcile makes a bounded number of calls,
 * each with its own timeout, so a healthy one takes seconds.
 */
@ApplicationScoped
public class ReconcileWatchdog {
    /** A reconcile running longer than this means the loop is stuck. */
    public static final Duration STUCK_AFTER = Duration.ofMinutes(5);

    /** One running reconcile: what it reconciles and when it started. */
    public record Running(String what, Instant since) {
    }

    private final Map<Long, Running> running = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    Clock clock = Clock.systemUTC();

    /** Marks a reconcile of {@code what} as started now; pass the token to {@link #end}. */
    public long begin(String what) {
        return begin(what, clock.instant());
    }

    /** Marks a reconcile of {@code what} as started at {@code since} (a test's stuck reconcile). */
    public long begin(String what, Instant since) {
        long id = ids.incrementAndGet();
        running.put(id, new Running(what, since));
        return id;
    }

    /** How long a running reconcile has run. */
    public Duration runningFor(Running r) {
        return Duration.between(r.since(), clock.instant());
    }

    public void end(long token) {
        running.remove(token);
    }

    /** The reconcile that has run longest, when it has run longer than {@code limit}. */
    public Optional<Running> stuck(Duration limit) {
        Instant now = clock.instant();
        return running.values().stream().min(Comparator.comparing(Running::since))
                .filter(r -> Duration.between(r.since(), now).compareTo(limit) > 0);
    }

    /** How many reconciles are running now. */
    public int running() {
        return running.size();
    }
}
