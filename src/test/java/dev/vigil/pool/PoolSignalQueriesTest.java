package dev.vigil.pool;

import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.PoolSpec;
import dev.vigil.prometheus.OpenMetricsCounters;
import dev.vigil.prometheus.RealPrometheus;
import dev.vigil.prometheus.PrometheusClient;
import dev.vigil.prometheus.PrometheusEndpoint;
import dev.vigil.prometheus.Sample;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The pool signal queries: their text, and what a real Prometheus answers for them on known series. */
class PoolSignalQueriesTest {
    @TempDir
    Path work;

    static InstrumentedService service() {
        InstrumentedService s = new InstrumentedService();
        s.setMetadata(new ObjectMetaBuilder().withName("cart").withNamespace("shop").build());
        return s;
    }

    static PoolSpec pool(PoolSpec.Signals.Naming naming) {
        PoolSpec p = new PoolSpec();
        p.name = "redis";
        p.signals = new PoolSpec.Signals();
        p.signals.naming = naming;
        return p;
    }

    @Test
    void openTelemetryNaming() {
        PoolSignalQueries.Queries q = PoolSignalQueries.of(service(), pool(PoolSpec.Signals.Naming.OpenTelemetry));
        assertThat(q.waitsPerSecondPerReplica()).isEqualTo("""
                sum(rate(db_client_connection_wait_time_seconds_count{namespace="shop",service="cart",db_client_connection_pool_name="redis"}[1m]))
                /
                count(count by (pod) (db_client_connection_wait_time_seconds_count{namespace="shop",service="cart",db_client_connection_pool_name="redis"}))""");
        assertThat(q.utilisation()).isEqualTo("""
                sum(db_client_connection_count{namespace="shop",service="cart",db_client_connection_pool_name="redis",state="used"})
                /
                sum(db_client_connection_max{namespace="shop",service="cart",db_client_connection_pool_name="redis"})""");
    }

    @Test
    void overridesAreUsedVerbatimAndNamesAreEscaped() {
        PoolSpec p = pool(PoolSpec.Signals.Naming.RedisClient);
        p.signals.poolName = "a\"b";
        p.signals.waitQuery = "vector(1)";
        PoolSignalQueries.Queries q = PoolSignalQueries.of(service(), p);
        assertThat(q.waitsPerSecondPerReplica()).isEqualTo("vector(1)");
        assertThat(q.utilisation()).contains("pool=\"a\\\"b\"");
    }

    /**
     * Two pods of shop/cart (and one of another service that must not count): waits grow by 60 and 120 a minute,
     * so the per-replica rate is (1 + 2) / 2 = 1.5/s; used 6 + 9 of max 10 + 10: utilisation 0.75.
     */
    @Test
    void aRealPrometheusAnswersTheRedisQueries() throws Exception {
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        List<OpenMetricsCounters.Phase> a = List.of(new OpenMetricsCounters.Phase(60, 10));
        List<OpenMetricsCounters.Phase> b = List.of(new OpenMetricsCounters.Phase(120, 10));
        String sel = "namespace=\"shop\",service=\"cart\",pool=\"redis\"";
        String data = new OpenMetricsCounters()
                .unknownIncreasing("redis_client_pool_wait_duration_seconds_count", "redis_client_pool_wait_duration_seconds_count{" + sel + ",pod=\"cart-1\"}", start, a)
                .unknownIncreasing("redis_client_pool_wait_duration_seconds_count", "redis_client_pool_wait_duration_seconds_count{" + sel + ",pod=\"cart-2\"}", start, b)
                .unknownIncreasing("redis_client_pool_wait_duration_seconds_count", "redis_client_pool_wait_duration_seconds_count{namespace=\"shop\",service=\"other\",pool=\"redis\",pod=\"o-1\"}", start, b)
                .gauge("redis_client_pool_connections", "redis_client_pool_connections{" + sel + ",pod=\"cart-1\",state=\"used\"}", start, 10, 6)
                .gauge("redis_client_pool_connections", "redis_client_pool_connections{" + sel + ",pod=\"cart-2\",state=\"used\"}", start, 10, 9)
                .gauge("redis_client_pool_max", "redis_client_pool_max{" + sel + ",pod=\"cart-1\"}", start, 10, 10)
                .gauge("redis_client_pool_max", "redis_client_pool_max{" + sel + ",pod=\"cart-2\"}", start, 10, 10)
                .build();
        try (RealPrometheus prometheus = RealPrometheus.serving(work, data)) {
            PoolSignalQueries.Queries q = PoolSignalQueries.of(service(), pool(PoolSpec.Signals.Naming.RedisClient));
            Instant at = start.plusSeconds(600);
            List<Sample> waits = new PrometheusClient().instantQuery(PrometheusEndpoint.of(prometheus.url()), q.waitsPerSecondPerReplica(), at);
            List<Sample> util = new PrometheusClient().instantQuery(PrometheusEndpoint.of(prometheus.url()), q.utilisation(), at);
            assertThat(waits).singleElement().satisfies(s -> assertThat(new java.math.BigDecimal(s.value())).isEqualByComparingTo("1.5"));
            assertThat(util).singleElement().satisfies(s -> assertThat(new java.math.BigDecimal(s.value())).isEqualByComparingTo("0.75"));
        }
    }
}
