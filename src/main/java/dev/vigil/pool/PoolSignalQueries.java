package dev.vigil.pool;

import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.PoolSpec;

/**
 * The PromQL behind a pool's two signals, from the naming convention the app's client library follows, scoped to the
 * service's own series by the labels its fleet adds to every scraped target ({@code namespace}, {@code service}).
 * <ul>
 * <li>OpenTelemetry semantic conventions, as the Prometheus exporter names them: the histogram
 * {@code db.client.connection.wait_time} → {@code db_client_connection_wait_time_seconds_count}, the gauges
 * {@code db.client.connection.count{state}} and {@code db.client.connection.max}, the pool attribute
 * {@code db.client.connection.pool.name} → label {@code db_client_connection_pool_name}.</li>
 * <li>RedisClient: {@code redis_client_pool_wait_duration_seconds_count}, {@code redis_client_pool_connections{state}}
 * and {@code redis_client_pool_max}, label {@code pool}.</li>
 * </ul>
 * The wait signal is waits per second per replica (the total divided by the pods reporting); utilisation is used ÷
 * size over the service's pods (0..1). {@code signals.waitQuery} / {@code utilisationQuery} replace them verbatim.
 */
public final class PoolSignalQueries {
    /** Rate window of the wait signal: short, so a burst of waits shows within one evaluation. */
    static final String RATE_WINDOW = "1m";

    private PoolSignalQueries() {
    }

    public record Queries(String waitsPerSecondPerReplica, String utilisation) {
    }

    public static Queries of(InstrumentedService service, PoolSpec pool) {
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
            waits = perReplica("redis_client_pool_wait_duration_seconds_count", sel);
            util = "sum(redis_client_pool_connections{" + scope + "," + poolLabel + ",state=\"used\"})\n/\nsum(redis_client_pool_max" + sel + ")";
        } else {
            waits = perReplica("db_client_connection_wait_time_seconds_count", sel);
            util = "sum(db_client_connection_count{" + scope + "," + poolLabel + ",state=\"used\"})\n/\nsum(db_client_connection_max" + sel + ")";
        }
        return new Queries(s.waitQuery != null ? s.waitQuery : waits, s.utilisationQuery != null ? s.utilisationQuery : util);
    }

    private static String perReplica(String counter, String sel) {
        return "sum(rate(" + counter + sel + "[" + RATE_WINDOW + "]))\n/\ncount(count by (pod) (" + counter + sel + "))";
    }

    /** A PromQL string literal's content: backslashes and double quotes escaped. */
    static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
