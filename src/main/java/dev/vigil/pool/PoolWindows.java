package dev.vigil.pool;

import dev.vigil.api.v1alpha1.InstrumentedServiceStatus;
import dev.vigil.api.v1alpha1.InstrumentedServiceStatus.PoolRecommendation;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BiPredicate;

/**
 * The stabilisation windows' memory in the pool's status ({@code status.pools[].windows}), so that it survives the
 * operator: a restart or a fail-over inside a scale-down window neither shrinks the pool early nor starts the window
 * over.
 *
 * <p>{@link PoolDecision} asks of the history only the highest recommendation since the scale-down window's start
 * and the lowest since the scale-up window's start. An entry that a later one equals or exceeds never decides the
 * highest of any window that still holds it (the later one is in every such window), so the highest are kept as a
 * list of strictly falling sizes, the lowest as one of strictly rising sizes: at most one entry per size, and none
 * while the recommendation stays the same except the newest. Beyond {@link #MAX} entries the two oldest are merged
 * into one with the later time and the size that delays the change (the larger for the highest, the smaller for the
 * lowest): the restored windows never allow a change sooner than the full history would. Times keep their
 * precision: the two lists are resumed as one history, and an entry of one list moved later in time could decide
 * the other list's question.
 */
public final class PoolWindows {
    static final int MAX = 16;

    private PoolWindows() {
    }

    /** What to keep of {@code history} at {@code now} for {@code rule}; null when neither window needs anything. */
    public static InstrumentedServiceStatus.PoolWindows persist(List<PoolDecision.Recommendation> history,
            PoolDecision.Rule rule, Instant now) {
        InstrumentedServiceStatus.PoolWindows w = new InstrumentedServiceStatus.PoolWindows();
        if (!rule.scaleDownWindow().isZero()) {
            w.highest = entries(keep(history, now.minus(rule.scaleDownWindow()), (later, earlier) -> later >= earlier, true));
        }
        if (!rule.scaleUpWindow().isZero()) {
            w.lowest = entries(keep(history, now.minus(rule.scaleUpWindow()), (later, earlier) -> later <= earlier, false));
        }
        return w.highest == null && w.lowest == null ? null : w;
    }

    /**
     * The history to resume from: the persisted entries, oldest first; empty when nothing was persisted (the
     * caller then starts from the current size now, as after a first start).
     */
    public static List<PoolDecision.Recommendation> restore(InstrumentedServiceStatus.PoolWindows w) {
        List<PoolDecision.Recommendation> out = new ArrayList<>();
        if (w == null) {
            return out;
        }
        for (List<PoolRecommendation> list : java.util.Arrays.asList(w.highest, w.lowest)) {
            for (PoolRecommendation r : list == null ? List.<PoolRecommendation>of() : list) {
                try {
                    out.add(new PoolDecision.Recommendation(Instant.parse(r.at), r.size));
                } catch (RuntimeException e) {
                    // an entry that does not parse is left out (a hand-edited status); the caller adds the current size
                }
            }
        }
        out.sort(Comparator.comparing(PoolDecision.Recommendation::at));
        return out;
    }

    /**
     * Entries since {@code since} that no later entry dominates, oldest first, merged down to {@link #MAX}.
     *
     * @param dominates (later size, earlier size) → the later entry makes the earlier one useless
     * @param highest   whether merging keeps the larger size (the highest) or the smaller (the lowest)
     */
    static List<PoolDecision.Recommendation> keep(List<PoolDecision.Recommendation> history, Instant since,
            BiPredicate<Integer, Integer> dominates, boolean highest) {
        List<PoolDecision.Recommendation> kept = new ArrayList<>();
        for (int i = history.size() - 1; i >= 0; i--) {
            PoolDecision.Recommendation r = history.get(i);
            if (r.at().isBefore(since)) {
                continue;
            }
            if (!kept.isEmpty() && dominates.test(kept.get(kept.size() - 1).size(), r.size())) {
                continue;
            }
            kept.add(r);
        }
        java.util.Collections.reverse(kept);
        while (kept.size() > MAX) {
            PoolDecision.Recommendation a = kept.remove(0);
            PoolDecision.Recommendation b = kept.remove(0);
            kept.add(0, new PoolDecision.Recommendation(b.at(), highest ? Math.max(a.size(), b.size()) : Math.min(a.size(), b.size())));
        }
        return kept;
    }

    private static List<PoolRecommendation> entries(List<PoolDecision.Recommendation> kept) {
        if (kept.isEmpty()) {
            return null;
        }
        List<PoolRecommendation> out = new ArrayList<>();
        for (PoolDecision.Recommendation r : kept) {
            PoolRecommendation e = new PoolRecommendation();
            e.at = r.at().toString();
            e.size = r.size();
            out.add(e);
        }
        return out;
    }
}
