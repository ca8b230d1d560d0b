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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * promtool test rules on synthetic series: after four clean days, errors start at a constant multiple of the
 * budget rate. A 15x burn on a 99.9% / 30d SLO must fire the page alert (14.4x over 1h and 5m) only once the 1h
 * window has caught up (the 1h error ratio passes 14.4/15 of the burn after 57.6 minutes), and not before; a
 * 0.5x burn fires nothing.
 */
class SloAlertsPromtoolTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}x burn")
    @CsvSource({
            // burn, minutes after the burn starts to evaluate, expected page alert (1h/5m) firing
            "15, 50, false",
            "15, 62, true",
            "0.5, 170, false"})
    void pageAlertTiming(String burn, int minutesAfterBurn, boolean firing) throws Exception {
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
                      window: 30d
                      indicator:
                        ratio:
                          errors: sum(rate(requests_total{code="500"}[$window]))
                          total: sum(rate(requests_total[$window]))
                """), "test").get(0);
        Path rules = tmp.resolve("rules.yaml");
        Files.writeString(rules, Yaml.write(SloRules.rulesFile(s)));
        // 1000 requests per minute throughout; errors: none for four days (so the 1d and 3d windows stay clean),
        // then burn x 0.001 x 1000 per minute.
        double errorsPerMinute = Double.parseDouble(burn) * 0.001 * 1000;
        int burnStart = 4 * 24 * 60;
        int evalAt = burnStart + minutesAfterBurn;
        int samples = evalAt + 10;
        List<Object> alerts = new ArrayList<>();
        if (firing) {
            alerts.add(Map.of(
                    "exp_labels", Map.of("namespace", "shop", "service", "api", "slo", "availability",
                            "severity", "critical", "long_window", "1h", "short_window", "5m"),
                    "exp_annotations", Map.of(
                            "summary", "SLO availability of shop/api burns its 30d error budget 14.4x too fast (2% of the budget in 1h)",
                            "burn_rate_factor", "14.4")));
        }
        Map<String, Object> test = Map.of(
                "rule_files", List.of(rules.toString()),
                "evaluation_interval", "1m",
                "tests", List.of(Map.of(
                        "interval", "1m",
                        "input_series", List.of(
                                Map.of("series", "requests_total{code=\"200\"}",
                                        "values", "0+" + (1000 - errorsPerMinute) + "x" + samples),
                                Map.of("series", "requests_total{code=\"500\"}",
                                        "values", "0+0x" + burnStart + " 0+" + errorsPerMinute + "x" + (samples - burnStart))),
                        "alert_rule_test", List.of(Map.of(
                                "eval_time", evalAt + "m",
                                "alertname", "VigilSLOErrorBudgetBurn",
                                "exp_alerts", alerts)))));
        Path testFile = tmp.resolve("test.yaml");
        Files.writeString(testFile, Yaml.write(test));
        String promtool = System.getenv().getOrDefault("VIGIL_PROMTOOL", "promtool");
        Process p = new ProcessBuilder(promtool, "test", "rules", testFile.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("promtool test rules:%n%s", out).isZero();
    }
}
