package dev.vigil.slo;

import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.SloSpec;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Prometheus recording and alerting rules for a service's SLOs: the error ratio over 5m, 30m, 1h, 2h, 6h, 1d, 3d
 * and the SLO window, recorded as {@value #RECORD_PREFIX}&lt;window&gt; with namespace, service and slo labels, and
 * the four multi-window multi-burn-rate alerts. A pure function of the service.
 */
public final class SloRules {
    public static final String RECORD_PREFIX = "vigil:slo_error_ratio:rate";
    public static final String ALERT = "VigilSLOErrorBudgetBurn";
    static final List<String> WINDOWS = List.of("5m", "30m", "1h", "2h", "6h", "1d", "3d");

    private SloRules() {
    }

    /**
     * What keeps the SLOs from becoming rules, in the words of the CRD's own CEL rules: the apiserver enforces
     * them at admission, but the offline render (and an apiserver without CEL) does not, and the rules must never
     * be built from a shape the schema forbids. Empty when every SLO is sound.
     */
    public static List<String> problems(InstrumentedService service) {
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
            if (slo.window != null && !slo.window.matches("([7-9]|[1-8][0-9]|90)d")) {
                out.add(p + ".window: window must be whole days from 7d to 90d");
            }
            SloSpec.Indicator i = slo.indicator;
            if (i == null || (i.ratio == null) == (i.latency == null)) {
                out.add(p + ".indicator: set exactly one of ratio or latency");
            } else if (i.ratio != null) {
                if ((i.ratio.errors == null) == (i.ratio.good == null)) {
                    out.add(p + ".indicator.ratio: set exactly one of errors or good");
                }
                Map<String, String> queries = new LinkedHashMap<>();
                queries.put("errors", i.ratio.errors);
                queries.put("good", i.ratio.good);
                queries.put("total", i.ratio.total);
                queries.forEach((field, q) -> {
                    if (q != null && !q.contains("$window")) {
                        out.add(p + ".indicator.ratio." + field + ": the query must use $window as its range, e.g. [$window]");
                    }
                });
                if (i.ratio.total == null) {
                    out.add(p + ".indicator.ratio.total: Required value");
                }
            } else if (i.latency.metric == null || i.latency.threshold == null) {
                out.add(p + ".indicator.latency: metric and threshold are required");
            }
        }
        return out;
    }

    /** The rules file (Prometheus format): one group per SLO. Empty when the service has no SLO. */
    public static Map<String, Object> rulesFile(InstrumentedService service) {
        List<Object> groups = new ArrayList<>();
        for (SloSpec slo : service.getSpec().slos) {
            groups.add(group(service, slo));
        }
        return map("groups", groups);
    }

    /** The SLO's window, "30d" when the schema default has not been applied (offline input). */
    public static String window(SloSpec slo) {
        return slo.window == null ? "30d" : slo.window;
    }

    /** The windows whose error ratio is recorded and measured: 5m .. 3d, then the SLO window. */
    public static List<String> windows(SloSpec slo) {
        List<String> windows = new ArrayList<>(WINDOWS);
        if (!windows.contains(window(slo))) {
            windows.add(window(slo));
        }
        return windows;
    }

    static Map<String, Object> group(InstrumentedService service, SloSpec slo) {
        String window = window(slo);
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("namespace", service.getMetadata().getNamespace());
        labels.put("service", service.getMetadata().getName());
        labels.put("slo", slo.name);

        List<Object> rules = new ArrayList<>();
        for (String w : windows(slo)) {
            rules.add(map("record", RECORD_PREFIX + w, "expr", errorRatio(slo.indicator, w), "labels", labels));
        }
        BigDecimal budget = BurnRateTable.errorBudget(slo.objective);
        int days = BurnRateTable.days(window);
        String selector = selector(labels);
        for (BurnRateTable.Row row : BurnRateTable.ROWS) {
            BigDecimal factor = BurnRateTable.factor(row, days);
            String threshold = BurnRateTable.plain(factor.multiply(budget));
            String expr = RECORD_PREFIX + row.longWindow() + selector + " > " + threshold + "\nand\n"
                    + RECORD_PREFIX + row.shortWindow() + selector + " > " + threshold;
            Map<String, String> alertLabels = new TreeMap<>();
            if (slo.alerting != null && slo.alerting.labels != null) {
                alertLabels.putAll(slo.alerting.labels);
            }
            alertLabels.putAll(labels);
            alertLabels.put("severity", severity(slo, row.severity()));
            alertLabels.put("long_window", row.longWindow());
            alertLabels.put("short_window", row.shortWindow());
            Map<String, String> annotations = new LinkedHashMap<>();
            annotations.put("summary", "SLO " + slo.name + " of " + labels.get("namespace") + "/" + labels.get("service")
                    + " burns its " + window + " error budget " + BurnRateTable.plain(factor) + "x too fast ("
                    + row.budgetShare().movePointRight(2).stripTrailingZeros().toPlainString() + "% of the budget in "
                    + row.longWindow() + ")");
            annotations.put("burn_rate_factor", BurnRateTable.plain(factor));
            if (slo.alerting != null && slo.alerting.runbookUrl != null) {
                annotations.put("runbook_url", slo.alerting.runbookUrl);
            }
            rules.add(map("alert", ALERT, "expr", expr, "labels", alertLabels, "annotations", annotations));
        }
        return map("name", "vigil-slo-" + labels.get("namespace") + "-" + labels.get("service") + "-" + slo.name,
                "rules", rules);
    }

    /** The error ratio (bad / total, 0..1) of an indicator over one window. */
    public static String errorRatio(SloSpec.Indicator indicator, String window) {
        if (indicator.ratio != null) {
            String total = at(indicator.ratio.total, window);
            if (indicator.ratio.errors != null) {
                return "(" + at(indicator.ratio.errors, window) + ")\n/\n(" + total + ")";
            }
            return "1 - (\n  (" + at(indicator.ratio.good, window) + ")\n  /\n  (" + total + ")\n)";
        }
        SloSpec.Latency l = indicator.latency;
        String extra = l.selector == null || l.selector.isBlank() ? "" : "," + l.selector;
        String bare = l.selector == null || l.selector.isBlank() ? "" : "{" + l.selector + "}";
        return "1 - (\n  sum(rate(" + l.metric + "_bucket{le=\"" + l.threshold + "\"" + extra + "}[" + window + "]))\n  /\n  sum(rate("
                + l.metric + "_count" + bare + "[" + window + "]))\n)";
    }

    /** The events (the ratio's denominator) per second of an indicator over one window. */
    public static String total(SloSpec.Indicator indicator, String window) {
        if (indicator.ratio != null) {
            return at(indicator.ratio.total, window);
        }
        SloSpec.Latency l = indicator.latency;
        String bare = l.selector == null || l.selector.isBlank() ? "" : "{" + l.selector + "}";
        return "sum(rate(" + l.metric + "_count" + bare + "[" + window + "]))";
    }

    private static String at(String query, String window) {
        return query.replace("$window", window);
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
