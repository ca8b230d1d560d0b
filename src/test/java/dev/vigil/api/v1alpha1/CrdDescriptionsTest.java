package dev.vigil.api.v1alpha1;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.render.GoldenFiles;
import dev.vigil.serialization.Yaml;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kubectl explain} has something to say about every field of both kinds, the embedded Kubernetes types'
 * fields included (checked on the committed CRDs, which generated.sh keeps equal to a fresh build).
 */
class CrdDescriptionsTest {
    @Test
    void everyFieldOfTheCommittedCrdsHasADescription() throws IOException {
        List<String> missing = new ArrayList<>();
        int fields = 0;
        try (Stream<Path> crds = Files.list(GoldenFiles.repoRoot().resolve("crds"))) {
            for (Path crd : crds.sorted().toList()) {
                JsonNode schema = Yaml.MAPPER.readTree(crd.toFile()).path("spec").path("versions").path(0)
                        .path("schema").path("openAPIV3Schema");
                fields += walk(schema, crd.getFileName() + ":", missing);
            }
        }
        assertThat(fields).isGreaterThan(150);
        assertThat(missing).as("fields without a description").isEmpty();
    }

    private static int walk(JsonNode node, String path, List<String> missing) {
        int n = 0;
        for (var e : node.path("properties").properties()) {
            String p = path + "." + e.getKey();
            if (!p.endsWith(":.apiVersion") && !p.endsWith(":.kind") && !p.endsWith(":.metadata")
                    && !e.getValue().hasNonNull("description")) {
                missing.add(p);
            }
            n += 1 + walk(e.getValue(), p, missing);
        }
        if (node.has("items")) {
            n += walk(node.get("items"), path + "[]", missing);
        }
        return n;
    }
}
