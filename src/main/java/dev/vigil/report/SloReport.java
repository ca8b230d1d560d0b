package dev.vigil.report;

import java.util.List;

/**
 * An SLO report of one service over one calendar period: per SLO the objective against what was achieved, the
 * budget consumed, how long its burn alerts fired, its worst hours, and the previous period beside it. Decimals are
 * strings, exact where Prometheus' values allow, rounded for display only.
 *
 * @param complete false for a report asked for on demand before the period ended (the period so far)
 */
public record SloReport(String namespace, String service, String period, String start, String end, boolean complete,
        String generatedAt, String dashboardUid, List<Slo> slos) {

    /**
     * @param achieved       good events / all events over the period, in percent (absent without events)
     * @param budgetConsumed share of the period's error budget spent (1 = all of it; above 1 overspent)
     * @param met            the objective held (achieved ≥ objective; a period without events meets it)
     * @param events         the events the SLI counted (requests; minutes or scrapes for a time-based SLI)
     * @param pageMinutes    minutes in which a page burn alert fired (at 5-minute resolution)
     * @param ticketMinutes  minutes in which a ticket burn alert fired (at 30-minute resolution)
     */
    public record Slo(String name, String objective, String sli, String achieved, String errorRatio,
            String budgetConsumed, boolean met, String events, long pageMinutes, long ticketMinutes,
            List<Hour> worstHours, Previous previous) {
    }

    /** One hour (ending at {@code end}) and its error ratio, with the burn rate it means. */
    public record Hour(String end, String errorRatio, String burnRate) {
    }

    public record Previous(String start, String end, String achieved, String budgetConsumed, boolean met) {
    }
}
