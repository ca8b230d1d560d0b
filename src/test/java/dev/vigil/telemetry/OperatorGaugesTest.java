package dev.vigil.telemetry;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The gauges of what the operator decided: set, kept and removed per resource, in the registry as in the map. */
class OperatorGaugesTest {
    /** Counts the scans of every meter (Micrometer's searches make one). */
    private static class CountingRegistry extends SimpleMeterRegistry {
        final AtomicInteger scans = new AtomicInteger();

        @Override
        public List<Meter> getMeters() {
            scans.incrementAndGet();
            return super.getMeters();
        }

        long gauges(String name) {
            return super.getMeters().stream().filter(m -> m.getId().getName().equals(name)).count();
        }
    }

    private final CountingRegistry registry = new CountingRegistry();
    private final OperatorGauges gauges = new OperatorGauges(registry);

    private static Tags pool(String service, String pool) {
        return Tags.of("service_namespace", "shop", "service_name", service, "pool", pool);
    }

    private static Tags shard(String fleet, int shard) {
        return Tags.of("fleet_namespace", "obs", "fleet", fleet, "shard", Integer.toString(shard));
    }

    @Test
    void poolGaugesAreKeptForThePoolsNamedAndRemovedWithTheirService() {
        gauges.pool("shop", "orders", "db", 4, 6);
        gauges.pool("shop", "orders", "cache", 2, null);
        gauges.pool("shop", "billing", "db", 8, 8);

        gauges.retainPools("shop", "orders", Set.of("db"));
        assertThat(gauges.value(OperatorGauges.POOL_SIZE, pool("orders", "db"))).isEqualTo(4L);
        assertThat(gauges.value(OperatorGauges.POOL_DESIRED, pool("orders", "db"))).isEqualTo(6L);
        assertThat(gauges.value(OperatorGauges.POOL_SIZE, pool("orders", "cache"))).isNull();
        assertThat(registry.gauges(OperatorGauges.POOL_SIZE)).isEqualTo(2);

        gauges.removePoolServices("shop", Set.of("orders", "never-had-pools"));
        assertThat(gauges.value(OperatorGauges.POOL_SIZE, pool("orders", "db"))).isNull();
        assertThat(gauges.value(OperatorGauges.POOL_SIZE, pool("billing", "db"))).isEqualTo(8L);
        assertThat(registry.gauges(OperatorGauges.POOL_SIZE)).isEqualTo(1);
        assertThat(registry.gauges(OperatorGauges.POOL_DESIRED)).isEqualTo(1);
        assertThat(gauges.size()).isEqualTo(2);
    }

    @Test
    void aServiceWithoutPoolsOrSamplingLeavesTheOthersAndScansNothing() {
        for (int i = 0; i < 100; i++) {
            gauges.pool("shop", "svc-" + i, "db", i, null);
            gauges.samplingRatio("shop", "svc-" + i, 0.5);
        }
        registry.scans.set(0);

        gauges.retainPools("shop", "plain", Set.of());
        gauges.samplingRatio("shop", "plain", null);
        gauges.samplingRatio("shop", "svc-7", null);
        gauges.retainPools("shop", "svc-8", Set.of());

        assertThat(registry.scans.get()).as("searches of the whole registry").isZero();
        assertThat(gauges.size()).isEqualTo(198);
        assertThat(registry.gauges(OperatorGauges.SAMPLING_RATIO)).isEqualTo(99);
        assertThat(registry.gauges(OperatorGauges.POOL_SIZE)).isEqualTo(99);
        assertThat(gauges.value(OperatorGauges.SAMPLING_RATIO, Tags.of("service_namespace", "shop", "service_name", "svc-8")))
                .isEqualTo(Double.doubleToLongBits(0.5));
    }

    @Test
    void aFleetThatShrinksOrGoesLosesItsShardGauges() {
        gauges.shardTargets("obs", "platform", new int[] {3, 4, 5});
        gauges.shardTargets("obs", "edge", new int[] {1});
        gauges.shardTargets("obs", "platform", new int[] {6, 6});
        assertThat(gauges.value(OperatorGauges.SHARD_TARGETS, shard("platform", 1))).isEqualTo(6L);
        assertThat(gauges.value(OperatorGauges.SHARD_TARGETS, shard("platform", 2))).isNull();
        assertThat(registry.gauges(OperatorGauges.SHARD_TARGETS)).isEqualTo(3);

        gauges.retainFleets(Set.of("obs/edge"));
        assertThat(gauges.value(OperatorGauges.SHARD_TARGETS, shard("platform", 0))).isNull();
        assertThat(gauges.value(OperatorGauges.SHARD_TARGETS, shard("edge", 0))).isEqualTo(1L);
        assertThat(registry.gauges(OperatorGauges.SHARD_TARGETS)).isEqualTo(1);
    }
}
