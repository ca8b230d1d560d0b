package dev.vigil.slo;

import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.render.Render;
import dev.vigil.serialization.Yaml;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * promtool test rules on synthetic series: 1000 requests a minute; no errors for three days (so every window up to
 * 3d starts clean), then errors at a constant multiple ("burn") of the budget rate, for a while or until the end.
 * With a constant burn b starting at t=0, the error ratio over a window W at time t is b x budget x min(t, W) / W,
 * so an alert (factor f, long window L, short window S) fires once b > f and t > f x L / b. Each row gives the
 * alerts expected at one evaluation time; the comments carry the hand computation.
 */
class SloAlertsPromtoolTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0} window, {1}x burn for {2} min, at {3} min: {4}")
    @CsvSource(delimiter = ';', value = {
            // 30d, budget 0.001, factors 14.4 / 6 / 3 / 1.
            // 15x: page 1h/5m once t > 14.4 x 60 / 15 = 57.6 min, not before.
            "30d; 15; 0; 50; -",
            "30d; 15; 0; 62; page 1h/5m",
            // 14.4x is the threshold itself: the 1h ratio only reaches it at 60 min, so nothing at 59 min.
            "30d; 14.4; 0; 59; -",
            // The short window resets the page: a 15x burn stops after 120 min; 2 min later the 1h window still
            // burns at 15x, but the 5m window is at 15 x 3/5 = 9 < 14.4, so the page is over.
            "30d; 15; 120; 119; page 1h/5m",
            "30d; 15; 120; 122; -",
            // 6.5x: page 6h/30m once t > 6 x 360 / 6.5 = 332.3 min; the 1d (1.5x at 332 min) and 3d windows stay below.
            "30d; 6.5; 0; 325; -",
            "30d; 6.5; 0; 340; page 6h/30m",
            // 3.5x: both tickets once t > 3 x 1440 / 3.5 = 1234.3 min (= 1 x 4320 / 3.5: both rows are 10% of the budget).
            "30d; 3.5; 0; 1225; -",
            "30d; 3.5; 0; 1245; ticket 1d/2h|ticket 3d/6h",
            // 2x: only the 3d/6h ticket (2 < 3), once t > 4320 / 2 = 2160 min.
            "30d; 2; 0; 2140; -",
            "30d; 2; 0; 2180; ticket 3d/6h",
            // 0.5x never fires on a 30d SLO (1x sits exactly on the slowest ticket threshold): still nothing after 3 days.
            "30d; 0.5; 0; 170; -",
            "30d; 0.5; 0; 4330; -",
            // 28d: factors 13.44 / 5.6 / 2.8 / 0.933333. 14x: page once t > 13.44 x 60 / 14 = 57.6 min.
            "28d; 14; 0; 55; -",
            "28d; 14; 0; 59; page 1h/5m",
            // 6x: page 6h/30m once t > 5.6 x 360 / 6 = 336 min.
            "28d; 6; 0; 330; -",
            "28d; 6; 0; 342; page 6h/30m",
            // 7d: factors 3.36 / 1.4 / 0.7 / 0.233333. 4x: page once t > 3.36 x 60 / 4 = 50.4 min.
            "7d; 4; 0; 48; -",
            "7d; 4; 0; 53; page 1h/5m",
            // 0.5x does fire on a 7d SLO: ticket 3d/6h once t > 0.233333 x 4320 / 0.5 = 2016 min.
            "7d; 0.5; 0; 1990; -",
            "7d; 0.5; 0; 2040; ticket 3d/6h"})
    void alertsFireAsTheTableSays(String window, String burn, int burnMinutes, int evalMinutes, String expected) throws Exception {
        InstrumentedService s = (InstrumentedService) Render.parse(new StringReader("""
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
                """.formatted(window)), "test").get(0);
        Map<String, Object> rulesFile = SloRules.rulesFile(s, PlatformTemplates.none());
        Path rules = tmp.resolve("rules.yaml");
        Files.writeString(rules, Yaml.write(rulesFile));

        double errorsPerMinute = Double.parseDouble(burn) * 0.001 * 1000;
        int burnStart = 3 * 24 * 60;
        int evalAt = burnStart + evalMinutes;
        int rest = evalAt + 10 - burnStart - (burnMinutes == 0 ? 0 : burnMinutes);
        List<double[]> errorSegments = new ArrayList<>();
        List<double[]> okSegments = new ArrayList<>();
        errorSegments.add(new double[] {0, burnStart});
        okSegments.add(new double[] {1000, burnStart});
        if (burnMinutes == 0) {
            errorSegments.add(new double[] {errorsPerMinute, rest});
            okSegments.add(new double[] {1000 - errorsPerMinute, rest});
        } else {
            errorSegments.add(new double[] {errorsPerMinute, burnMinutes});
            okSegments.add(new double[] {1000 - errorsPerMinute, burnMinutes});
            errorSegments.add(new double[] {0, rest});
            okSegments.add(new double[] {1000, rest});
        }
        String errors = counter(errorSegments);
        String ok = counter(okSegments);

        List<Object> alerts = new ArrayList<>();
        if (!expected.equals("-")) {
            for (String a : expected.split("\\|")) {
                String severity = a.split(" ")[0];
                String[] ls = a.split(" ")[1].split("/");
                Map<String, String> labels = new LinkedHashMap<>();
                labels.put("namespace", "shop");
                labels.put("service", "api");
                labels.put("slo", "availability");
                labels.put("severity", severity.equals("page") ? "critical" : "warning");
                labels.put("long_window", ls[0]);
                labels.put("short_window", ls[1]);
                alerts.add(Map.of("exp_labels", labels, "exp_annotations", annotations(rulesFile, ls[0])));
            }
        }
        Map<String, Object> test = Map.of(
                "rule_files", List.of(rules.toString()),
                // Alerts have no "for", so only the evaluation at eval_time matters: evaluating there alone (and at 0)
                // gives the same answer as every minute, without re-reading days of samples thousands of times.
                "evaluation_interval", evalAt + "m",
                "tests", List.of(Map.of(
                        "interval", "1m",
                        "input_series", List.of(
                                Map.of("series", "requests_total{code=\"200\"}", "values", ok),
                                Map.of("series", "requests_total{code=\"500\"}", "values", errors)),
                        "alert_rule_test", List.of(Map.of(
                                "eval_time", evalAt + "m",
                                "alertname", SloRules.ALERT,
                                "exp_alerts", alerts)))));
        Path testFile = tmp.resolve("test.yaml");
        Files.writeString(testFile, Yaml.write(test));
        String promtool = System.getenv().getOrDefault("VIGIL_PROMTOOL", "promtool");
        Process p = new ProcessBuilder(promtool, "test", "rules", testFile.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("promtool test rules:%n%s", out).isZero();
    }

    /**
     * A counter in promtool's expanding notation from (increase per minute, minutes) segments: the first covers
     * minutes 0..n, each next one the n minutes after, continuing from the last value (no repeated sample).
     */
    static String counter(List<double[]> segments) {
        StringBuilder sb = new StringBuilder();
        double value = 0;
        for (int i = 0; i < segments.size(); i++) {
            double rate = segments.get(i)[0];
            int minutes = (int) segments.get(i)[1];
            if (i == 0) {
                sb.append("0+").append(rate).append('x').append(minutes);
            } else {
                sb.append(' ').append(value + rate).append('+').append(rate).append('x').append(minutes - 1);
            }
            value += rate * minutes;
        }
        return sb.toString();
    }

    /** The annotations of the generated alert for one long window (what fires is the subject here, not the text). */
    @SuppressWarnings("unchecked")
    private static Map<String, String> annotations(Map<String, Object> rulesFile, String longWindow) {
        for (Object g : (List<Object>) rulesFile.get("groups")) {
            for (Object r : (List<Object>) ((Map<String, Object>) g).get("rules")) {
                Map<String, Object> rule = (Map<String, Object>) r;
                if (rule.containsKey("alert") && longWindow.equals(((Map<String, String>) rule.get("labels")).get("long_window"))) {
                    return (Map<String, String>) rule.get("annotations");
                }
            }
        }
        throw new AssertionError("no alert for " + longWindow);
    }
}
