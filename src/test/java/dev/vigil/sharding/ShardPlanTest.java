package dev.vigil.sharding;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hand-off protocol over random sequences of reshardings and target churn (seeded): at every instant every
 * target is scraped by its owner; a target is scraped by two shards only while it is draining, for at most the
 * overlap; and a removed shard keeps its pod until it has handed everything off.
 */
class ShardPlanTest {
    static final Duration OVERLAP = Duration.ofSeconds(30);
    static final Instant T0 = Instant.parse("2026-11-29T00:00:00Z");

    static List<String> targets(Random r, int n) {
        List<String> t = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            t.add("10.0." + r.nextInt(64) + "." + r.nextInt(256) + ":" + (9000 + r.nextInt(4)));
        }
        return t;
    }

    /** Who scrapes each target under a plan: a list of shards per target. */
    static Map<String, List<Integer>> scrapers(ShardPlan plan) {
        Map<String, List<Integer>> by = new HashMap<>();
        for (int s = 0; s < plan.replicasNeeded(); s++) {
            ShardPlan.Served served = plan.served(s);
            for (String t : served.owned()) {
                by.computeIfAbsent(t, k -> new ArrayList<>()).add(s);
            }
            for (String t : served.draining()) {
                by.computeIfAbsent(t, k -> new ArrayList<>()).add(s);
            }
        }
        return by;
    }

    @Test
    void reshardingNeverLeavesATargetUnscrapedAndOverlapsOnlyForTheHandOff() {
        Random r = new Random(7);
        for (int run = 0; run < 40; run++) {
            List<String> ts = targets(r, 200 + r.nextInt(800));
            int shards = 1 + r.nextInt(8);
            ShardPlan plan = ShardPlan.initial(ts, shards);
            Instant now = T0;
            Map<String, Instant> lastMove = new HashMap<>();
            for (int step = 0; step < 12; step++) {
                now = now.plusSeconds(r.nextInt(45));
                plan = plan.expire(now);
                ShardPlan before = plan;
                if (r.nextBoolean()) {
                    shards = Math.max(1, shards + r.nextInt(5) - 2);
                } else {
                    // churn: drop some targets, add some
                    ts = new ArrayList<>(ts.subList(r.nextInt(20), ts.size()));
                    ts.addAll(targets(r, r.nextInt(20)));
                }
                plan = plan.next(ts, shards, now, OVERLAP);

                Map<String, List<Integer>> who = scrapers(plan);
                for (String t : ts) {
                    List<Integer> s = who.get(t);
                    assertThat(s).as("%s at step %d", t, step).isNotNull().contains(plan.owners().get(t));
                    assertThat(s.size()).isBetween(1, 2);
                    Integer was = before.owners().get(t);
                    if (was != null && !was.equals(plan.owners().get(t))) {
                        lastMove.put(t, now);
                    }
                    if (s.size() == 2) {
                        // Two shards only during a hand-off: within the overlap after the target's last move (a
                        // second move during a hand-off starts a new one, from the shard that owned it last).
                        ShardPlan.Draining d = plan.draining().get(t);
                        assertThat(lastMove).containsKey(t);
                        assertThat(d.until()).isAfter(now).isBeforeOrEqualTo(lastMove.get(t).plus(OVERLAP));
                    }
                    if (was != null && !was.equals(plan.owners().get(t))) {
                        assertThat(s).as("moved target %s is still scraped by its previous owner", t).contains(was);
                    }
                }
                assertThat(who.keySet()).containsExactlyInAnyOrderElementsOf(new java.util.HashSet<>(ts));
                assertThat(plan.replicasNeeded()).isGreaterThanOrEqualTo(shards);
            }
            // Once every hand-off has ended: each target on exactly one shard, and only the current shards remain.
            ShardPlan settled = plan.expire(now.plus(OVERLAP));
            assertThat(settled.draining()).isEmpty();
            assertThat(settled.replicasNeeded()).isEqualTo(shards);
            scrapers(settled).values().forEach(s -> assertThat(s).hasSize(1));
        }
    }

    @Test
    void scaleDownKeepsTheRemovedShardsUntilTheyAreDrained() {
        List<String> ts = targets(new Random(3), 300);
        ShardPlan three = ShardPlan.initial(ts, 3);
        ShardPlan one = three.next(ts, 1, T0, OVERLAP);
        assertThat(one.replicasNeeded()).isEqualTo(3);
        assertThat(one.served(2).draining()).containsExactlyInAnyOrderElementsOf(three.served(2).owned());
        assertThat(one.nextExpiry()).contains(T0.plus(OVERLAP));
        assertThat(one.expire(T0.plus(OVERLAP).minusMillis(1)).replicasNeeded()).isEqualTo(3);
        assertThat(one.expire(T0.plus(OVERLAP)).replicasNeeded()).isEqualTo(1);
    }

    @Test
    void nothingChangesWhenNothingChanges() {
        List<String> ts = targets(new Random(5), 500);
        ShardPlan p = ShardPlan.initial(ts, 4);
        ShardPlan q = p.next(ts, 4, T0, OVERLAP);
        assertThat(q.owners()).isEqualTo(p.owners());
        assertThat(q.draining()).isEmpty();
        assertThat(q.counts()).containsExactly(p.counts());
    }
}
