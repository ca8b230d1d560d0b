package dev.vigil.slo;

import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.render.GoldenFiles;
import dev.vigil.render.Render;
import dev.vigil.serialization.Yaml;
import io.fabric8.kubernetes.api.model.HasMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The rules generated for every example service: golden files, and accepted by the real promtool. */
class SloRulesTest {
    @TempDir
    Path tmp;

    static List<InstrumentedService> exampleServices() throws Exception {
        List<InstrumentedService> out = new ArrayList<>();
        try (Reader r = Files.newBufferedReader(GoldenFiles.repoRoot().resolve("examples/20-instrumentedservices.yaml"))) {
            for (HasMetadata h : Render.parse(r, "examples")) {
                out.add((InstrumentedService) h);
            }
        }
        return out;
    }

    @Test
    void rulesMatchGoldenFilesAndPassPromtool() throws Exception {
        List<InstrumentedService> services = exampleServices();
        assertThat(services).isNotEmpty();
        for (InstrumentedService s : services) {
            String yaml = Yaml.write(SloRules.rulesFile(s, PlatformTemplates.none()));
            GoldenFiles.assertMatches(GoldenFiles.repoRoot().resolve("src/test/resources/golden-slo/" + s.getMetadata().getName()
                    + ".rules.yaml"), yaml);
            Path file = tmp.resolve(s.getMetadata().getName() + ".rules.yaml");
            Files.writeString(file, yaml);
            String promtool = System.getenv().getOrDefault("VIGIL_PROMTOOL", "promtool");
            Process p = new ProcessBuilder(promtool, "check", "rules", file.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("promtool check rules %s:%n%s", file, out).isZero();
            // Per SLO 8 recorded error ratios (7 windows + the SLO window), 4 burn alerts and the absent-SLI alert;
            // and the events of each burn alert's long window where a minimum event rate applies.
            int rules = s.getSpec().slos.stream().mapToInt(slo -> 13 + ResolvedSlo.of(s, slo, PlatformTemplates.none()).minEventRates().size()).sum();
            assertThat(out).contains("SUCCESS: " + rules + " rules found");
        }
    }

    @Test
    void thresholdsAreFactorTimesBudgetExactly() throws Exception {
        InstrumentedService checkout = exampleServices().stream().filter(s -> s.getMetadata().getName().equals("checkout"))
                .findFirst().orElseThrow();
        String yaml = Yaml.write(SloRules.rulesFile(checkout, PlatformTemplates.none()));
        // availability: 99.9 over 30d -> budget 0.001; thresholds 0.0144, 0.006, 0.003, 0.001.
        assertThat(yaml).contains("vigil:slo_error_ratio:rate1h{namespace=\"default\",service=\"checkout\",slo=\"availability\"} > 0.0144",
                "> 0.006\n", "> 0.003\n", "> 0.001\n");
        // latency: 99 over 28d -> budget 0.01; factors 13.44, 5.6, 2.8, 0.933333.
        assertThat(yaml).contains("> 0.1344\n", "> 0.056\n", "> 0.028\n", "> 0.00933333\n");
        assertThat(yaml).doesNotContain("0.0009999", "00000001");
    }
}
