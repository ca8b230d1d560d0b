package dev.vigil.pool;

import static dev.vigil.prometheus.PromQl.escape;

import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.PoolSpec;

import java.time.Duration;
import java.util.Optional;

/**
 * The PromQL behind a pool's two signals, from the naming convention the app's client library follows, scoped to the
 * service's own series by the labels its fleet adds to every scraped target ({@code namespace}, {@code service}).
 * <ul>
 * <li>OpenTelemetry semantic conventions, as the Prometheus exporter names them: the histogram
 * {@code db.client.connection.wait_time} → {@code db_client_connection_wait_time_seconds_*} (every acquisition;
 * those slower than its 1 ms bucket count as waits), the gauges {@code db.client.connection.count} (attribute
 * {@code db.client.connection.state} = used|idle) and {@code db.client.connection.max}, the pool attribute
 * {@code db.client.connection.pool.name} → label {@code db_client_connection_pool_name}.</li>
 * <li>RedisClient: {@code redis_client_pool_wait_duration_seconds_count} (borrows that waited),
 * {@code redis_client_pool_connections{state}} and {@code redis_client_pool_max}, label {@code pool}.</li>
 * </ul>
 * The wait signal is waits per second per replica (the total divided by the pods reporting), as a rate over four
 * scrape intervals of the service — shorter right after a size change, so that it measures the new size only;
 * utilisation is used ÷ size over the service's pods (0..1), read from gauges. {@code signals.waitQuery} / {@code utilisationQuery} replace them verbatim.
 */
public final class PoolSignalQueries {
    /** Rate window of the wait signal in steady state, in scrape intervals (Prometheus' rule of thumb: at least 4). */
    static final int WINDOW_SCRAPES = 4;
    /** The shortest window that still holds two samples, in scrape intervals. */
    static final int MIN_WINDOW_SCRAPES = 2;

    private PoolSignalQueries() {
    }

    public record Queries(String waitsPerSecondPerReplica, String utilisation) {
    }

    /** The queries with the steady-state rate window (4 scrape intervals). */
    public static Queries of(InstrumentedService service, PoolSpec pool, Duration scrapeInterval) {
        return of(service, pool, scrapeInterval, Optional.empty());
    }

    /**
     * @param sinceChange time since the pool's size last changed: the wait rate then only looks at samples taken
     *                    since (but at least two scrape intervals), so waits from before a scale-up do not ask for
     *                    another one
     */
    public static Queries of(InstrumentedService service, PoolSpec pool, Duration scrapeInterval, Optional<Duration> sinceChange) {
        Duration window = scrapeInterval.multipliedBy(WINDOW_SCRAPES);
        if (sinceChange.isPresent() && sinceChange.get().compareTo(window) < 0) {
            Duration min = scrapeInterval.multipliedBy(MIN_WINDOW_SCRAPES);
            window = sinceChange.get().compareTo(min) < 0 ? min : sinceChange.get();
        }
        String rateWindow = window.toSeconds() + "s";
        PoolSpec.Signals s = pool.signals == null ? new PoolSpec.Signals() : pool.signals;
        String poolName = s.poolName != null ? s.poolName : pool.name;
        String scope = "namespace=\"" + escape(service.getMetadata().getNamespace()) + "\",service=\""
                + escape(service.getMetadata().getName()) + "\"";
        boolean redis = s.naming == PoolSpec.Signals.Naming.RedisClient;
        String poolLabel = (redis ? "pool" : "db_client_connection_pool_name") + "=\"" + escape(poolName) + "\"";
        String sel = "{" + scope + "," + poolLabel + "}";
        String waits;
        String util;
        if (redis) {
            waits = perReplica("rate(redis_client_pool_wait_duration_seconds_count" + sel + "[" + rateWindow + "])",
                    "redis_client_pool_max" + sel);
            util = "sum(redis_client_pool_connections{" + scope + "," + poolLabel + ",state=\"used\"})\n/\nsum(redis_client_pool_max" + sel + ")";
        } else {
            // Every acquisition lands in the histogram; the ones that waited are those slower than 1 ms.
            String bucket = "db_client_connection_wait_time_seconds_bucket{" + scope + "," + poolLabel + ",le=\"0.001\"}";
            waits = perReplica("rate(db_client_connection_wait_time_seconds_count" + sel + "[" + rateWindow + "])",
                    "db_client_connection_max" + sel, "rate(" + bucket + "[" + rateWindow + "])");
            util = "sum(db_client_connection_count{" + scope + "," + poolLabel + ",db_client_connection_state=\"used\"})\n/\nsum(db_client_connection_max" + sel + ")";
        }
        return new Queries(s.waitQuery != null ? s.waitQuery : waits, s.utilisationQuery != null ? s.utilisationQuery : util);
    }

    /** How long after a change the wait signal is worth reading again: two scrapes of the new size. */
    public static Duration settleTime(Duration scrapeInterval) {
        return scrapeInterval.multipliedBy(MIN_WINDOW_SCRAPES);
    }

    /**
     * Waits per second per replica: the waits of all pods divided by the pods that report the pool's size. A pool
     * that reports its size but never waited has no wait series yet (client libraries and OpenTelemetry histograms
     * only export one after the first observation): that counts as 0 waits, not as missing data. A service whose
     * pool is not scraped at all still has no data.
     */
    private static String perReplica(String waitRate, String sizeGauge) {
        return "(\n  sum(" + waitRate + ")\n  or on() (0 * sum(" + sizeGauge + "))\n)\n/\ncount(count by (pod) (" + sizeGauge + "))";
    }

    private static String perReplica(String acquisitionRate, String sizeGauge, String fastRate) {
        return "(\n  (sum(" + acquisitionRate + ") - (sum(" + fastRate + ") or on() vector(0)))\n  or on() (0 * sum(" + sizeGauge
                + "))\n)\n/\ncount(count by (pod) (" + sizeGauge + "))";
    }
}
