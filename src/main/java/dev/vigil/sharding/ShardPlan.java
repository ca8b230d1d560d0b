package dev.vigil.sharding;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which shard scrapes which target, including the hand-off while a resharding or a target-set change moves targets:
 * a moved target stays with its old shard ("draining") until the overlap ends, so no scrape interval is missed,
 * and a shard that is going away keeps its pod until its last draining target is handed off.
 *
 * <p>A pure value: {@link #next} computes the plan that follows this one from the new target set, shard count and
 * time; nothing here reads a clock or the cluster.
 */
public final class ShardPlan {
    /** A moved target is also served by {@code fromShard} until {@code until}. */
    public record Draining(int fromShard, Instant until) {
    }

    /** How targets are spread: bounded-load rendezvous hashing, or Prometheus' hashmod of the address. */
    public enum Strategy { CONSISTENT, HASHMOD }

    private final int shards;
    private final Strategy strategy;
    private final Map<String, Integer> owner;
    private final Map<String, Draining> draining;

    private ShardPlan(int shards, Strategy strategy, Map<String, Integer> owner, Map<String, Draining> draining) {
        this.shards = shards;
        this.strategy = strategy;
        this.owner = Collections.unmodifiableMap(owner);
        this.draining = Collections.unmodifiableMap(draining);
    }

    /** The first plan of a fleet (bounded-load rendezvous): nothing to hand off. */
    public static ShardPlan initial(Collection<String> targets, int shards) {
        return initial(targets, shards, Strategy.CONSISTENT);
    }

    /**
     * The first plan of a fleet: nothing to hand off.
     *
     * @param targets target keys; for hashmod, the part after the last '|' is the address that is hashed (keys
     *                may carry a prefix, e.g. the job, to keep two scrapes of one address apart)
     */
    public static ShardPlan initial(Collection<String> targets, int shards, Strategy strategy) {
        return new ShardPlan(shards, strategy, assign(targets, shards, strategy), new TreeMap<>());
    }

    /**
     * The plan after a change. A target whose owner changes is drained from its previous owner for {@code overlap}
     * (default two scrape intervals); hand-offs already running keep their end time unless the target moves back to
     * the shard it was draining from (then the hand-off is over). Targets that left the set are dropped at once.
     */
    public ShardPlan next(Collection<String> targets, int newShards, Instant now, Duration overlap) {
        return next(targets, newShards, strategy, now, overlap);
    }

    /** The plan after a change, possibly of the strategy too (a strategy change hands off like a resharding). */
    public ShardPlan next(Collection<String> targets, int newShards, Strategy newStrategy, Instant now, Duration overlap) {
        Map<String, Integer> nextOwner = assign(targets, newShards, newStrategy);
        Map<String, Draining> nextDraining = new TreeMap<>();
        Instant until = now.plus(overlap);
        for (Map.Entry<String, Integer> e : nextOwner.entrySet()) {
            String t = e.getKey();
            int newOwner = e.getValue();
            Draining running = draining.get(t);
            if (running != null && now.isBefore(running.until()) && running.fromShard() != newOwner) {
                nextDraining.put(t, running);
            }
            Integer previous = owner.get(t);
            if (previous != null && previous != newOwner) {
                // The newer hand-off wins: the target was being scraped by its previous owner until now.
                nextDraining.put(t, new Draining(previous, until));
            }
        }
        return new ShardPlan(newShards, newStrategy, nextOwner, nextDraining);
    }

    /**
     * This plan with hand-offs a previous operator process had running ({@link Handoffs}, after a restart): each
     * still running at {@code now}, of a target this plan has, whose owner is not the shard it drains from, runs on
     * until its end. The others are over.
     */
    public ShardPlan withRestored(Map<String, Draining> restored, Instant now) {
        Map<String, Draining> merged = new TreeMap<>(draining);
        restored.forEach((t, d) -> {
            Integer current = owner.get(t);
            if (current != null && current != d.fromShard() && now.isBefore(d.until())) {
                merged.putIfAbsent(t, d);
            }
        });
        return merged.size() == draining.size() ? this : new ShardPlan(shards, strategy, new TreeMap<>(owner), merged);
    }

    /** The same plan without the hand-offs that have ended by {@code now}. */
    public ShardPlan expire(Instant now) {
        Map<String, Draining> left = new TreeMap<>();
        draining.forEach((t, d) -> {
            if (now.isBefore(d.until())) {
                left.put(t, d);
            }
        });
        return left.size() == draining.size() ? this : new ShardPlan(shards, strategy, new TreeMap<>(owner), left);
    }

    private static Map<String, Integer> assign(Collection<String> targets, int shards, Strategy strategy) {
        List<String> sorted = new ArrayList<>(new TreeSet<>(targets));
        long[] keys = new long[sorted.size()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = ShardAssigner.key(sorted.get(i));
        }
        int[] shard = new int[keys.length];
        if (strategy == Strategy.HASHMOD) {
            for (int i = 0; i < keys.length; i++) {
                String key = sorted.get(i);
                shard[i] = ShardAssigner.hashmod(key.substring(key.lastIndexOf('|') + 1), shards);
            }
        } else {
            shard = ShardAssigner.consistent(keys, shards);
        }
        Map<String, Integer> out = new TreeMap<>();
        for (int i = 0; i < keys.length; i++) {
            out.put(sorted.get(i), shard[i]);
        }
        return out;
    }

    public int shards() {
        return shards;
    }

    public Strategy strategy() {
        return strategy;
    }

    public Map<String, Integer> owners() {
        return owner;
    }

    public Map<String, Draining> draining() {
        return draining;
    }

    /** The targets a shard scrapes: those it owns, plus those it is draining (whose samples are labelled as such). */
    public Served served(int shard) {
        List<String> owned = new ArrayList<>();
        owner.forEach((t, s) -> {
            if (s == shard) {
                owned.add(t);
            }
        });
        List<String> drained = new ArrayList<>();
        draining.forEach((t, d) -> {
            if (d.fromShard() == shard) {
                drained.add(t);
            }
        });
        return new Served(owned, drained);
    }

    public record Served(List<String> owned, List<String> draining) {
    }

    /** Pods the fleet needs now: the shard count, or more while a removed shard still drains targets. */
    public int replicasNeeded() {
        int highest = draining.values().stream().mapToInt(Draining::fromShard).max().orElse(-1);
        return Math.max(shards, highest + 1);
    }

    /** When the next hand-off ends (when to look again). */
    public Optional<Instant> nextExpiry() {
        return draining.values().stream().map(Draining::until).min(Instant::compareTo);
    }

    /** Targets per shard (owned only), for status. */
    public int[] counts() {
        int[] c = new int[shards];
        owner.values().forEach(s -> c[s]++);
        return c;
    }
}
