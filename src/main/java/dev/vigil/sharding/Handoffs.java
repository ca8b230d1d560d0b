package dev.vigil.sharding;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A fleet's running hand-offs as text, one per line, sorted by target: {@code <end, epoch seconds> <from shard>
 * <target key>}, and beside them the assignment the collectors were given ({@link #assignment}: shard count and
 * strategy). This is all a restarted operator needs to keep them running (the assignment is recomputed from the
 * targets and that shard count), and to hand off a resharding it did not see start (the spec changed while no
 * operator ran, or it stopped before writing here). It stays small: 2,500 hand-offs (a 10,000-target fleet
 * resharded from 3 to 4) are about 150 KB, within a ConfigMap's 1 MiB.
 */
public final class Handoffs {
    /** The assignment the collectors were last given: shard count and strategy (text {@code "<shards> <strategy>"}). */
    public record Assignment(int shards, ShardPlan.Strategy strategy) {
    }

    /** What a previous process left: its running hand-offs and the assignment they belong to (if it wrote one). */
    public record Persisted(Map<String, ShardPlan.Draining> draining, Optional<Assignment> assignment) {
        public static final Persisted NONE = new Persisted(Map.of(), Optional.empty());
    }

    private Handoffs() {
    }

    /** The plan's assignment as text, e.g. {@code 3 consistent}. */
    public static String assignment(ShardPlan plan) {
        return plan.shards() + " " + plan.strategy().name().toLowerCase(Locale.ROOT);
    }

    /** An assignment written by {@link #assignment}; empty when absent (written by an older Vigil) or damaged. */
    public static Optional<Assignment> readAssignment(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String[] f = text.strip().split(" ");
        if (f.length != 2) {
            return Optional.empty();
        }
        try {
            int shards = Integer.parseInt(f[0]);
            return shards < 1 ? Optional.empty()
                    : Optional.of(new Assignment(shards, ShardPlan.Strategy.valueOf(f[1].toUpperCase(Locale.ROOT))));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The plan's hand-offs as text; empty when there are none. */
    public static String write(ShardPlan plan) {
        StringBuilder out = new StringBuilder();
        new TreeMap<>(plan.draining()).forEach((key, d) -> out.append(d.until().getEpochSecond()).append(' ')
                .append(d.fromShard()).append(' ').append(key).append('\n'));
        return out.toString();
    }

    /**
     * Hand-offs from text written by {@link #write}; a line that does not parse is skipped (a hand-off lost is a
     * target scraped by its new shard only, a little early: no target is lost).
     */
    public static Map<String, ShardPlan.Draining> read(String text) {
        Map<String, ShardPlan.Draining> out = new TreeMap<>();
        if (text == null) {
            return out;
        }
        for (String line : text.split("\n")) {
            String[] f = line.split(" ", 3);
            if (f.length != 3 || f[2].isEmpty()) {
                continue;
            }
            try {
                // The end rounds up to the whole second: a restored hand-off never ends early.
                out.put(f[2], new ShardPlan.Draining(Integer.parseInt(f[1]), Instant.ofEpochSecond(Long.parseLong(f[0]) + 1)));
            } catch (NumberFormatException e) {
                // skipped, see above
            }
        }
        return out;
    }
}
