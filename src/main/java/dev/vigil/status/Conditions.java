package dev.vigil.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/** Builds condition lists whose lastTransitionTime only moves when a condition's status changes. */
public final class Conditions {
    private final List<Condition> previous;
    private final List<Condition> next = new ArrayList<>();
    private final long generation;
    private final Clock clock;

    public Conditions(List<Condition> previous, Long generation, Clock clock) {
        this.previous = previous == null ? List.of() : previous;
        this.generation = generation == null ? 0 : generation;
        this.clock = clock;
    }

    public Conditions set(String type, boolean status, String reason, String message) {
        return set(type, status ? "True" : "False", reason, message);
    }

    /** @param value True, False or Unknown */
    public Conditions set(String type, String value, String reason, String message) {
        Condition old = find(previous, type);
        String since = old != null && value.equals(old.getStatus())
                ? old.getLastTransitionTime()
                : Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
        next.removeIf(c -> c.getType().equals(type));
        next.add(new ConditionBuilder().withType(type).withStatus(value).withReason(reason).withMessage(message)
                .withLastTransitionTime(since).withObservedGeneration(generation).build());
        return this;
    }

    /** Carries a condition over unchanged from the previous list (when it was there). */
    public Conditions keep(List<Condition> from, String type) {
        Condition old = find(from, type);
        if (old != null) {
            next.removeIf(c -> c.getType().equals(type));
            next.add(old);
        }
        return this;
    }

    /** Carries a condition over unchanged from the list this builder started from (when it was there). */
    public Conditions keepPrevious(String type) {
        return keep(previous, type);
    }

    public List<Condition> build() {
        List<Condition> out = new ArrayList<>(next);
        out.sort(Comparator.comparing(Condition::getType));
        return out;
    }

    public static Condition find(List<Condition> conditions, String type) {
        if (conditions == null) {
            return null;
        }
        return conditions.stream().filter(c -> Objects.equals(c.getType(), type)).findFirst().orElse(null);
    }

    public static boolean isTrue(List<Condition> conditions, String type) {
        Condition c = find(conditions, type);
        return c != null && "True".equals(c.getStatus());
    }
}
