package dev.vigil.report;

import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.SloSpec;
import dev.vigil.dashboard.ServiceDashboard;
import dev.vigil.prometheus.PrometheusClient;
import dev.vigil.prometheus.PrometheusEndpoint;
import dev.vigil.prometheus.PrometheusException;
import dev.vigil.prometheus.Sample;
import dev.vigil.slo.BurnRateTable;
import dev.vigil.slo.PlatformTemplates;
import dev.vigil.slo.ResolvedSlo;
import dev.vigil.slo.Sli;
import dev.vigil.slo.SloEvaluation;
import dev.vigil.slo.SloRules;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Computes an SLO report from the fleet's Prometheus: per SLO one instant query at the period's end (the error ratio
 * and the events over the period, and how many evaluation steps each kind of burn alert fired in), one range query of
 * the hourly error ratio (the worst hours) and one instant query for the previous period. The alerts are evaluated
 * from the SLI expressions, as the rules would (thresholds and minimum event rates included), so a report does not
 * need Prometheus to have loaded the rules.
 */
public class SloReporter {
    static final String TAG = "vigil_report";
    static final Duration PAGE_STEP = Duration.ofMinutes(5);
    static final Duration TICKET_STEP = Duration.ofMinutes(30);
    static final int WORST_HOURS = 5;

    private final PrometheusClient prometheus;

    public SloReporter(PrometheusClient prometheus) {
        this.prometheus = prometheus;
    }

    /**
     * @param end the period's end, or now for a report of the period so far
     */
    public SloReport report(InstrumentedService service, PlatformTemplates templates, PrometheusEndpoint endpoint,
            SloReportPeriod period, Instant end, Instant now) throws PrometheusException {
        List<SloReport.Slo> slos = new ArrayList<>();
        for (SloSpec spec : service.getSpec().slos) {
            ResolvedSlo slo = ResolvedSlo.of(service, spec, templates);
            slos.add(slo(endpoint, slo, period, end));
        }
        return new SloReport(service.getMetadata().getNamespace(), service.getMetadata().getName(), period.label(),
                period.start().toString(), end.toString(), !end.isBefore(period.end()), now.toString(),
                ServiceDashboard.uid(service.getMetadata().getNamespace(), service.getMetadata().getName()), slos);
    }

