package dev.vigil.slo;

import dev.vigil.api.v1alpha1.InstrumentedServiceStatus;
import dev.vigil.api.v1alpha1.InstrumentedServiceStatus.SloStatus;
import dev.vigil.api.v1alpha1.SloSpec;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns the error ratios measured for an SLO's windows into its status: budget left, time left at the 1h burn rate,
 * burn rate per window and the alerts that fire. Pure and exact: Prometheus' printed values are read as decimals,
 * compared with the same thresholds the alert rules use, and rounded only for display.
 */
public final class SloEvaluation {
    static final int RATIO_SCALE = 8;
    static final int SCALE = 4;
    /** The burn rate that decides the time left: the shortest window the page alerts also look at over an hour. */
    static final String CURRENT_BURN_WINDOW = "1h";

    public enum Health { HEALTHY, TICKET, PAGE, EXHAUSTED, NO_DATA, NO_TRAFFIC }

    public record Result(SloStatus status, Health health, String message, Optional<BigDecimal> budgetRemaining) {
    }

    private SloEvaluation() {
    }

    /**
     * @param ratios error ratio per window ("5m" .. the rolling window, and the SLO window measured from its period's
     *               start when it is a calendar window) as Prometheus printed it; windows without data are absent
     * @param totals events per window (the SLO window, and the long windows of alerts with a minimum event rate) as
     *               Prometheus printed them: 0 over the SLO window is a quiet service (the whole budget is left, the
     *               condition says NoTraffic), absent is no data
     */
    public static Result evaluate(ResolvedSlo resolved, Map<String, String> ratios, Map<String, String> totals, Instant at) {
        SloSpec slo = resolved.slo();
        SloWindow sloWindow = SloWindow.of(slo);
        String window = sloWindow.name();
        BigDecimal budget = BurnRateTable.errorBudget(slo.objective);
        SloStatus s = new SloStatus();
        s.name = slo.name;
        s.objective = slo.objective;
        s.window = window;
        s.periodStart = sloWindow.periodStart(at).map(Instant::toString).orElse(null);
        s.errorBudget = BurnRateTable.plain(budget);
        s.measuredAt = at.toString();
        s.sli = sliStatus(resolved.sli());

        Map<String, BigDecimal> exact = new LinkedHashMap<>();
        List<String> windows = new ArrayList<>(SloRules.windows(slo));
        if (!windows.contains(window)) {
            windows.add(window);
        }
        for (String w : windows) {
            String v = ratios.get(w);
            if (v != null && isFinite(v)) {
                exact.put(w, new BigDecimal(v));
            }
        }
        Map<String, String> burn = new LinkedHashMap<>();
        exact.forEach((w, r) -> burn.put(w, round(r.divide(budget, 20, RoundingMode.HALF_EVEN), SCALE)));
        s.burnRates = burn.isEmpty() ? null : burn;

        List<String> firing = new ArrayList<>();
        boolean page = false;
        String pageDetail = null;
        String ticketDetail = null;
        int days = sloWindow.days();
        for (BurnRateTable.Row row : BurnRateTable.ROWS) {
            BigDecimal threshold = SloRules.threshold(slo, row);
            BigDecimal longRatio = exact.get(row.longWindow());
            BigDecimal shortRatio = exact.get(row.shortWindow());
            if (longRatio == null || shortRatio == null || longRatio.compareTo(threshold) <= 0 || shortRatio.compareTo(threshold) <= 0) {
                continue;
            }
            BigDecimal minRate = resolved.minEventRates().get(row.longWindow());
            if (minRate != null && decimal(totals.get(row.longWindow())).filter(e -> e.compareTo(minRate) >= 0).isEmpty()) {
                continue;
            }
            firing.add(row.severity() + " " + row.longWindow() + "/" + row.shortWindow());
            String detail = "burning " + burn.get(row.longWindow()) + "x its budget over " + row.longWindow()
                    + " and " + burn.get(row.shortWindow()) + "x over " + row.shortWindow() + " ("
                    + row.severity() + " above " + BurnRateTable.plain(BurnRateTable.factor(row, days)) + "x)";
            if (row.severity() == BurnRateTable.Severity.page) {
                page = true;
                pageDetail = pageDetail == null ? detail : pageDetail;
            } else {
                ticketDetail = ticketDetail == null ? detail : ticketDetail;
            }
        }
        s.firing = firing.isEmpty() ? null : firing;

        BigDecimal windowRatio = exact.get(window);
        Optional<BigDecimal> events = decimal(totals.get(window));
        if (sloWindow.range(at).isEmpty()) {
            s.budgetRemaining = "1";
            return new Result(s, Health.NO_TRAFFIC, "the " + window + " began at " + s.periodStart
                    + ": the whole error budget is left", Optional.of(BigDecimal.ONE));
        }
        if (events.filter(t -> t.signum() == 0).isPresent()) {
            s.budgetRemaining = "1";
            return new Result(s, Health.NO_TRAFFIC, "no traffic in the " + window + " window (its series count no "
                    + "events): the whole error budget is left", Optional.of(BigDecimal.ONE));
        }
        if (windowRatio == null) {
            return new Result(s, Health.NO_DATA, events.filter(t -> t.signum() > 0).isPresent()
                    ? "the " + window + " window counted events but its error ratio has no series (a "
                            + (resolved.sli().bad() != null ? "bad-events query that selects nothing while there are "
                            + "no errors? add `or vector(0)` to it" : "good-events query that selects nothing? a latency "
                            + "threshold must be one of the histogram's bucket bounds") + ")"
                    : "no data for the " + window + " window yet (the queries select no series)", Optional.empty());
        }
        s.errorRatio = round(windowRatio, RATIO_SCALE);
        BigDecimal remaining = BigDecimal.ONE.subtract(windowRatio.divide(budget, 20, RoundingMode.HALF_EVEN));
        s.budgetRemaining = round(remaining, SCALE);
        BigDecimal current = exact.get(CURRENT_BURN_WINDOW);
        if (remaining.signum() <= 0) {
            s.timeLeft = "0m";
        } else if (current != null && current.signum() > 0) {
            BigDecimal burnRate = current.divide(budget, 20, RoundingMode.HALF_EVEN);
            // At burn rate b the whole budget lasts window/b; what is left lasts remaining x window / b (to the
            // nearest minute: the inputs are doubles, and 917.9999 minutes is 918).
            BigDecimal minutes = remaining.multiply(BigDecimal.valueOf(days * 24L * 60L)).divide(burnRate, 0, RoundingMode.HALF_UP);
            s.timeLeft = duration(Duration.ofMinutes(minutes.longValueExact()));
        }
        String left = percent(remaining) + " of the " + window + " error budget left";
        if (remaining.signum() <= 0) {
            return new Result(s, Health.EXHAUSTED, "the " + window + " error budget is spent (" + left + ")", Optional.of(remaining));
        }
        if (page) {
            return new Result(s, Health.PAGE, pageDetail + "; " + left, Optional.of(remaining));
        }
        if (ticketDetail != null) {
            return new Result(s, Health.TICKET, ticketDetail + "; " + left, Optional.of(remaining));
        }
        return new Result(s, Health.HEALTHY, left, Optional.of(remaining));
    }

