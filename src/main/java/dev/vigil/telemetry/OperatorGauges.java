package dev.vigil.telemetry;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * What the operator decided, as gauges on /q/metrics for the generated dashboards:
 * <ul>
 * <li>{@code vigil_fleet_shard_targets{fleet_namespace,fleet,shard}}: scrape targets each shard holds;</li>
 * <li>{@code vigil_pool_size{service_namespace,service_name,pool}} and {@code vigil_pool_desired_size{...}}: the size delivered
 * to a pool and the size its signals asked for;</li>
 * <li>{@code vigil_sampling_ratio{service_namespace,service_name}}: the trace sampling ratio served to a service's
 * SDK.</li>
 * </ul>
 * Gauges of fleets, services and pools that are gone are removed, so the series end with the resource. The
 * resource's namespace is {@code fleet_namespace} / {@code service_namespace} and the service {@code service_name}, not
 * {@code namespace} and {@code service}, which a Prometheus scraping the operator through a ServiceMonitor sets to the
 * operator's own (the operator's values would end up as {@code exported_*}).
 */
@ApplicationScoped
public class OperatorGauges {
    public static final String SHARD_TARGETS = "vigil.fleet.shard.targets";
    public static final String POOL_SIZE = "vigil.pool.size";
    public static final String POOL_DESIRED = "vigil.pool.desired.size";
    public static final String SAMPLING_RATIO = "vigil.sampling.ratio";
    /** The names Prometheus shows them under (Micrometer's dots become underscores; gauges get no suffix). */
    public static final String SHARD_TARGETS_METRIC = SHARD_TARGETS.replace('.', '_');
    public static final String POOL_SIZE_METRIC = POOL_SIZE.replace('.', '_');
    public static final String POOL_DESIRED_METRIC = POOL_DESIRED.replace('.', '_');
    public static final String SAMPLING_RATIO_METRIC = SAMPLING_RATIO.replace('.', '_');

    private record Key(String name, Tags tags) {
    }

    private final MeterRegistry registry;
    private final Map<Key, AtomicLong> values = new ConcurrentHashMap<>();

    @Inject
    public OperatorGauges(MeterRegistry registry) {
        this.registry = registry;
    }

    public void shardTargets(String namespace, String fleet, int[] counts) {
        for (int shard = 0; shard < counts.length; shard++) {
            set(SHARD_TARGETS, Tags.of("fleet_namespace", namespace, "fleet", fleet, "shard", Integer.toString(shard)), counts[shard]);
        }
        int shards = counts.length;
        remove(k -> k.name().equals(SHARD_TARGETS) && namespace.equals(tag(k, "fleet_namespace")) && fleet.equals(tag(k, "fleet"))
                && Integer.parseInt(tag(k, "shard")) >= shards);
    }

    /** Keeps the fleet gauges of these fleets ("namespace/name") only. */
    public void retainFleets(Set<String> fleets) {
        remove(k -> k.name().equals(SHARD_TARGETS) && !fleets.contains(tag(k, "fleet_namespace") + "/" + tag(k, "fleet")));
    }

    public void pool(String namespace, String service, String pool, int size, Integer desired) {
        Tags tags = Tags.of("service_namespace", namespace, "service_name", service, "pool", pool);
        set(POOL_SIZE, tags, size);
        if (desired != null) {
            set(POOL_DESIRED, tags, desired);
        }
    }

    /** Keeps the pool gauges of this service for these pools only (none: the service or its pools are gone). */
    public void retainPools(String namespace, String service, Set<String> pools) {
        remove(k -> isPool(k) && namespace.equals(tag(k, "service_namespace"))
                && service.equals(tag(k, "service_name")) && !pools.contains(tag(k, "pool")));
    }

    /** Removes the pool gauges of these services (names) of the namespace: they are gone. */
    public void removePoolServices(String namespace, Set<String> services) {
        remove(k -> isPool(k) && namespace.equals(tag(k, "service_namespace"))
                && services.contains(tag(k, "service_name")));
    }

    /** The sampling ratio served to a service's SDK; null: the service has none (its gauge is removed). */
    public void samplingRatio(String namespace, String service, Double ratio) {
        Tags tags = Tags.of("service_namespace", namespace, "service_name", service);
        if (ratio == null) {
            remove(k -> k.name().equals(SAMPLING_RATIO) && k.tags().equals(tags));
            return;
        }
        // Kept as the double's bits: the holder is a long.
        values.computeIfAbsent(new Key(SAMPLING_RATIO, tags), k -> {
            AtomicLong holder = new AtomicLong();
            Gauge.builder(SAMPLING_RATIO, holder, h -> Double.longBitsToDouble(h.get())).tags(tags).register(registry);
            return holder;
        }).set(Double.doubleToLongBits(ratio));
    }

    /** Keeps the sampling gauges of these services ("name") of the namespace only. */
    public void retainSamplingServices(String namespace, Set<String> services) {
        remove(k -> k.name().equals(SAMPLING_RATIO) && namespace.equals(tag(k, "service_namespace"))
                && !services.contains(tag(k, "service_name")));
    }

    /** The current value of a gauge, if it exists (for tests). */
    public Long value(String name, Tags tags) {
        AtomicLong v = values.get(new Key(name, tags));
        return v == null ? null : v.get();
    }

    private void set(String name, Tags tags, long value) {
        values.computeIfAbsent(new Key(name, tags), k -> {
            AtomicLong holder = new AtomicLong();
            Gauge.builder(name, holder, AtomicLong::doubleValue).tags(tags).register(registry);
            return holder;
        }).set(value);
    }

    private void remove(Predicate<Key> which) {
        values.keySet().removeIf(k -> {
            if (which.test(k)) {
                registry.find(k.name()).tags(k.tags()).meters().forEach(registry::remove);
                return true;
            }
            return false;
        });
    }

    private static boolean isPool(Key k) {
        return k.name().equals(POOL_SIZE) || k.name().equals(POOL_DESIRED);
    }

    private static String tag(Key k, String key) {
        return k.tags().stream().filter(t -> t.getKey().equals(key)).findFirst().map(t -> t.getValue()).orElse("");
    }
}
