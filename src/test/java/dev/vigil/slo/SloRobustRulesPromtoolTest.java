package dev.vigil.slo;

import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.prometheus.RealPrometheus;
import dev.vigil.render.Render;
import dev.vigil.serialization.Yaml;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntUnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * promtool test rules for what breaks SLO rules elsewhere: a quiet service (0/0 must not be NaN), a low-volume
 * service (one failure must not page), an SLI whose series disappear (an alert, not silence), and a calendar window
 * (the budget starts whole at the boundary). Each case would fail on the rules as they were before.
 */
class SloRobustRulesPromtoolTest {
    static final Map<String, String> LABELS = Map.of("namespace", "shop", "service", "api", "slo", "availability");

    @TempDir
    Path tmp;

    static InstrumentedService service(String window, String alerting) throws Exception {
        return (InstrumentedService) Render.parse(new StringReader("""
                apiVersion: vigil.dev/v1alpha1
                kind: InstrumentedService
                metadata: {name: api, namespace: shop}
                spec:
                  workloadRef: {name: api}
                  metrics: {port: 8080}
                  slos:
                    - name: availability
                      objective: "99.9"
                      window: %s
                      indicator:
                        ratio:
                          errors: sum(rate(requests_total{code="500"}[$window]))
                          total: sum(rate(requests_total[$window]))
                      alerting: %s
                """.formatted(window, alerting)), "test").get(0);
    }

    /** Counters that exist and never move: every recorded ratio is 0 (NaN before), and nothing fires. */
    @Test
    void aQuietServiceRecordsZeroNotNaN() throws Exception {
        Map<String, Object> test = new LinkedHashMap<>();
        test.put("interval", "1m");
        test.put("input_series", List.of(series("requests_total{code=\"200\"}", "0x180"),
                series("requests_total{code=\"500\"}", "0x180")));
        List<Object> exprs = new ArrayList<>();
        for (String w : List.of("5m", "1h", "2h")) {
            exprs.add(Map.of("expr", SloRules.RECORD_PREFIX + w, "eval_time", "150m",
                    "exp_samples", List.of(Map.of("labels", SloRules.RECORD_PREFIX + w + labels(), "value", 0))));
        }
        test.put("promql_expr_test", exprs);
        test.put("alert_rule_test", List.of(
                Map.of("eval_time", "150m", "alertname", SloRules.ALERT, "exp_alerts", List.of()),
                Map.of("eval_time", "150m", "alertname", SloRules.ABSENT_ALERT, "exp_alerts", List.of())));
        run(service("30d", "{}"), test);
    }

    /**
     * Ten requests an hour (one every 6 minutes) and one of them fails at minute 120: at minute 122 the 1h window holds
     * about 10 events and 1 error (0.1, above the page threshold 0.0144) and the 5m window the failure alone. The
     * default minimum event rate for the 1h/5m page (1 / (0.0144 x 3600 s) = 0.0193/s; the service has 0.0028/s)
     * holds the page back, and likewise every other row; with minEventRate "0" the same data fires all four.
     */
    @Test
    void oneFailureOfAQuietServiceDoesNotPage() throws Exception {
        IntUnaryOperator total = m -> m / 6;
        IntUnaryOperator errors = m -> m >= 120 ? 1 : 0;
        Map<String, Object> test = new LinkedHashMap<>();
        test.put("interval", "1m");
        test.put("input_series", List.of(series("requests_total{code=\"200\"}", values(150, m -> total.applyAsInt(m) - errors.applyAsInt(m))),
                series("requests_total{code=\"500\"}", values(150, errors))));
        test.put("alert_rule_test", List.of(Map.of("eval_time", "122m", "alertname", SloRules.ALERT, "exp_alerts", List.of())));
        run(service("30d", "{}"), test);

        // Without the minimum, 2 hours of 10 events an hour with one failure page and open tickets on every row.
        InstrumentedService unguarded = service("30d", "{minEventRate: \"0\"}");
        List<Object> all = new ArrayList<>();
        for (BurnRateTable.Row row : BurnRateTable.ROWS) {
            Map<String, String> labels = new LinkedHashMap<>(LABELS);
            labels.put("severity", row.severity() == BurnRateTable.Severity.page ? "critical" : "warning");
            labels.put("long_window", row.longWindow());
            labels.put("short_window", row.shortWindow());
            all.add(Map.of("exp_labels", labels, "exp_annotations", burnAnnotations(unguarded, row.longWindow())));
        }
        test.put("alert_rule_test", List.of(Map.of("eval_time", "122m", "alertname", SloRules.ALERT, "exp_alerts", all)));
        run(unguarded, test);
    }

