package dev.vigil.collector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
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
 * The real OpenTelemetry collector built by e2e/tools/build-tools.sh with the Collector Builder. Its path comes from
 * the VIGIL_OTELCOL environment variable (set by .ci/run); the tests fail, not skip, without it.
 */
public final class RealCollector {
    record Result(int exitCode, String output) {
    }

    private RealCollector() {
    }

    public static Path binary() {
        String path = System.getenv("VIGIL_OTELCOL");
        assertThat(path).as("VIGIL_OTELCOL must point at the collector built by e2e/tools/build-tools.sh otelcol "
                + "(bash .ci/run sets it)").isNotBlank();
        assertThat(Path.of(path)).isExecutable();
        return Path.of(path);
    }

    /** Runs {@code otelcol validate} with the environment a shard pod has. */
    static Result validate(String configYaml, Path workDir) throws IOException, InterruptedException {
        Path file = Files.createTempFile(workDir, "collector", ".yaml");
        Files.writeString(file, configYaml);
        ProcessBuilder pb = new ProcessBuilder(List.of(binary().toString(), "validate", "--config=" + file))
                .redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put(CollectorConfig.SHARD_ENV, "0");
        env.put(CollectorConfig.NODE_NAME_ENV, "node-a");
        env.put(CollectorConfig.OTLP_TOKEN_ENV, "test-token");
        env.put(CollectorConfig.REMOTE_WRITE_TOKEN_ENV, "test-token");
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("collector validate finished").isTrue();
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    /** One resource's logs in a file exporter's output: the resource's string attributes and the OTLP JSON node. */
    public record ExportedLogs(Map<String, String> resource, JsonNode node) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The resources' logs a file exporter (format json) has written to {@code out} so far, in order; none without the file. */
    public static List<ExportedLogs> exportedLogs(Path out) throws IOException {
        List<ExportedLogs> all = new ArrayList<>();
        if (!Files.exists(out)) {
            return all;
        }
        for (String line : Files.readAllLines(out)) {
            if (line.isBlank()) {
                continue;
            }
            for (JsonNode rl : JSON.readTree(line).path("resourceLogs")) {
                Map<String, String> resource = new LinkedHashMap<>();
                for (JsonNode kv : rl.path("resource").path("attributes")) {
                    resource.put(kv.get("key").asText(), kv.get("value").path("stringValue").asText());
                }
                all.add(new ExportedLogs(resource, rl));
            }
        }
        return all;
    }
}
