package dev.vigil.collector;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.config.CollectorSettings;
import dev.vigil.render.GoldenFiles;
import dev.vigil.render.Render;
import dev.vigil.serialization.Yaml;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configs Vigil generates are accepted by the real collector, and the operator's own check agrees with the real
 * collector on a corpus of user fragments: what it rejects the collector rejects, what it accepts the collector
 * accepts.
 */
class RealCollectorValidateTest {
    @TempDir
    Path tmp;

    static Stream<Arguments> generatedConfigs() throws Exception {
        List<Arguments> out = new ArrayList<>();
        List<Path> inputs = new ArrayList<>();
        for (String c : GoldenFiles.cases()) {
            inputs.add(GoldenFiles.ROOT.resolve(c).resolve("input.yaml"));
        }
        try (Stream<Path> ex = Files.list(GoldenFiles.repoRoot().resolve("examples"))) {
            inputs.add(null); // marker: all examples together, as a user applies them
            List<HasMetadata> all = new ArrayList<>();
            for (Path p : ex.sorted().toList()) {
                try (Reader r = Files.newBufferedReader(p)) {
                    all.addAll(Render.parse(r, p.toString()));
                }
            }
            addConfigs(out, "examples", all);
        }
        for (Path p : inputs) {
            if (p == null) {
                continue;
            }
            try (Reader r = Files.newBufferedReader(p)) {
                addConfigs(out, p.getParent().getFileName().toString(), Render.parse(r, p.toString()));
            }
        }
        return out.stream();
    }

    private static void addConfigs(List<Arguments> out, String name, List<HasMetadata> inputs) {
        Render.Result result = Render.render(inputs);
        assertThat(result.errors()).isEmpty();
        result.objects().stream().filter(o -> o instanceof ConfigMap).map(o -> (ConfigMap) o)
                .filter(cm -> cm.getData().containsKey(CollectorConfigMap.KEY)).forEach(cm ->
                out.add(Arguments.of(name + ":" + cm.getMetadata().getName(), cm.getData().get(CollectorConfigMap.KEY))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("generatedConfigs")
    void realCollectorAcceptsGeneratedConfig(String name, String yaml) throws Exception {
        RealCollector.Result r = RealCollector.validate(yaml, tmp);
        assertThat(r.exitCode()).as("otelcol validate of %s said:%n%s", name, r.output()).isZero();
    }

    static Stream<Arguments> fragments() {
        return Stream.of(
                // accepted by both
                Arguments.of("batch override", true, """
                        processors: {batch: {send_batch_size: 1024, timeout: 2s}}
                        """),
                Arguments.of("extra debug pipeline", true, """
                        exporters: {debug/detailed: {verbosity: detailed}}
                        service:
                          pipelines:
                            metrics/extra: {receivers: [otlp], processors: [batch], exporters: [debug/detailed]}
                        """),
                Arguments.of("file exporter for traces", true, """
                        exporters: {file: {path: /tmp/traces.json}}
                        service: {pipelines: {traces: {receivers: [otlp], exporters: [file]}}}
                        """),
                // rejected by both
                Arguments.of("component type not in the distribution", false, """
                        exporters: {kafka: {brokers: ["kafka:9092"]}}
                        service: {pipelines: {metrics: {exporters: [kafka]}}}
                        """),
                Arguments.of("pipeline names an undefined exporter", false, """
                        service: {pipelines: {traces: {exporters: [otlp/missing]}}}
                        """),
                Arguments.of("pipeline names an undefined processor", false, """
                        service: {pipelines: {metrics: {processors: [filter]}}}
                        """),
                Arguments.of("unknown top-level section", false, """
                        exporter: {debug: {}}
                        """),
                Arguments.of("pipeline without receivers", false, """
                        service: {pipelines: {traces: {receivers: []}}}
                        """),
                Arguments.of("undefined extension", false, """
                        service: {extensions: [health_check, pprof]}
                        """));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fragments")
    void operatorCheckAgreesWithRealCollector(String name, boolean valid, String fragmentYaml) throws Exception {
        TelemetryCollector fleet = new TelemetryCollector();
        fleet.setMetadata(new ObjectMetaBuilder().withName("fleet").withNamespace("obs").build());
        fleet.getSpec().config = Yaml.MAPPER.readValue(fragmentYaml, JsonNode.class);

        FleetPlanner.Outcome outcome = FleetPlanner.plan(fleet, 0, CollectorSettings.defaults());
        // What the real collector says of the same merged config, whatever the operator decided.
        String merged = Yaml.write(CollectorConfig.withFragment(CollectorConfig.generate(fleet, CollectorSettings.defaults()),
                Yaml.MAPPER.convertValue(fleet.getSpec().config, java.util.Map.class)));
        RealCollector.Result real = RealCollector.validate(merged, tmp);

        assertThat(outcome.valid()).as("operator verdict on %s: %s", name, outcome.problems()).isEqualTo(valid);
        assertThat(real.exitCode() == 0).as("real collector verdict on %s:%n%s", name, real.output()).isEqualTo(valid);
    }
}
