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
