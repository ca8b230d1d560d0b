package dev.vigil.sharding;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The current shard plan of every fleet, with the endpoints behind its keys: written by the TelemetryCollector
 * reconciler, read by the service-discovery endpoint. Kept in memory, and the running hand-offs also in the fleet's
 * ConfigMap {@code <fleet>-collector-handoffs} ({@link Handoffs}), so that after an operator restart (or a
 * fail-over) the first plan of a fleet keeps them running until their end; the assignment itself is recomputed
 * (it is deterministic).
 */
@ApplicationScoped
public class ShardPlans {
    /** A fleet's plan and the endpoints it places (current ones, and the ones still draining). */
    public record FleetState(ShardPlan plan, Map<String, ScrapeEndpoint> endpoints) {
    }

    private final Map<ResourceID, FleetState> fleets = new ConcurrentHashMap<>();

    /** Brings a fleet's plan up to date with its endpoints and shard count; returns the new plan. */
    public ShardPlan update(ResourceID fleet, List<ScrapeEndpoint> endpoints, int shards, ShardPlan.Strategy strategy,
            Instant now, Duration overlap) {
        return update(fleet, endpoints, shards, strategy, now, overlap, Map::of);
    }

    /**
     * Brings a fleet's plan up to date; a fleet without a plan in memory (the first reconcile since the operator
     * started) starts from the hand-offs a previous process left running ({@code persisted}, read only then).
     */
    public ShardPlan update(ResourceID fleet, List<ScrapeEndpoint> endpoints, int shards, ShardPlan.Strategy strategy,
            Instant now, Duration overlap, Supplier<Map<String, ShardPlan.Draining>> persisted) {
        // (Read outside compute: no I/O while the map's bin is locked.)
        Map<String, ShardPlan.Draining> restored = fleets.containsKey(fleet) ? Map.of() : persisted.get();
        return fleets.compute(fleet, (id, old) -> {
            List<String> keys = endpoints.stream().map(ScrapeEndpoint::key).toList();
            ShardPlan plan = old == null ? ShardPlan.initial(keys, shards, strategy).withRestored(restored, now)
                    : old.plan().expire(now).next(keys, shards, strategy, now, overlap);
            Map<String, ScrapeEndpoint> byKey = new LinkedHashMap<>();
            endpoints.forEach(e -> byKey.put(e.key(), e));
            // A draining target may have left the current set (its pod moved shard and then went): keep what it was.
            if (old != null) {
                plan.draining().keySet().forEach(k -> byKey.putIfAbsent(k, old.endpoints().get(k)));
            }
            return new FleetState(plan, byKey);
        }).plan();
    }

    public Optional<FleetState> get(ResourceID fleet) {
        return Optional.ofNullable(fleets.get(fleet));
    }

    public void forget(ResourceID fleet) {
        fleets.remove(fleet);
    }

    /** Drops the plans of fleets that no longer exist. */
    public void retain(java.util.Set<ResourceID> existing) {
        fleets.keySet().retainAll(existing);
    }

    /**
     * What one shard scrapes, in Prometheus HTTP service-discovery form: one group per target, its labels; draining
     * targets labelled {@value FleetTargets#HANDOFF_LABEL}=draining.
     */
    public static List<Map<String, Object>> targetGroups(FleetState state, int shard, Instant now) {
        ShardPlan plan = state.plan().expire(now);
        ShardPlan.Served served = plan.served(shard);
        List<Map<String, Object>> groups = new ArrayList<>();
        for (String key : served.owned()) {
            groups.add(group(state.endpoints().get(key), false));
        }
        for (String key : served.draining()) {
            ScrapeEndpoint e = state.endpoints().get(key);
            if (e != null) {
                groups.add(group(e, true));
            }
        }
        return groups;
    }

    private static Map<String, Object> group(ScrapeEndpoint e, boolean draining) {
        Map<String, String> labels = new LinkedHashMap<>(e.labels());
        if (draining) {
            labels.put(FleetTargets.HANDOFF_LABEL, "draining");
        }
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("targets", List.of(e.address()));
        g.put("labels", labels);
        return g;
    }
}
