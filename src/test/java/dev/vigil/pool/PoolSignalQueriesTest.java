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
import java.time.Duration;
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
        PoolSignalQueries.Queries q = PoolSignalQueries.of(service(), pool(PoolSpec.Signals.Naming.OpenTelemetry), Duration.ofSeconds(15));
        assertThat(q.waitsPerSecondPerReplica()).isEqualTo("""
                (
                  (sum(rate(db_client_connection_wait_time_seconds_count{namespace="shop",service="cart",db_client_connection_pool_name="redis"}[60s])) - (sum(rate(db_client_connection_wait_time_seconds_bucket{namespace="shop",service="cart",db_client_connection_pool_name="redis",le="0.001"}[60s])) or on() vector(0)))
                  or on() (0 * sum(db_client_connection_max{namespace="shop",service="cart",db_client_connection_pool_name="redis"}))
                )
                /
                count(count by (pod) (db_client_connection_max{namespace="shop",service="cart",db_client_connection_pool_name="redis"}))""");
        assertThat(q.utilisation()).isEqualTo("""
                sum(db_client_connection_count{namespace="shop",service="cart",db_client_connection_pool_name="redis",db_client_connection_state="used"})
                /
                sum(db_client_connection_max{namespace="shop",service="cart",db_client_connection_pool_name="redis"})""");
    }

    @Test
    void theRateWindowIsFourScrapesAndShortensAfterAChangeButNeverBelowTwo() {
        PoolSpec p = pool(PoolSpec.Signals.Naming.RedisClient);
        Duration scrape = Duration.ofSeconds(5);
        assertThat(PoolSignalQueries.of(service(), p, scrape).waitsPerSecondPerReplica()).contains("[20s]");
        assertThat(PoolSignalQueries.of(service(), p, scrape, java.util.Optional.of(Duration.ofSeconds(60)))
                .waitsPerSecondPerReplica()).contains("[20s]");
        assertThat(PoolSignalQueries.of(service(), p, scrape, java.util.Optional.of(Duration.ofSeconds(13)))
                .waitsPerSecondPerReplica()).contains("[13s]");
        assertThat(PoolSignalQueries.of(service(), p, scrape, java.util.Optional.of(Duration.ofSeconds(4)))
                .waitsPerSecondPerReplica()).contains("[10s]");
        assertThat(PoolSignalQueries.settleTime(scrape)).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void overridesAreUsedVerbatimAndNamesAreEscaped() {
        PoolSpec p = pool(PoolSpec.Signals.Naming.RedisClient);
        p.signals.poolName = "a\"b";
        p.signals.waitQuery = "vector(1)";
        PoolSignalQueries.Queries q = PoolSignalQueries.of(service(), p, Duration.ofSeconds(15));
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
            PoolSignalQueries.Queries q = PoolSignalQueries.of(service(), pool(PoolSpec.Signals.Naming.RedisClient), Duration.ofSeconds(15));
            Instant at = start.plusSeconds(600);
            List<Sample> waits = new PrometheusClient().instantQuery(PrometheusEndpoint.of(prometheus.url()), q.waitsPerSecondPerReplica(), at);
            List<Sample> util = new PrometheusClient().instantQuery(PrometheusEndpoint.of(prometheus.url()), q.utilisation(), at);
            assertThat(waits).singleElement().satisfies(s -> assertThat(new java.math.BigDecimal(s.value())).isEqualByComparingTo("1.5"));
            assertThat(util).singleElement().satisfies(s -> assertThat(new java.math.BigDecimal(s.value())).isEqualByComparingTo("0.75"));
        }
    }

    /**
     * A pool that reports its size but never waited has no wait series: 0 waits, not missing data; a service whose
     * pool is not scraped at all has no data. OpenTelemetry naming: of 300 acquisitions a minute per pod, 240 took
     * under 1 ms, so (300 - 240) / 60 = 1 wait/s.
     */
    @Test
    void neverWaitedIsZeroAndOpenTelemetryCountsAcquisitionsSlowerThanOneMillisecond() throws Exception {
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        String sel = "namespace=\"shop\",service=\"cart\",pool=\"redis\"";
        String otel = "namespace=\"shop\",service=\"cart\",db_client_connection_pool_name=\"redis\"";
        List<OpenMetricsCounters.Phase> all = List.of(new OpenMetricsCounters.Phase(300, 10));
        List<OpenMetricsCounters.Phase> fast = List.of(new OpenMetricsCounters.Phase(240, 10));
        String data = new OpenMetricsCounters()
                .gauge("redis_client_pool_max", "redis_client_pool_max{" + sel + ",pod=\"cart-1\"}", start, 10, 8)
                .unknownIncreasing("db_client_connection_wait_time_seconds_count", "db_client_connection_wait_time_seconds_count{" + otel + ",pod=\"cart-1\"}", start, all)
                .unknownIncreasing("db_client_connection_wait_time_seconds_bucket", "db_client_connection_wait_time_seconds_bucket{" + otel + ",pod=\"cart-1\",le=\"0.001\"}", start, fast)
                .gauge("db_client_connection_max", "db_client_connection_max{" + otel + ",pod=\"cart-1\"}", start, 10, 8)
                .build();
        try (RealPrometheus prometheus = RealPrometheus.serving(work, data)) {
            Instant at = start.plusSeconds(600);
            PrometheusClient client = new PrometheusClient();
            PrometheusEndpoint endpoint = PrometheusEndpoint.of(prometheus.url());
            String redisWaits = PoolSignalQueries.of(service(), pool(PoolSpec.Signals.Naming.RedisClient), Duration.ofSeconds(15)).waitsPerSecondPerReplica();
            assertThat(client.instantQuery(endpoint, redisWaits, at)).singleElement()
                    .satisfies(s -> assertThat(new java.math.BigDecimal(s.value())).isEqualByComparingTo("0"));
            String otelWaits = PoolSignalQueries.of(service(), pool(PoolSpec.Signals.Naming.OpenTelemetry), Duration.ofSeconds(15)).waitsPerSecondPerReplica();
            assertThat(client.instantQuery(endpoint, otelWaits, at)).singleElement()
                    .satisfies(s -> assertThat(new java.math.BigDecimal(s.value())).isEqualByComparingTo("1"));
            InstrumentedService other = service();
            other.getMetadata().setName("unscraped");
            assertThat(client.instantQuery(endpoint, PoolSignalQueries.of(other, pool(PoolSpec.Signals.Naming.RedisClient),
                    Duration.ofSeconds(15)).waitsPerSecondPerReplica(), at)).isEmpty();
        }
    }
}
