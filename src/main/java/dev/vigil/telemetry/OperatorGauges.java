package dev.vigil.telemetry;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Stream;

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

    /** A gauge's value and the gauge itself, removed from the registry by reference (a search scans every meter). */
    private record Held(AtomicLong value, Gauge gauge) {
    }

    private final MeterRegistry registry;
    /**
     * The gauges by the resource they describe ("namespace/name"): fleets apart from services. A reconcile reads and
     * removes its own resource's gauges only, so its cost does not grow with the number of resources (a service
     * without pools or sampling used to scan every gauge of the operator, twice a reconcile).
     */
    private final Map<String, Map<Key, Held>> fleets = new ConcurrentHashMap<>();
    private final Map<String, Map<Key, Held>> services = new ConcurrentHashMap<>();

    @Inject
    public OperatorGauges(MeterRegistry registry) {
        this.registry = registry;
    }

    public void shardTargets(String namespace, String fleet, int[] counts) {
        int shards = counts.length;
        update(fleets, namespace + "/" + fleet, gauges -> {
            for (int shard = 0; shard < shards; shard++) {
                set(gauges, SHARD_TARGETS, Tags.of("fleet_namespace", namespace, "fleet", fleet, "shard",
                        Integer.toString(shard)), counts[shard]);
            }
        });
        remove(fleets, namespace + "/" + fleet, k -> k.name().equals(SHARD_TARGETS) && Integer.parseInt(tag(k, "shard")) >= shards);
    }

    /** Keeps the fleet gauges of these fleets ("namespace/name") only. */
    public void retainFleets(Set<String> keep) {
        for (String fleet : fleets.keySet()) {
            if (!keep.contains(fleet)) {
                remove(fleets, fleet, k -> true);
            }
        }
    }

    public void pool(String namespace, String service, String pool, int size, Integer desired) {
        Tags tags = Tags.of("service_namespace", namespace, "service_name", service, "pool", pool);
        update(services, namespace + "/" + service, gauges -> {
            set(gauges, POOL_SIZE, tags, size);
            if (desired != null) {
                set(gauges, POOL_DESIRED, tags, desired);
            }
        });
    }

    /** Keeps the pool gauges of this service for these pools only (none: the service or its pools are gone). */
    public void retainPools(String namespace, String service, Set<String> pools) {
        remove(services, namespace + "/" + service, k -> isPool(k) && !pools.contains(tag(k, "pool")));
    }

    /** Removes the pool gauges of these services (names) of the namespace: they are gone. */
    public void removePoolServices(String namespace, Set<String> gone) {
        for (String service : gone) {
            retainPools(namespace, service, Set.of());
        }
    }

    /** The sampling ratio served to a service's SDK; null: the service has none (its gauge is removed). */
    public void samplingRatio(String namespace, String service, Double ratio) {
        if (ratio == null) {
            remove(services, namespace + "/" + service, k -> k.name().equals(SAMPLING_RATIO));
            return;
        }
        Tags tags = Tags.of("service_namespace", namespace, "service_name", service);
        update(services, namespace + "/" + service, gauges -> {
            // Kept as the double's bits: the holder is a long.
            gauges.computeIfAbsent(new Key(SAMPLING_RATIO, tags), k -> {
                AtomicLong holder = new AtomicLong();
                return new Held(holder, Gauge.builder(SAMPLING_RATIO, holder, h -> Double.longBitsToDouble(h.get()))
                        .tags(tags).register(registry));
            }).value().set(Double.doubleToLongBits(ratio));
        });
    }

    /** The current value of a gauge, if it exists (for tests). */
    public Long value(String name, Tags tags) {
        Key key = new Key(name, tags);
        return Stream.concat(fleets.values().stream(), services.values().stream())
                .map(gauges -> gauges.get(key)).filter(Objects::nonNull).findFirst().map(h -> h.value().get()).orElse(null);
    }

    /** How many gauges the operator holds (for tests). */
    int size() {
        return fleets.values().stream().mapToInt(Map::size).sum() + services.values().stream().mapToInt(Map::size).sum();
    }

    /** Sets one resource's gauges, atomically for that resource. */
    private static void update(Map<String, Map<Key, Held>> byResource, String resource, Consumer<Map<Key, Held>> change) {
        byResource.compute(resource, (r, gauges) -> {
            Map<Key, Held> mine = gauges == null ? new ConcurrentHashMap<>() : gauges;
            change.accept(mine);
            return mine;
        });
    }

    /** Removes those of one resource's gauges that match; a resource left without gauges leaves the map. */
    private void remove(Map<String, Map<Key, Held>> byResource, String resource, Predicate<Key> which) {
        byResource.computeIfPresent(resource, (r, gauges) -> {
            gauges.entrySet().removeIf(e -> {
                if (which.test(e.getKey())) {
                    registry.remove(e.getValue().gauge());
                    return true;
                }
                return false;
            });
            return gauges.isEmpty() ? null : gauges;
        });
    }

    private void set(Map<Key, Held> gauges, String name, Tags tags, long value) {
        gauges.computeIfAbsent(new Key(name, tags), k -> {
            AtomicLong holder = new AtomicLong();
            return new Held(holder, Gauge.builder(name, holder, AtomicLong::doubleValue).tags(tags).register(registry));
        }).value().set(value);
    }

    private static boolean isPool(Key k) {
        return k.name().equals(POOL_SIZE) || k.name().equals(POOL_DESIRED);
    }

    private static String tag(Key k, String key) {
        return k.tags().stream().filter(t -> t.getKey().equals(key)).findFirst().map(t -> t.getValue()).orElse("");
    }
}
