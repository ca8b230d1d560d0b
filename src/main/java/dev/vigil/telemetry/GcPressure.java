package dev.vigil.telemetry;

import jakarta.enterprise.context.ApplicationScoped;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The share of wall time the JVM spent collecting garbage over the last {@link #WINDOW}, from the collectors' total
 * collection time sampled at each liveness call (the kubelet's every 10 s). A heap too small for what the operator
 * holds does not always end in an {@code OutOfMemoryError}: the serial collector frees a little at each full
 * collection and the process goes on, doing little else (at 10,000 services on a 384m heap: 419 full collections,
 * 469 s of 17 minutes, the old generation 100 % full, the health endpoint not answering in 10 s). Above
 * {@link #LIMIT} liveness fails and the pod restarts, with the reason in the probe's answer and in the log.
 */
@ApplicationScoped
public class GcPressure {
    /** The window the share is taken over. */
    public static final Duration WINDOW = Duration.ofSeconds(60);
    /** Above this share of the window in garbage collection, the operator is thrashing. */
    public static final double LIMIT = 0.5;

    private record Sample(long wallMillis, long gcMillis) {
    }

    /** The share of {@code over} spent collecting garbage. */
    public record Share(double share, Duration over) {
        public String describe() {
            return Math.round(share * 100) + " % of the last " + over.toSeconds() + " s";
        }
    }

    private final LongSupplier wallMillis;
    private final LongSupplier gcMillis;
    private final ArrayDeque<Sample> samples = new ArrayDeque<>();

    public GcPressure() {
        this(System::currentTimeMillis, GcPressure::totalCollectionMillis);
    }

    private GcPressure(LongSupplier wallMillis, LongSupplier gcMillis) {
        this.wallMillis = wallMillis;
        this.gcMillis = gcMillis;
    }

    /** Over other sources of wall time and collection time (tests). */
    public static GcPressure of(LongSupplier wallMillis, LongSupplier gcMillis) {
        return new GcPressure(wallMillis, gcMillis);
    }

    /**
     * Takes a sample and returns the share of time spent in garbage collection since the oldest sample at least
     * {@link #WINDOW} old; empty until the samples span the window.
     */
    public synchronized Optional<Share> share() {
        Sample now = new Sample(wallMillis.getAsLong(), gcMillis.getAsLong());
        samples.addLast(now);
        Sample base = null;
        // Keep the newest sample at least WINDOW old (the base) and everything after it.
        while (!samples.isEmpty() && now.wallMillis() - samples.peekFirst().wallMillis() >= WINDOW.toMillis()) {
            base = samples.pollFirst();
        }
        if (base == null) {
            return Optional.empty();
        }
        samples.addFirst(base);
        long wall = now.wallMillis() - base.wallMillis();
        return Optional.of(new Share(Math.min(1.0, (double) (now.gcMillis() - base.gcMillis()) / wall), Duration.ofMillis(wall)));
    }

    private static long totalCollectionMillis() {
        long total = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, gc.getCollectionTime());
        }
        return total;
    }
}