    private static Optional<BigDecimal> decimal(String v) {
        return v == null || !isFinite(v) ? Optional.empty() : Optional.of(new BigDecimal(v));
    }

    static InstrumentedServiceStatus.SliStatus sliStatus(Sli sli) {
        InstrumentedServiceStatus.SliStatus out = new InstrumentedServiceStatus.SliStatus();
        out.template = sli.template();
        out.errors = sli.bad();
        out.good = sli.good();
        out.total = sli.total();
        return out;
    }

    static boolean isFinite(String v) {
        return !(v.equals("NaN") || v.endsWith("Inf"));
    }

    /** HALF_EVEN to {@code scale} decimals, printed without trailing zeros or exponent. */
    public static String round(BigDecimal v, int scale) {
        BigDecimal r = v.setScale(scale, RoundingMode.HALF_EVEN).stripTrailingZeros();
        return r.signum() == 0 ? "0" : r.toPlainString();
    }

    /** A budget fraction as a percentage with at most 2 decimals: 0.87524 gives "87.52%". */
    public static String percent(BigDecimal fraction) {
        return round(fraction.movePointRight(2), 2) + "%";
    }

    /** 3d4h10m style, minutes resolution. */
    static String duration(Duration d) {
        long minutes = d.toMinutes();
        long days = minutes / (24 * 60);
        long hours = (minutes / 60) % 24;
        long mins = minutes % 60;
        StringBuilder sb = new StringBuilder();
        if (days > 0) {
            sb.append(days).append('d');
        }
        if (hours > 0) {
            sb.append(hours).append('h');
        }
        if (mins > 0 || sb.length() == 0) {
            sb.append(mins).append('m');
        }
        return sb.toString();
    }
}
