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
}
