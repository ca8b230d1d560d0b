package dev.vigil.kube;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Matching Vigil's ConfigMaps against the informer's digested copies, and what those copies keep. */
class ConfigMapsTest {
    private static ConfigMap cm(Map<String, String> data) {
        return new ConfigMapBuilder().withNewMetadata().withName("svc-dashboard").withNamespace("ns")
                .withResourceVersion("42").addToLabels("app.kubernetes.io/component", "dashboard")
                .addToAnnotations("grafana_folder", "Vigil")
                .withManagedFields(new ManagedFieldsEntryBuilder().withManager("vigil").withOperation("Update").build())
                .endMetadata().withData(data).build();
    }

    @Test
    void theCacheKeepsMetadataAndDigestsNotBodies() {
        String json = "{\"panels\":[" + "{\"title\":\"p\"},".repeat(25_000) + "{}]}";
        ConfigMap full = cm(Map.of("ns-svc.json", json));
        ConfigMap cached = ConfigMaps.digested(full);
        assertThat(json.length()).isGreaterThan(300_000);
        assertThat(cached.getData().get("ns-svc.json")).startsWith(ConfigMaps.DIGEST_PREFIX).hasSizeLessThan(80);
        assertThat(cached.getMetadata().getManagedFields()).isNull();
        assertThat(cached.getMetadata().getResourceVersion()).isEqualTo("42");
        assertThat(cached.getMetadata().getLabels()).isEqualTo(full.getMetadata().getLabels());
        assertThat(cached.getMetadata().getAnnotations()).isEqualTo(full.getMetadata().getAnnotations());
        // the object it came from is left as it was
        assertThat(full.getData().get("ns-svc.json")).isEqualTo(json);
        assertThat(full.getMetadata().getManagedFields()).hasSize(1);
    }

    @Test
    void aDigestedCopyMatchesItsOwnDataAndNothingElse() {
        ConfigMap desired = cm(Map.of("a", "one", "b", "two"));
        assertThat(ConfigMaps.same(ConfigMaps.digested(desired), desired)).isTrue();
        // the whole object, as an update returns it into JOSDK's temporary cache, matches too
        assertThat(ConfigMaps.same(desired, desired)).isTrue();
        assertThat(ConfigMaps.same(ConfigMaps.digested(cm(Map.of("a", "one", "b", "2"))), desired)).as("a changed value").isFalse();
        assertThat(ConfigMaps.same(ConfigMaps.digested(cm(Map.of("a", "one"))), desired)).as("a missing key").isFalse();
        assertThat(ConfigMaps.same(ConfigMaps.digested(cm(Map.of("a", "one", "b", "two", "c", "3"))), desired))
                .as("a key the desired state no longer has").isFalse();
        // a value that only looks like a digest of something else
        assertThat(ConfigMaps.same(cm(Map.of("a", ConfigMaps.digest("x"), "b", "two")), desired)).isFalse();
    }

    @Test
    void labelsAndAnnotationsVigilSetsMustBeThere() {
        ConfigMap desired = cm(Map.of("a", "one"));
        ConfigMap noFolder = ConfigMaps.digested(desired);
        noFolder.getMetadata().setAnnotations(Map.of());
        assertThat(ConfigMaps.same(noFolder, desired)).isFalse();
        ConfigMap extraLabel = ConfigMaps.digested(desired);
        extraLabel.getMetadata().setLabels(Map.of("app.kubernetes.io/component", "dashboard", "team", "x"));
        assertThat(ConfigMaps.same(extraLabel, desired)).as("labels others add are tolerated").isTrue();
    }
}
