package dev.vigil.report;

import dev.vigil.api.v1alpha1.ReportsSpec;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;

/** A calendar period of a report (UTC; weeks start on Monday): [start, end). */
public record SloReportPeriod(ReportsSpec.Period kind, Instant start, Instant end) {
    /** The period that holds {@code at}. */
    public static SloReportPeriod holding(ReportsSpec.Period kind, Instant at) {
        ZonedDateTime day = at.atZone(ZoneOffset.UTC).toLocalDate().atStartOfDay(ZoneOffset.UTC);
        ZonedDateTime start = kind == ReportsSpec.Period.week ? day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY))
                : day.withDayOfMonth(1);
        ZonedDateTime end = kind == ReportsSpec.Period.week ? start.plusWeeks(1) : start.plusMonths(1);
        return new SloReportPeriod(kind, start.toInstant(), end.toInstant());
    }

    /** The period before this one. */
    public SloReportPeriod previous() {
        return holding(kind, start.minusSeconds(1));
    }

    /** The last period that ended at or before {@code at}. */
    public static SloReportPeriod lastComplete(ReportsSpec.Period kind, Instant at) {
        return holding(kind, at).previous();
    }

    /** The period's name: 2026-01 for a month, 2026-W05 for a week (ISO week of its Monday). */
    public String label() {
        ZonedDateTime s = start.atZone(ZoneOffset.UTC);
        if (kind == ReportsSpec.Period.week) {
            int week = s.get(java.time.temporal.IsoFields.WEEK_OF_WEEK_BASED_YEAR);
            int year = s.get(java.time.temporal.IsoFields.WEEK_BASED_YEAR);
            return String.format("%d-W%02d", year, week);
        }
        return String.format("%d-%02d", s.getYear(), s.getMonthValue());
    }
}
