package dev.vigil.collector;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.collector.config.ComponentKind;
import dev.vigil.collector.config.ComponentType;
import dev.vigil.render.GoldenFiles;
import dev.vigil.serialization.Yaml;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The components Vigil's config contributions use are exactly those of the collector distribution it builds and
 * deploys (the Collector Builder manifest e2e/tools/otelcol-builder.yaml): a contribution that starts using a
 * component the distribution lacks would make every fleet's collectors refuse to start.
 */
class CollectorComponentsTest {
    @Test
    void theDistributionHasExactlyTheComponentsTheContributionsUse() throws Exception {
        String manifest = Files.readString(GoldenFiles.repoRoot().resolve("e2e/tools/otelcol-builder.yaml"))
                .replaceAll("@[A-Z]+@", "x");
        JsonNode doc = Yaml.MAPPER.readTree(manifest);
        Map<String, Set<String>> distributed = new TreeMap<>();
        for (ComponentKind kind : ComponentKind.values()) {
            Set<String> modules = new TreeSet<>();
            doc.path(kind.section()).forEach(c -> modules.add(c.path("gomod").asText().split(" ")[0]));
            distributed.put(kind.section(), modules);
        }
        Map<String, Set<String>> used = new TreeMap<>();
        for (ComponentKind kind : ComponentKind.values()) {
            used.put(kind.section(), CollectorConfig.components().stream().filter(t -> t.kind() == kind)
                    .map(ComponentType::module).collect(Collectors.toCollection(TreeSet::new)));
        }
        assertThat(distributed.get("receivers")).isNotEmpty();
        assertThat(used).isEqualTo(distributed);
    }

    @Test
    void theValidatorAcceptsExactlyTheseComponentTypes() {
        for (ComponentKind kind : ComponentKind.values()) {
            Set<String> types = CollectorConfig.components().stream().filter(t -> t.kind() == kind)
                    .map(ComponentType::type).collect(Collectors.toSet());
            assertThat(CollectorConfigValidator.COMPONENTS.get(kind.section())).as(kind.section()).isEqualTo(types);
        }
    }
}
