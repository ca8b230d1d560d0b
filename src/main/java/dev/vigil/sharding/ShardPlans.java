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
 * reconciler, read by the service-discovery endpoint. Kept in memory, and the running hand-offs with the shard count
 * they belong to also in the fleet's ConfigMap {@code <fleet>-collector-handoffs} ({@link Handoffs}), so that after
 * an operator restart (or a fail-over) the first plan of a fleet keeps them running until their end, and hands off a
 * resharding that no process had planned yet; the assignment itself is recomputed (it is deterministic).
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
        return update(fleet, endpoints, shards, strategy, now, overlap, () -> Handoffs.Persisted.NONE);
    }

    /**
     * Brings a fleet's plan up to date; a fleet without a plan in memory (the first reconcile since the operator
     * started) resumes what a previous process left ({@code persisted}, read only then): see {@link #resumed}.
     */
    public ShardPlan update(ResourceID fleet, List<ScrapeEndpoint> endpoints, int shards, ShardPlan.Strategy strategy,
            Instant now, Duration overlap, Supplier<Handoffs.Persisted> persisted) {
        // (Read outside compute: no I/O while the map's bin is locked.)
        Handoffs.Persisted restored = fleets.containsKey(fleet) ? Handoffs.Persisted.NONE : persisted.get();
        return fleets.compute(fleet, (id, old) -> {
            List<String> keys = endpoints.stream().map(ScrapeEndpoint::key).toList();
            ShardPlan plan = old == null ? resumed(keys, shards, strategy, restored, now, overlap)
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

    /**
     * The first plan of a process: the assignment the collectors were last given (the persisted shard count and
     * strategy, recomputed over today's targets) with the hand-offs still running, then, when the spec asks for other
     * shards or another strategy, the change from there, handed off like any resharding. Without a persisted
     * assignment (nothing written yet, or by an older Vigil): the spec's.
     */
    static ShardPlan resumed(List<String> keys, int shards, ShardPlan.Strategy strategy, Handoffs.Persisted persisted,
            Instant now, Duration overlap) {
        Handoffs.Assignment served = persisted.assignment().orElse(new Handoffs.Assignment(shards, strategy));
        ShardPlan plan = ShardPlan.initial(keys, served.shards(), served.strategy()).withRestored(persisted.draining(), now);
        return served.shards() == shards && served.strategy() == strategy ? plan
                : plan.next(keys, shards, strategy, now, overlap);
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
