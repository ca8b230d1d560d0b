package dev.vigil.render;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class RenderCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return RenderCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void rendersTheExamplesDirectory() {
        assertThat(run(GoldenFiles.repoRoot().resolve("examples").toString())).isZero();
        String yaml = out.toString(StandardCharsets.UTF_8);
        assertThat(yaml).contains("kind: StatefulSet", "name: platform-collector", "replicas: 3",
                "kind: PodDisruptionBudget", "http_sd_configs", "/sd/v1/default/platform/${env:VIGIL_SHARD}");
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void anInvalidFragmentFailsWithTheOperatorsMessage(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, """
                apiVersion: vigil.dev/v1alpha1
                kind: TelemetryCollector
                metadata: {name: bad, namespace: obs}
                spec:
                  config:
                    exporters:
                      kafka: {brokers: [kafka:9092]}
                    service:
                      pipelines:
                        metrics: {exporters: [kafka]}
                """);
        assertThat(run(file.toString())).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(
                "error: TelemetryCollector obs/bad: ConfigValid=False: exporters.kafka: component type \"kafka\" is not in the collector Vigil deploys");
    }

    @Test
    void logOperatorsShowWhatEachRuleBecomesOnTheAgents() {
        assertThat(run("--log-operators", GoldenFiles.repoRoot().resolve("examples").toString())).isZero();
        String yaml = out.toString(StandardCharsets.UTF_8);
        assertThat(yaml).startsWith("default/node-logs:").contains("id: svc-default-checkout",
                "id: lpr/default/checkout-access-log/step-1", "type: regex_parser", "type: time_parser",
                "type: trace_parser", "id: lpr/default/cart-json/step-1", "type: json_parser",
                "id: lpr/default/checkout-access-log/rename-client", "type: move",
                "id: lpr/default/cart-json/drop-@timestamp", "type: remove");
        // cart-json selects pods by label: the cart StatefulSet's, by their names.
        assertThat(yaml).contains("^cart-[0-9]+$");
    }

    @Test
    void aRuleWhoseSampleFailsIsRefusedOfflineWithTheSampleAndTheDifference(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("rule.yaml");
        Files.writeString(file, """
                apiVersion: vigil.dev/v1alpha1
                kind: LogParserRule
                metadata: {name: kv, namespace: shop}
                spec:
                  serviceRef: {name: web}
                  steps: [{keyValue: {}}]
                  samples: [{line: "a=1 b=2", attributes: {a: "1", b: "3"}}]
                """);
        assertThat(run(file.toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("error: LogParserRule shop/kv: Ready=False "
                + "(SampleMismatch): sample 1 \"a=1 b=2\": attribute b: expected \"3\", got \"2\"");
    }

    @Test
    void aMissingFileIsAUsageError() {
        assertThat(run("/nonexistent/vigil.yaml")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no such file or directory");
    }

    @Test
    void malformedYamlNamesTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("broken.yaml");
        Files.writeString(file, "apiVersion: vigil.dev/v1alpha1\nkind: TelemetryCollector\nspec:\n  shards: [1\n");
        assertThat(run(file.toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("broken.yaml");
    }

    @Test
    void aSettingsFileChangesWhatIsRenderedAsItWouldTheOperator(@TempDir Path dir) throws Exception {
        Path settings = dir.resolve("vigil.properties");
        Files.writeString(settings, """
                # the chart's VIGIL_SD_BASE_URL and VIGIL_SLO_RULES_CONFIGMAP_LABELS, as properties
                vigil.sd.base-url=http://vigil.observability.svc:8080/
                vigil.slo.rules-configmap-labels=prometheus=main
                """);
        assertThat(run("--settings", settings.toString(), GoldenFiles.repoRoot().resolve("examples").toString())).isZero();
        String yaml = out.toString(StandardCharsets.UTF_8);
        assertThat(yaml).contains("http://vigil.observability.svc:8080/sd/v1/default/platform/${env:VIGIL_SHARD}",
                "prometheus: main").doesNotContain("vigil.vigil-system.svc", "vigil.dev/prometheus-rules");
    }

    @Test
    void aSettingsFileWithAnUnknownOrMalformedSettingIsRefused(@TempDir Path dir) throws Exception {
        Path typo = dir.resolve("typo.properties");
        Files.writeString(typo, "vigil.slo.measure-intervall=30s\n");
        assertThat(run("--settings", typo.toString(), GoldenFiles.repoRoot().resolve("examples").toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("typo.properties", "vigil.slo.measure-intervall");
        err.reset();
        Path bad = dir.resolve("bad.properties");
        Files.writeString(bad, "vigil.slo.measure-interval=soon\n");
        assertThat(run("--settings", bad.toString(), GoldenFiles.repoRoot().resolve("examples").toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("bad.properties", "vigil.slo.measure-interval");
        err.reset();
        Path foreign = dir.resolve("foreign.properties");
        Files.writeString(foreign, "quarkus.http.port=9\n");
        assertThat(run("--settings", foreign.toString(), GoldenFiles.repoRoot().resolve("examples").toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("quarkus.http.port is not a Vigil setting");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }
}
