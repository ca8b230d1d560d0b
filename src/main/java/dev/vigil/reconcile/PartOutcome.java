package dev.vigil.reconcile;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What one phase of one part found: reasons the resource is not Ready (none when all is well) and when the part
 * wants to be asked again (empty: only on events and the periodic resync).
 */
public record PartOutcome(List<NotReady> notReady, Optional<Duration> recheckAfter) {
    public static final PartOutcome NONE = new PartOutcome(List.of(), Optional.empty());

    public static PartOutcome notReady(NotReady why) {
        return new PartOutcome(List.of(why), Optional.empty());
    }

    public static PartOutcome recheck(Optional<Duration> after) {
        return new PartOutcome(List.of(), after);
    }

    public PartOutcome and(PartOutcome other) {
        List<NotReady> all = new ArrayList<>(notReady);
        all.addAll(other.notReady);
        return new PartOutcome(List.copyOf(all), earliest(recheckAfter, other.recheckAfter));
    }

    public boolean rejected() {
        return notReady.stream().anyMatch(n -> n.rank() == NotReady.Rank.REJECTED);
    }

    /** The reason Ready is False: the most severe, first of equals; empty when every part is content. */
    public Optional<NotReady> worst() {
        return notReady.stream().min(Comparator.comparing(NotReady::rank));
    }

    private static Optional<Duration> earliest(Optional<Duration> a, Optional<Duration> b) {
        if (a.isEmpty()) {
            return b;
        }
        return b.isEmpty() || a.get().compareTo(b.get()) <= 0 ? a : b;
    }
}
