package dev.vigil.sharding;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
}