    private SloReport.Slo slo(PrometheusEndpoint endpoint, ResolvedSlo slo, SloReportPeriod period, Instant end)
            throws PrometheusException {
        long seconds = Duration.between(period.start(), end).toSeconds();
        Map<String, String> v = tagged(prometheus.instantQuery(endpoint, String.join("\nor\n",
                tag(slo.sli().errorRatio(seconds + "s"), "ratio"),
                tag(slo.sli().total(seconds + "s"), "total"),
                tag("count_over_time((" + firing(slo, BurnRateTable.Severity.page) + ")[" + (seconds - 1) + "s:"
                        + PAGE_STEP.toSeconds() + "s])", "page"),
                tag("count_over_time((" + firing(slo, BurnRateTable.Severity.ticket) + ")[" + (seconds - 1) + "s:"
                        + TICKET_STEP.toSeconds() + "s])", "ticket")), end));
        BigDecimal budget = BurnRateTable.errorBudget(slo.slo().objective);
        BigDecimal ratio = decimal(v.get("ratio"));
        BigDecimal total = decimal(v.get("total"));
        String events = total == null ? null
                : SloEvaluation.round(slo.sli().timeBased() ? total : total.multiply(BigDecimal.valueOf(seconds)), 0);

        List<SloReport.Hour> worst = new ArrayList<>();
        if (seconds >= 3600) {
            List<PrometheusClient.Series> hourly = prometheus.rangeQuery(endpoint, slo.sli().errorRatio("1h"),
                    period.start().plusSeconds(3600), end, Duration.ofHours(1));
            List<PrometheusClient.Point> points = new ArrayList<>();
            hourly.forEach(s -> points.addAll(s.points()));
            points.stream().filter(p -> decimal(p.value()) != null && decimal(p.value()).signum() > 0)
                    .sorted(Comparator.comparing((PrometheusClient.Point p) -> decimal(p.value())).reversed()
                            .thenComparing(PrometheusClient.Point::time))
                    .limit(WORST_HOURS)
                    .forEach(p -> worst.add(new SloReport.Hour(p.time().toString(), SloEvaluation.round(decimal(p.value()), 8),
                            SloEvaluation.round(decimal(p.value()).divide(budget, 20, RoundingMode.HALF_EVEN), 4))));
        }

        SloReportPeriod prev = period.previous();
        long prevSeconds = Duration.between(prev.start(), prev.end()).toSeconds();
        Map<String, String> pv = tagged(prometheus.instantQuery(endpoint,
                tag(slo.sli().errorRatio(prevSeconds + "s"), "ratio"), prev.end()));
        BigDecimal prevRatio = decimal(pv.get("ratio"));
        SloReport.Previous previous = new SloReport.Previous(prev.start().toString(), prev.end().toString(),
                achieved(prevRatio), consumed(prevRatio, budget), prevRatio == null || prevRatio.compareTo(budget) <= 0);

        return new SloReport.Slo(slo.slo().name, slo.slo().objective, slo.sli().template(), achieved(ratio),
                ratio == null ? null : SloEvaluation.round(ratio, 8), consumed(ratio, budget),
                ratio == null || ratio.compareTo(budget) <= 0, events,
                count(v.get("page")) * PAGE_STEP.toMinutes(), count(v.get("ticket")) * TICKET_STEP.toMinutes(),
                worst, previous);
    }

    /** The condition of every burn alert of one severity, as the rules state it, joined by or. */
    static String firing(ResolvedSlo slo, BurnRateTable.Severity severity) {
        Sli sli = slo.sli();
        List<String> rows = new ArrayList<>();
        for (BurnRateTable.Row row : BurnRateTable.ROWS) {
            if (row.severity() != severity) {
                continue;
            }
            String threshold = BurnRateTable.plain(SloRules.threshold(slo.slo(), row));
            String expr = "(" + sli.errorRatio(row.longWindow()) + ") > " + threshold + "\nand\n("
                    + sli.errorRatio(row.shortWindow()) + ") > " + threshold;
            BigDecimal min = slo.minEventRates().get(row.longWindow());
            if (min != null) {
                expr += "\nand\n(" + sli.total(row.longWindow()) + ") >= " + BurnRateTable.plain(min);
            }
            rows.add("(" + expr + ")");
        }
        return String.join("\nor\n", rows);
    }

    private static String tag(String expr, String what) {
        return "label_replace(\n(" + expr + ")\n, \"" + TAG + "\", \"" + what + "\", \"\", \"\")";
    }

    private static Map<String, String> tagged(List<Sample> samples) {
        Map<String, String> out = new HashMap<>();
        for (Sample s : samples) {
            String what = s.labels().get(TAG);
            if (what != null && out.put(what, s.value()) != null) {
                throw new IllegalArgumentException("the SLI's queries return more than one series; aggregate them to one");
            }
        }
        return out;
    }

    private static BigDecimal decimal(String v) {
        return v == null || v.equals("NaN") || v.endsWith("Inf") ? null : new BigDecimal(v);
    }

    private static long count(String v) {
        BigDecimal d = decimal(v);
        return d == null ? 0 : d.longValue();
    }

    private static String achieved(BigDecimal ratio) {
        return ratio == null ? null : SloEvaluation.round(BigDecimal.ONE.subtract(ratio).movePointRight(2), 4);
    }

    private static String consumed(BigDecimal ratio, BigDecimal budget) {
        return ratio == null ? null : SloEvaluation.round(ratio.divide(budget, 20, RoundingMode.HALF_EVEN), 4);
    }
}
