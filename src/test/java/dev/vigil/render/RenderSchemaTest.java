package dev.vigil.render;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The offline render checks the CRD schema as the apiserver does: every case of e2e/bad-input (the corpus the
 * real apiserver rejects in the e2e suite) that the schema alone rules out is rejected by the render too, with
 * the message the e2e suite expects from the apiserver. The cases only a CEL rule catches are listed: the render
 * does not evaluate CEL, and this test says so by expecting them to pass.
 */
class RenderSchemaTest {
    static final Set<String> CEL_ONLY = Set.of(
            "tc-remote-write-ftp", "tc-remote-write-not-url", "tc-prometheus-url-file",
            "is-slo-objective-100", "is-slo-objective-0", "is-slo-objective-negative", "is-slo-objective-words",
            "is-slo-window-1y", "is-slo-window-6d", "is-slo-window-91d",
            "is-slo-both-indicators", "is-slo-no-indicator-kind", "is-slo-errors-and-good",
            "is-slo-duplicate-names", "is-slo-query-without-window", "is-slo-template-and-indicator",
            "is-slo-no-indicator-no-template", "is-slo-two-templates", "is-slo-template-threshold-zero",
            "is-slo-window-year", "is-slo-min-event-rate-negative", "is-slo-absent-for-a-year", "is-pool-duplicate-names",
            "is-pool-min-greater-than-max", "is-pool-initial-outside", "is-pool-interval-too-short",
            "is-pool-env-without-container", "is-sampling-fixed-without-ratio", "is-sampling-adaptive-without-target",
            "is-sampling-interval-too-short", "is-sampling-min-above-max", "is-sampling-start-outside-bounds",
            "tc-agent-with-shards",
            "tc-agent-with-remote-write", "tc-agent-settings-on-shards", "tc-agent-statedir-dotdot",
            "lpr-steps-without-samples", "lpr-rename-and-drop", "lpr-rename-twice",
            "lpr-trace-context-empty", "tc-agent-default-rule-without-samples",
            "tc-node-groups-label-value-without-by-label", "tc-node-groups-attribute-key",
            "tc-node-groups-duplicate-override", "tc-node-groups-exporter-token");

    /** CEL-only cases about log parser rules that the offline render refuses too, as the operator would (RuleCheck). */
    static final Set<String> RULE_CHECKED = Set.of(
            "lpr-no-selection", "lpr-both-selections", "lpr-step-two-kinds", "lpr-step-empty",
            "lpr-regex-without-named-group", "lpr-epoch-bad-layout", "lpr-strptime-digits",
            "lpr-strptime-unknown-directive", "lpr-same-delimiters", "lpr-nothing-to-do");

    /** CEL-only cases about SLOs: the offline render refuses them too, as the operator would (InvalidSLO). */
    static final Set<String> SLO_SHAPE = Set.of(
            "is-slo-objective-100", "is-slo-objective-0", "is-slo-objective-negative", "is-slo-objective-words",
            "is-slo-window-1y", "is-slo-window-6d", "is-slo-window-91d",
            "is-slo-both-indicators", "is-slo-no-indicator-kind", "is-slo-errors-and-good",
            "is-slo-duplicate-names", "is-slo-query-without-window", "is-slo-template-and-indicator",
            "is-slo-no-indicator-no-template", "is-slo-two-templates", "is-slo-template-threshold-zero",
            "is-slo-window-year", "is-slo-min-event-rate-negative", "is-slo-absent-for-a-year");

    static Stream<Path> corpus() throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.list(GoldenFiles.repoRoot().resolve("e2e/bad-input"))) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(30);
        return files.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void schemaErrorsAreCaughtOffline(Path file) throws Exception {
        String name = file.getFileName().toString().replace(".yaml", "");
        String expect = Files.readAllLines(file).get(0).replace("# expect: ", "");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = RenderCommand.run(new String[] {"--crds", GoldenFiles.repoRoot().resolve("crds").toString(), file.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String stderr = err.toString(StandardCharsets.UTF_8);
        if (SLO_SHAPE.contains(name)) {
            // CEL rules the render does not evaluate, but which the SLO rule builder checks itself.
            assertThat(code).as("render of %s%n%s", name, stderr).isEqualTo(1);
            assertThat(stderr).contains("Ready=False (InvalidSLO)", expect);
        } else if (RULE_CHECKED.contains(name)) {
            assertThat(code).as("render of %s%n%s", name, stderr).isEqualTo(1);
            assertThat(stderr).contains("LogParserRule default/", "Ready=False (InvalidRule)");
        } else if (CEL_ONLY.contains(name)) {
            assertThat(code).as("%s needs a CEL rule, which only the apiserver evaluates:%n%s", name, stderr).isZero();
        } else {
            assertThat(code).as("render of %s%n%s", name, stderr).isEqualTo(1);
            assertThat(stderr).contains(expect);
            assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void theExamplesPassTheSchema(Path file) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = RenderCommand.run(new String[] {"--crds", GoldenFiles.repoRoot().resolve("crds").toString(), file.toString()},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    }

    static Stream<Path> examples() throws Exception {
        try (Stream<Path> s = Files.list(GoldenFiles.repoRoot().resolve("examples"))) {
            return s.sorted().toList().stream();
        }
    }
}
