package dev.vigil.slo;

import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.SloSpec;
import dev.vigil.api.v1alpha1.SloTemplate;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Prometheus recording and alerting rules for a service's SLOs: the error ratio over 5m, 30m, 1h, 2h, 6h, 1d, 3d
 * and the SLO window, recorded as {@value #RECORD_PREFIX}&lt;window&gt; with namespace, service and slo labels (0, not
 * NaN, over a window without events); the four multi-window multi-burn-rate alerts, each silent below a minimum
 * event rate over its long window (recorded as {@value #EVENTS_PREFIX}&lt;window&gt;); and an alert when the SLI's
 * series are gone. A pure function of the service.
 */
public final class SloRules {
    public static final String RECORD_PREFIX = "vigil:slo_error_ratio:rate";
    /** Events per second over a burn alert's long window, where a minimum event rate applies. */
    public static final String EVENTS_PREFIX = "vigil:slo_events:rate";
    public static final String ALERT = "VigilSLOErrorBudgetBurn";
    public static final String ABSENT_ALERT = "VigilSLOIndicatorAbsent";
    static final String DEFAULT_ABSENT_FOR = "10m";
    /** The range over which the absent-SLI alert looks for the SLI's events. */
    static final String ABSENT_WINDOW = "5m";
    static final List<String> WINDOWS = List.of("5m", "30m", "1h", "2h", "6h", "1d", "3d");

    private SloRules() {
    }

    /**
     * What keeps the SLOs from becoming rules, in the words of the CRD's own CEL rules: the apiserver enforces
     * them at admission, but the offline render (and an apiserver without CEL) does not, and the rules must never
     * be built from a shape the schema forbids. Empty when every SLO is sound.
     */
    public static List<String> problems(InstrumentedService service, PlatformTemplates platform) {
        List<String> out = new ArrayList<>();
        java.util.Set<String> names = new java.util.HashSet<>();
        List<SloSpec> slos = service.getSpec().slos;
        for (int n = 0; n < slos.size(); n++) {
            SloSpec slo = slos.get(n);
            String p = "spec.slos[" + n + "]";
            if (!names.add(slo.name)) {
                out.add("spec.slos: SLO names must be unique");
            }
            if (slo.objective == null || !slo.objective.matches("[0-9]{1,2}(\\.[0-9]{1,6})?") || new BigDecimal(slo.objective).signum() <= 0) {
                out.add(p + ".objective: objective must be a percentage strictly between 0 and 100 with at most 6 decimals, e.g. \"99.9\"");
            }
            if (slo.window != null && !slo.window.matches("([7-9]|[1-8][0-9]|90)d|month|week")) {
                out.add(p + ".window: window must be whole days from 7d to 90d, or month or week");
            }
            if ((slo.indicator == null) == (slo.template == null)) {
                out.add(p + ": set exactly one of indicator or template");
            } else if (slo.template != null) {
                List<String> shape = templateProblems(p + ".template", slo.template);
                out.addAll(shape);
                if (shape.isEmpty() && slo.template.platform != null) {
                    out.addAll(platform.problems(p + ".template.platform", slo.template.platform));
                }
            } else {
                out.addAll(indicatorProblems(p + ".indicator", slo.indicator));
            }
            if (slo.alerting != null && slo.alerting.minEventRate != null
                    && !slo.alerting.minEventRate.matches("[0-9]{1,6}(\\.[0-9]{1,6})?")) {
                out.add(p + ".alerting.minEventRate: minEventRate must be a decimal number of events per second, e.g. \"0.5\"");
            }
            if (slo.alerting != null && slo.alerting.absentFor != null && !absentForValid(slo.alerting.absentFor)) {
                out.add(p + ".alerting.absentFor: absentFor must be a duration in m or h from 1m to 168h");
            }
        }
        return out;
    }

    private static boolean absentForValid(String v) {
        if (!v.matches("[0-9]{1,4}[mh]")) {
            return false;
        }
        long minutes = Long.parseLong(v.substring(0, v.length() - 1)) * (v.endsWith("h") ? 60 : 1);
        return minutes >= 1 && minutes <= 168 * 60;
    }

    private static List<String> indicatorProblems(String p, SloSpec.Indicator i) {
        List<String> out = new ArrayList<>();
        if ((i.ratio == null) == (i.latency == null)) {
            out.add(p + ": set exactly one of ratio or latency");
        } else if (i.ratio != null) {
            if ((i.ratio.errors == null) == (i.ratio.good == null)) {
                out.add(p + ".ratio: set exactly one of errors or good");
            }
            Map<String, String> queries = new LinkedHashMap<>();
            queries.put("errors", i.ratio.errors);
            queries.put("good", i.ratio.good);
            queries.put("total", i.ratio.total);
            queries.forEach((field, q) -> {
                if (q != null && !q.contains(Sli.WINDOW)) {
                    out.add(p + ".ratio." + field + ": the query must use $window as its range, e.g. [$window]");
                }
            });
            if (i.ratio.total == null) {
                out.add(p + ".ratio.total: Required value");
            }
        } else if (i.latency.metric == null || i.latency.threshold == null) {
            out.add(p + ".latency: metric and threshold are required");
        }
        return out;
    }

    /** What the schema requires of a template and an offline render cannot rely on. */
    private static List<String> templateProblems(String p, SloTemplate t) {
        if (SloTemplates.count(t) != 1) {
            return List.of(p + ": set exactly one template");
        }
        String name = SloTemplates.name(t);
        String threshold = t.httpServerLatency != null ? t.httpServerLatency.threshold
                : t.grpcServerLatency != null ? t.grpcServerLatency.threshold
                : t.connectionPoolWait != null ? t.connectionPoolWait.threshold : null;
        boolean needsThreshold = t.httpServerLatency != null || t.grpcServerLatency != null || t.connectionPoolWait != null;
        if (needsThreshold && (threshold == null || !threshold.matches("[0-9]{1,6}(\\.[0-9]{1,6})?")
                || new BigDecimal(threshold).signum() <= 0)) {
            return List.of(p + "." + name + ".threshold: threshold must be greater than 0");
        }
        if (t.platform != null && t.platform.name == null) {
            return List.of(p + ".platform.name: Required value");
        }
        if (t.httpClientAvailability != null && t.httpClientAvailability.serverAddress == null) {
            return List.of(p + "." + name + ".serverAddress: Required value");
        }
        if (t.consumerLag != null && (t.consumerLag.metric == null || t.consumerLag.threshold == null || t.consumerLag.threshold < 0)) {
            return List.of(p + "." + name + ": metric and a threshold of at least 0 are required");
        }
        return List.of();
    }

    /** The rules file (Prometheus format): one group per SLO. Empty when the service has no SLO. */
    public static Map<String, Object> rulesFile(InstrumentedService service, PlatformTemplates platform) {
        List<Object> groups = new ArrayList<>();
        for (SloSpec slo : service.getSpec().slos) {
            groups.add(group(service, slo, platform));
        }
        return map("groups", groups);
    }

    /** The SLO's window as written, "30d" when the schema default has not been applied (offline input). */
    public static String window(SloSpec slo) {
        return SloWindow.of(slo).name();
    }

    /**
     * The windows whose error ratio is recorded: 5m .. 3d, then the SLO window (for a calendar window, the rolling
     * window of its nominal length: its budget is measured from the period's start, which no rule can do).
     */
    public static List<String> windows(SloSpec slo) {
        List<String> windows = new ArrayList<>(WINDOWS);
        String rolling = SloWindow.of(slo).rolling();
        if (!windows.contains(rolling)) {
            windows.add(rolling);
        }
        return windows;
    }

    /**
     * The lowest event rate (per second, over the row's long window) at which the row's alert may fire; empty when
     * every rate may. Default: the rate at which one bad event in the long window is not above the threshold
     * (1 / (threshold x long-window seconds), rounded up), so a single failure never fires it. Time-based SLIs count
     * minutes, which never run short, and have no minimum.
     */
    public static Optional<BigDecimal> minEventRate(SloSpec slo, Sli sli, BurnRateTable.Row row) {
        if (sli.timeBased()) {
            return Optional.empty();
        }
        if (slo.alerting != null && slo.alerting.minEventRate != null) {
            BigDecimal configured = new BigDecimal(slo.alerting.minEventRate);
            return configured.signum() == 0 ? Optional.empty() : Optional.of(configured.stripTrailingZeros());
        }
        BigDecimal threshold = threshold(slo, row);
        BigDecimal seconds = BigDecimal.valueOf(row.longWindowHours() * 3600L);
        return Optional.of(BigDecimal.ONE.divide(threshold.multiply(seconds), new MathContext(6, RoundingMode.CEILING))
                .stripTrailingZeros());
    }

    /** The error ratio above which a row's alert fires: factor x error budget. */
    public static BigDecimal threshold(SloSpec slo, BurnRateTable.Row row) {
        return BurnRateTable.factor(row, SloWindow.of(slo).days()).multiply(BurnRateTable.errorBudget(slo.objective));
    }

    /** How long the SLI's series may be missing before {@value #ABSENT_ALERT} fires. */
    public static String absentFor(SloSpec slo) {
        return slo.alerting != null && slo.alerting.absentFor != null ? slo.alerting.absentFor : DEFAULT_ABSENT_FOR;
    }

    static Map<String, Object> group(InstrumentedService service, SloSpec slo, PlatformTemplates platform) {
        SloWindow window = SloWindow.of(slo);
        ResolvedSlo resolved = ResolvedSlo.of(service, slo, platform);
        Sli sli = resolved.sli();
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("namespace", service.getMetadata().getNamespace());
        labels.put("service", service.getMetadata().getName());
        labels.put("slo", slo.name);
        String selector = selector(labels);

        List<Object> rules = new ArrayList<>();
        for (String w : windows(slo)) {
            rules.add(map("record", RECORD_PREFIX + w, "expr", sli.errorRatio(w), "labels", labels));
        }
        Map<String, BigDecimal> minRates = resolved.minEventRates();
        for (String w : WINDOWS) {
            if (!minRates.containsKey(w)) {
                continue;
            }
            rules.add(map("record", EVENTS_PREFIX + w, "expr", sli.total(w), "labels", labels));
        }
        BigDecimal budget = BurnRateTable.errorBudget(slo.objective);
        for (BurnRateTable.Row row : BurnRateTable.ROWS) {
            BigDecimal factor = BurnRateTable.factor(row, window.days());
            String threshold = BurnRateTable.plain(factor.multiply(budget));
            String expr = RECORD_PREFIX + row.longWindow() + selector + " > " + threshold + "\nand\n"
                    + RECORD_PREFIX + row.shortWindow() + selector + " > " + threshold;
            BigDecimal minRate = minRates.get(row.longWindow());
            if (minRate != null) {
                expr += "\nand\n" + EVENTS_PREFIX + row.longWindow() + selector + " >= " + BurnRateTable.plain(minRate);
            }
            Map<String, String> alertLabels = alertLabels(slo, labels);
            alertLabels.put("severity", severity(slo, row.severity()));
            alertLabels.put("long_window", row.longWindow());
            alertLabels.put("short_window", row.shortWindow());
            Map<String, String> annotations = new LinkedHashMap<>();
            annotations.put("summary", "SLO " + slo.name + " of " + labels.get("namespace") + "/" + labels.get("service")
                    + " burns its " + window.name() + " error budget " + BurnRateTable.plain(factor) + "x too fast ("
                    + row.budgetShare().movePointRight(2).stripTrailingZeros().toPlainString() + "% of the budget in "
                    + row.longWindow() + ")");
            annotations.put("burn_rate_factor", BurnRateTable.plain(factor));
            if (minRate != null) {
                annotations.put("min_event_rate", BurnRateTable.plain(minRate));
            }
            runbook(slo, annotations);
            rules.add(map("alert", ALERT, "expr", expr, "labels", alertLabels, "annotations", annotations));
        }
        String absentFor = absentFor(slo);
        Map<String, String> absentLabels = alertLabels(slo, labels);
        absentLabels.put("severity", severity(slo, BurnRateTable.Severity.ticket));
        Map<String, String> absentAnnotations = new LinkedHashMap<>();
        absentAnnotations.put("summary", "SLO " + slo.name + " of " + labels.get("namespace") + "/" + labels.get("service")
                + " has had no SLI series for " + absentFor + ": its error budget is not measured and its burn alerts "
                + "cannot fire");
        runbook(slo, absentAnnotations);
        rules.add(map("alert", ABSENT_ALERT, "expr", "absent(\n" + sli.total(ABSENT_WINDOW) + "\n)", "for", absentFor,
                "labels", absentLabels, "annotations", absentAnnotations));
        return map("name", "vigil-slo-" + labels.get("namespace") + "-" + labels.get("service") + "-" + slo.name,
                "rules", rules);
    }

    private static Map<String, String> alertLabels(SloSpec slo, Map<String, String> labels) {
        Map<String, String> alertLabels = new TreeMap<>();
        if (slo.alerting != null && slo.alerting.labels != null) {
            alertLabels.putAll(slo.alerting.labels);
        }
        alertLabels.putAll(labels);
        return alertLabels;
    }

    private static void runbook(SloSpec slo, Map<String, String> annotations) {
        if (slo.alerting != null && slo.alerting.runbookUrl != null) {
            annotations.put("runbook_url", slo.alerting.runbookUrl);
        }
    }

    private static String severity(SloSpec slo, BurnRateTable.Severity severity) {
        if (slo.alerting != null) {
            if (severity == BurnRateTable.Severity.page && slo.alerting.pageSeverity != null) {
                return slo.alerting.pageSeverity;
            }
            if (severity == BurnRateTable.Severity.ticket && slo.alerting.ticketSeverity != null) {
                return slo.alerting.ticketSeverity;
            }
        }
        return severity == BurnRateTable.Severity.page ? "critical" : "warning";
    }

    private static String selector(Map<String, String> labels) {
        StringBuilder sb = new StringBuilder("{");
        labels.forEach((k, v) -> sb.append(sb.length() == 1 ? "" : ",").append(k).append("=\"").append(v).append('"'));
        return sb.append('}').toString();
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