    /**
     * The SLI's series stop at minute 60: from minute 66 the 5m range holds no sample, so the alert is pending, and it
     * fires once absentFor (10m) has passed: not at 74, at 78.
     */
    @Test
    void anSliWhoseSeriesDisappearAlerts() throws Exception {
        InstrumentedService s = service("30d", "{}");
        Map<String, String> labels = new LinkedHashMap<>(LABELS);
        labels.put("severity", "warning");
        Map<String, Object> rule = absentRule(s);
        Map<String, Object> test = new LinkedHashMap<>();
        test.put("interval", "1m");
        test.put("input_series", List.of(series("requests_total{code=\"200\"}", "0+100x60 _x60"),
                series("requests_total{code=\"500\"}", "0+1x60 _x60")));
        test.put("alert_rule_test", List.of(
                Map.of("eval_time", "50m", "alertname", SloRules.ABSENT_ALERT, "exp_alerts", List.of()),
                Map.of("eval_time", "74m", "alertname", SloRules.ABSENT_ALERT, "exp_alerts", List.of()),
                Map.of("eval_time", "78m", "alertname", SloRules.ABSENT_ALERT, "exp_alerts", List.of(Map.of(
                        "exp_labels", labels, "exp_annotations", rule.get("annotations"))))));
        run(s, test);
    }

    /**
     * A month window measured 6 hours into February 1970 (promtool's clock starts at the epoch): the range the
     * operator queries covers February only, 1 error in 1000 (10 in 1000 all January), where the rolling 30 days
     * hold January's errors.
     */
    @Test
    void aCalendarMonthStartsAtItsBoundary() throws Exception {
        InstrumentedService s = service("month", "{}");
        Instant at = Instant.parse("1970-02-01T06:00:00Z");
        String range = SloWindow.of(s.getSpec().slos.get(0)).range(at).orElseThrow();
        assertThat(range).isEqualTo("21600s");
        Sli sli = Sli.of(s, s.getSpec().slos.get(0), PlatformTemplates.none());
        int boundary = 31 * 24 * 6; // ten-minute samples up to February 1st
        int end = boundary + 6 * 6;
        IntUnaryOperator errors = i -> i <= boundary ? 10 * i : 10 * boundary + (i - boundary);
        Map<String, Object> test = new LinkedHashMap<>();
        test.put("interval", "10m");
        test.put("input_series", List.of(series("requests_total{code=\"200\"}", values(end, i -> 1000 * i - errors.applyAsInt(i))),
                series("requests_total{code=\"500\"}", values(end, errors))));
        // In parts per billion, rounded: the division's last bit is not the subject.
        test.put("promql_expr_test", List.of(
                Map.of("expr", "round(1e9 * (" + sli.errorRatio(range) + "))", "eval_time", (end * 10) + "m",
                        "exp_samples", List.of(Map.of("labels", "{}", "value", 1_000_000))),
                // The rolling 30 days at the same time: 30 days less 6 hours of January at 10 in 1000, 6 hours at 1:
                // 42 876 errors in 4 320 000.
                Map.of("expr", "round(1e9 * (" + sli.errorRatio("30d") + "))", "eval_time", (end * 10) + "m",
                        "exp_samples", List.of(Map.of("labels", "{}", "value", 9_925_000)))));
        // Only the expressions matter here: no rule evaluation every minute over a month of samples.
        run(s, test, (end * 10) + "m");
    }

    private static String labels() {
        return "{namespace=\"shop\",service=\"api\",slo=\"availability\"}";
    }

    private static Map<String, Object> series(String name, String values) {
        return Map.of("series", name, "values", values);
    }

    /** Explicit values for samples 0..n. */
    private static String values(int n, IntUnaryOperator f) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i <= n; i++) {
            sb.append(i == 0 ? "" : " ").append(f.applyAsInt(i));
        }
        return sb.toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> absentRule(InstrumentedService s) {
        for (Object g : (List<Object>) SloRules.rulesFile(s, PlatformTemplates.none()).get("groups")) {
            for (Object r : (List<Object>) ((Map<String, Object>) g).get("rules")) {
                if (SloRules.ABSENT_ALERT.equals(((Map<String, Object>) r).get("alert"))) {
                    return (Map<String, Object>) r;
                }
            }
        }
        throw new AssertionError("no absent alert");
    }

    @SuppressWarnings("unchecked")
    private static Object burnAnnotations(InstrumentedService s, String longWindow) {
        for (Object g : (List<Object>) SloRules.rulesFile(s, PlatformTemplates.none()).get("groups")) {
            for (Object r : (List<Object>) ((Map<String, Object>) g).get("rules")) {
                Map<String, Object> rule = (Map<String, Object>) r;
                if (SloRules.ALERT.equals(rule.get("alert"))
                        && longWindow.equals(((Map<String, String>) rule.get("labels")).get("long_window"))) {
                    return rule.get("annotations");
                }
            }
        }
        throw new AssertionError("no burn alert for " + longWindow);
    }

    private void run(InstrumentedService s, Map<String, Object> test) throws Exception {
        run(s, test, "1m");
    }

    private void run(InstrumentedService s, Map<String, Object> test, String evaluationInterval) throws Exception {
        Path rules = tmp.resolve("rules.yaml");
        Files.writeString(rules, Yaml.write(SloRules.rulesFile(s, PlatformTemplates.none())));
        Path file = tmp.resolve("test.yaml");
        Files.writeString(file, Yaml.write(Map.of("rule_files", List.of(rules.toString()), "evaluation_interval", evaluationInterval,
                "tests", List.of(test))));
        Process p = new ProcessBuilder(RealPrometheus.promtoolBinary(), "test", "rules", file.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("promtool test rules:%n%s", out).isZero();
    }
}
