package dev.vigil.sharding;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The running hand-offs survive an operator restart: written as text, read back into the first plan after it. */
class HandoffsTest {
    static final Instant NOW = Instant.parse("2026-12-06T04:00:00Z");

    static List<String> targets(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add("shop/api|10.1." + (i / 250) + "." + (i % 250) + ":9464");
        }
        return out;
    }

    @Test
    void aRestartedPlanKeepsTheRunningHandOffs() {
        List<String> targets = targets(1000);
        ShardPlan before = ShardPlan.initial(targets, 3).next(targets, 4, NOW, Duration.ofSeconds(70));
        assertThat(before.draining()).hasSizeGreaterThan(150);
        String text = Handoffs.write(before);

        // A new process, 30 s later: the assignment is recomputed, the hand-offs are read back.
        Instant later = NOW.plusSeconds(30);
        ShardPlan restarted = ShardPlan.initial(targets, 4).withRestored(Handoffs.read(text), later);
        assertThat(restarted.owners()).isEqualTo(before.owners());
        assertThat(restarted.draining().keySet()).isEqualTo(before.draining().keySet());
        restarted.draining().forEach((t, d) -> {
            assertThat(d.fromShard()).isEqualTo(before.draining().get(t).fromShard());
            // Never earlier than the original end (seconds round up), at most a second later.
            assertThat(d.until()).isAfterOrEqualTo(before.draining().get(t).until())
                    .isBefore(before.draining().get(t).until().plusSeconds(1).plusMillis(1));
        });
        for (int shard = 0; shard < 4; shard++) {
            assertThat(restarted.served(shard)).isEqualTo(before.served(shard));
        }
        // Without what was written, the first plan would have dropped them all.
        assertThat(ShardPlan.initial(targets, 4).draining()).isEmpty();
    }

    @Test
    void onlyHandOffsStillRunningOfTargetsStillElsewhereAreRestored() {
        List<String> targets = targets(40);
        ShardPlan plan = ShardPlan.initial(targets, 2);
        String moved = targets.get(0);
        int owner = plan.owners().get(moved);
        Map<String, ShardPlan.Draining> restored = Map.of(
                moved, new ShardPlan.Draining(1 - owner, NOW.plusSeconds(60)),
                targets.get(1), new ShardPlan.Draining(1 - plan.owners().get(targets.get(1)), NOW.minusSeconds(1)),
                targets.get(2), new ShardPlan.Draining(plan.owners().get(targets.get(2)), NOW.plusSeconds(60)),
                "shop/api|10.9.9.9:9464", new ShardPlan.Draining(0, NOW.plusSeconds(60)));
        assertThat(plan.withRestored(restored, NOW).draining()).containsOnlyKeys(moved);
    }

    @Test
    void textIsSmallAndToleratesDamage() {
        List<String> targets = targets(10_000);
        ShardPlan resharded = ShardPlan.initial(targets, 3).next(targets, 4, NOW, Duration.ofSeconds(70));
        String text = Handoffs.write(resharded);
        assertThat(text.length()).as("bytes for %d hand-offs", resharded.draining().size()).isLessThan(1024 * 1024 / 4);
        assertThat(Handoffs.read("garbage\n1765000000 x shop/api|a:1\n\n1765000000 2\n" + text))
                .isEqualTo(Handoffs.read(text)).hasSize(resharded.draining().size());
        assertThat(Handoffs.read(null)).isEmpty();
        assertThat(Handoffs.write(ShardPlan.initial(targets, 3))).isEmpty();
    }

    private static Handoffs.Persisted persisted(ShardPlan served) {
        return new Handoffs.Persisted(Handoffs.read(Handoffs.write(served)), Handoffs.readAssignment(Handoffs.assignment(served)));
    }

    @Test
    void aReshardingNoProcessPlannedIsHandedOffFromTheShardsTheCollectorsRun() {
        // The spec went 3 -> 4 while no operator ran: the ConfigMap still holds the 3-shard assignment.
        List<String> targets = targets(1000);
        ShardPlan served = ShardPlan.initial(targets, 3);
        ShardPlan resumed = ShardPlans.resumed(targets, 4, ShardPlan.Strategy.CONSISTENT, persisted(served), NOW, Duration.ofSeconds(70));
        ShardPlan live = served.next(targets, 4, NOW, Duration.ofSeconds(70));
        assertThat(resumed.owners()).isEqualTo(ShardPlan.initial(targets, 4).owners());
        assertThat(resumed.draining()).as("the hand-offs a live resharding makes").isEqualTo(live.draining()).hasSizeGreaterThan(150);
        // Without the assignment (an older Vigil's ConfigMap) the moved targets would change shard at once.
        assertThat(ShardPlans.resumed(targets, 4, ShardPlan.Strategy.CONSISTENT, new Handoffs.Persisted(Map.of(), Optional.empty()),
                NOW, Duration.ofSeconds(70)).draining()).isEmpty();
        // A strategy changed while no operator ran is handed off the same way.
        ShardPlan hashmod = ShardPlan.initial(targets, 3, ShardPlan.Strategy.HASHMOD);
        assertThat(ShardPlans.resumed(targets, 3, ShardPlan.Strategy.CONSISTENT, persisted(hashmod), NOW, Duration.ofSeconds(70))
                .draining()).isEqualTo(hashmod.next(targets, 3, ShardPlan.Strategy.CONSISTENT, NOW, Duration.ofSeconds(70)).draining())
                .isNotEmpty();
    }

    @Test
    void aProcessStoppedBetweenItsPlanAndTheWriteLeavesTheHandOffsToTheNext() {
        // A process planned 3 -> 4 (service discovery may have served it) and stopped before writing the ConfigMap,
        // which still holds the 3-shard assignment; the next process, 20 s later, hands off the same targets from the
        // same shards, for a full overlap from its own start.
        List<String> targets = targets(1000);
        ShardPlan before = ShardPlan.initial(targets, 3);
        ShardPlan planned = before.next(targets, 4, NOW, Duration.ofSeconds(70));
        Instant later = NOW.plusSeconds(20);
        ShardPlan resumed = ShardPlans.resumed(targets, 4, ShardPlan.Strategy.CONSISTENT, persisted(before), later, Duration.ofSeconds(70));
        assertThat(resumed.owners()).isEqualTo(planned.owners());
        assertThat(resumed.draining().keySet()).isEqualTo(planned.draining().keySet());
        resumed.draining().forEach((t, d) -> {
            assertThat(d.fromShard()).isEqualTo(planned.draining().get(t).fromShard());
            assertThat(d.until()).isEqualTo(later.plusSeconds(70));
        });
        // Written after the plan: the next process resumes it as it was.
        ShardPlan resumedAfterWrite = ShardPlans.resumed(targets, 4, ShardPlan.Strategy.CONSISTENT, persisted(planned), later,
                Duration.ofSeconds(70));
        assertThat(resumedAfterWrite.draining().keySet()).isEqualTo(planned.draining().keySet());
        assertThat(resumedAfterWrite.draining().values()).allSatisfy(d -> assertThat(d.until()).isBefore(later.plusSeconds(52)));
    }

    @Test
    void theAssignmentReadsBackAndDamageReadsAsNone() {
        assertThat(Handoffs.assignment(ShardPlan.initial(targets(10), 3))).isEqualTo("3 consistent");
        assertThat(Handoffs.readAssignment("4 hashmod\n")).contains(new Handoffs.Assignment(4, ShardPlan.Strategy.HASHMOD));
        for (String bad : new String[] {null, "", "3", "x consistent", "0 consistent", "3 sideways", "3 consistent extra"}) {
            assertThat(Handoffs.readAssignment(bad)).as("%s", bad).isEmpty();
        }
    }
}
