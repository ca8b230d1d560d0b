package dev.vigil.slo;

import dev.vigil.api.v1alpha1.SloSpec;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;
import java.util.Optional;

/**
 * An SLO's window: rolling ({@code 30d}: the last 30 days at any time) or calendar-aligned ({@code month},
 * {@code week}: since the first of the month or Monday, 00:00 UTC, so that the budget is whole at each boundary).
 * Burn-rate factors use the nominal length (month 30 days, week 7); the recording rules record the rolling window of
 * that length (the dashboard's trend), and the budget of a calendar window is measured from its start.
 */
public record SloWindow(String name, int days, boolean calendar) {
    /** Below this much of a calendar period, a rate over it has too few samples: the budget is whole. */
    static final Duration MIN_PERIOD = Duration.ofMinutes(5);

    public static SloWindow of(SloSpec slo) {
        String w = slo.window == null ? "30d" : slo.window;
        return switch (w) {
            case SloSpec.MONTH -> new SloWindow(w, 30, true);
            case SloSpec.WEEK -> new SloWindow(w, 7, true);
            default -> new SloWindow(w, Integer.parseInt(w.substring(0, w.length() - 1)), false);
        };
    }

    /** The rolling window of the same nominal length, as a PromQL range ({@code 30d}). */
    public String rolling() {
        return days + "d";
    }

    /** Start of the calendar period that holds {@code at}; empty for a rolling window. */
    public Optional<Instant> periodStart(Instant at) {
        if (!calendar) {
            return Optional.empty();
        }
        ZonedDateTime day = at.atZone(ZoneOffset.UTC).toLocalDate().atStartOfDay(ZoneOffset.UTC);
        ZonedDateTime start = name.equals(SloSpec.MONTH) ? day.withDayOfMonth(1)
                : day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
        return Optional.of(start.toInstant());
    }

    /**
     * The PromQL range that measures the budget at {@code at}: the rolling window, or the seconds since the calendar
     * period began; empty in a period's first {@link #MIN_PERIOD} (nothing measurable yet: the budget is whole).
     */
    public Optional<String> range(Instant at) {
        if (!calendar) {
            return Optional.of(name);
        }
        Duration elapsed = Duration.between(periodStart(at).orElseThrow(), at);
        return elapsed.compareTo(MIN_PERIOD) < 0 ? Optional.empty() : Optional.of(elapsed.toSeconds() + "s");
    }
}
