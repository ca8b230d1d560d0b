package dev.vigil.collector;

import dev.vigil.serialization.Yaml;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CollectorConfigValidatorTest {
    private static final String BASE = """
            receivers: {otlp: {}}
            exporters: {debug: {}}
            service: {pipelines: {traces: {receivers: [otlp], exporters: [debug]}}}
            """;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            valid base config                 | {}                                                          | ''
            unknown section                   | {exporterz: {}}                                             | exporterz: unknown top-level section
            unknown receiver type             | {receivers: {jaeger: {}}}                                   | receivers.jaeger: component type "jaeger" is not in the collector Vigil deploys
            named component of known type     | {exporters: {debug/two: {}}}                                | ''
            bad component id                  | {exporters: {'Debug Two': {}}}                              | exporters.Debug Two: not a valid component id
            settings not a map                | {exporters: {debug: [1]}}                                   | exporters.debug: settings must be a map
            undefined exporter in pipeline    | {service: {pipelines: {traces: {exporters: [otlp]}}}}       | service.pipelines.traces.exporters: references "otlp", which is not defined in exporters
            wrong pipeline type               | {service: {pipelines: {spans: {receivers: [otlp], exporters: [debug]}}}} | service.pipelines.spans: pipeline type must be traces, metrics or logs
            empty receivers                   | {service: {pipelines: {traces: {receivers: []}}}}           | service.pipelines.traces.receivers: at least one is required
            receivers not a list              | {service: {pipelines: {traces: {receivers: otlp}}}}         | service.pipelines.traces.receivers: must be a list
            undefined extension               | {service: {extensions: [zpages]}}                           | service.extensions: references "zpages", which is not defined in extensions
            no pipelines                      | {service: {pipelines: null}}                                | service.pipelines: at least one pipeline is required
            """)
    @SuppressWarnings("unchecked")
    void table(String name, String fragment, String expectedProblem) throws Exception {
        Map<String, Object> base = Yaml.MAPPER.readValue(BASE, Map.class);
        Map<String, Object> merged = CollectorConfig.merge(base, Yaml.MAPPER.readValue(fragment, Map.class));
        var problems = CollectorConfigValidator.validate(merged);
        if (expectedProblem.isEmpty()) {
            assertThat(problems).isEmpty();
        } else {
            assertThat(problems).anySatisfy(p -> assertThat(p).startsWith(expectedProblem));
        }
    }
}
