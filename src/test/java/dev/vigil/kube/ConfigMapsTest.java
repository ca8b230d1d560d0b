package dev.vigil.kube;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.FieldsV1;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Matching Vigil's ConfigMaps against the informer's digested copies, and what those copies keep. */
class ConfigMapsTest {
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private static ConfigMap cm(Map<String, String> data) {
        return new ConfigMapBuilder().withNewMetadata().withName("svc-dashboard").withNamespace("ns")
                .withResourceVersion("42").addToLabels("app.kubernetes.io/component", "dashboard")
                .addToAnnotations("grafana_folder", "Vigil")
                .withManagedFields(new ManagedFieldsEntryBuilder().withManager("vigil").withOperation("Update").build())
                .endMetadata().withData(data).build();
    }

    /** A ConfigMap as Vigil wrote it (with the digest), as a metadata-only answer brings it, with these writers. */
    private static ConfigMap metadataAnswer(Map<String, String> data, ManagedFieldsEntry... writers) {
        ConfigMap written = ConfigMaps.toWrite(cm(data));
        var metadata = new io.fabric8.kubernetes.api.model.ObjectMetaBuilder(written.getMetadata()).withManagedFields(writers).build();
        String json = SERIALIZATION.asJson(Map.of("kind", "PartialObjectMetadata", "apiVersion", "meta.k8s.io/v1", "metadata", metadata));
        assertThat(json).doesNotContain("\"data\"");
        // What Fabric8's watch does with an event whose object is not of the informer's type: a generic resource
        // (Fabric8 has no PartialObjectMetadata class), converted to the informer's type.
        Object event = SERIALIZATION.unmarshal(json);
        assertThat(event).isInstanceOf(io.fabric8.kubernetes.api.model.GenericKubernetesResource.class);
        ConfigMap read = SERIALIZATION.convertValue(event, ConfigMap.class);
        // Fabric8's ConfigMap has empty data, as a ConfigMap with no keys would: only the kind tells them apart.
        assertThat(read.getKind()).isEqualTo("PartialObjectMetadata");
        assertThat(read.getData()).isEmpty();
        assertThat(SERIALIZATION.unmarshal(json, ConfigMap.class).getKind()).as("a list's item, a write's answer")
                .isEqualTo("PartialObjectMetadata");
        return read;
    }

    private static ManagedFieldsEntry writer(String manager, boolean digest, String... dataKeys) {
        Map<String, Object> data = new java.util.LinkedHashMap<>();
        for (String k : dataKeys) {
            data.put("f:" + k, Map.of());
        }
        FieldsV1 fields = new FieldsV1();
        fields.setAdditionalProperty("f:data", data);
        if (digest) {
            fields.setAdditionalProperty("f:metadata", Map.of("f:annotations", Map.of("f:" + ConfigMaps.DATA_DIGEST, Map.of())));
        }
        return new ManagedFieldsEntryBuilder().withManager(manager).withOperation("Update").withFieldsV1(fields).build();
    }

    @Test
    void theCacheKeepsMetadataAndTheDataDigestNotBodies() {
        String json = "{\"panels\":[" + "{\"title\":\"p\"},".repeat(25_000) + "{}]}";
        ConfigMap full = cm(Map.of("ns-svc.json", json));
        ConfigMap cached = ConfigMaps.digested(full);
        assertThat(json.length()).isGreaterThan(300_000);
        assertThat(cached.getData()).isNull();
        assertThat(cached.getMetadata().getAnnotations().get(ConfigMaps.DATA_DIGEST)).startsWith("sha256:").hasSizeLessThan(60);
        assertThat(cached.getMetadata().getManagedFields()).isNull();
        assertThat(cached.getMetadata().getResourceVersion()).isEqualTo("42");
        assertThat(cached.getMetadata().getLabels()).isEqualTo(full.getMetadata().getLabels());
        assertThat(cached.getMetadata().getAnnotations()).containsEntry("grafana_folder", "Vigil");
        // the object it came from is left as it was
        assertThat(full.getData().get("ns-svc.json")).isEqualTo(json);
        assertThat(full.getMetadata().getManagedFields()).hasSize(1);
        assertThat(full.getMetadata().getAnnotations()).doesNotContainKey(ConfigMaps.DATA_DIGEST);
    }

    @Test
    void aDigestedCopyMatchesItsOwnDataAndNothingElse() {
        ConfigMap desired = cm(Map.of("a", "one", "b", "two"));
        assertThat(ConfigMaps.same(ConfigMaps.digested(desired), desired)).isTrue();
        assertThat(ConfigMaps.same(ConfigMaps.digested(cm(Map.of("a", "one", "b", "2"))), desired)).as("a changed value").isFalse();
        assertThat(ConfigMaps.same(ConfigMaps.digested(cm(Map.of("a", "one"))), desired)).as("a missing key").isFalse();
        assertThat(ConfigMaps.same(ConfigMaps.digested(cm(Map.of("a", "one", "b", "two", "c", "3"))), desired))
                .as("a key the desired state no longer has").isFalse();
        assertThat(ConfigMaps.same(ConfigMaps.digested(cm(Map.of("a", "on", "b", "etwo"))), desired))
                .as("the same characters split differently").isFalse();
        // a stored digest annotation is not believed when the data itself came along: a hand edit of the data shows
        ConfigMap edited = ConfigMaps.toWrite(cm(Map.of("a", "one", "b", "two")));
        edited.getData().put("b", "hand edit");
        assertThat(ConfigMaps.same(ConfigMaps.digested(edited), desired)).isFalse();
    }

    @Test
    void aMetadataAnswerMatchesByTheDigestVigilWrote() {
        ConfigMap desired = cm(Map.of("a", "one", "b", "two"));
        ConfigMap cached = ConfigMaps.digested(metadataAnswer(desired.getData(), writer("vigil", true, "a", "b")));
        assertThat(cached.getKind()).isEqualTo("ConfigMap");
        assertThat(cached.getApiVersion()).isEqualTo("v1");
        assertThat(cached.getData()).isNull();
        assertThat(cached.getMetadata().getResourceVersion()).isEqualTo("42");
        assertThat(ConfigMaps.same(cached, desired)).isTrue();
        assertThat(ConfigMaps.same(cached, cm(Map.of("a", "one", "b", "three")))).isFalse();
        // an old Vigil's ConfigMap (no digest) is written once more
        ConfigMap old = ConfigMaps.digested(metadataAnswer(desired.getData(), writer("vigil", true, "a", "b")));
        old.getMetadata().getAnnotations().remove(ConfigMaps.DATA_DIGEST);
        assertThat(ConfigMaps.same(old, desired)).isFalse();
        // a whole ConfigMap with no data is not taken for a metadata answer
        ConfigMap empty = ConfigMaps.toWrite(cm(Map.of("a", "one")));
        empty.setData(null);
        assertThat(ConfigMaps.same(ConfigMaps.digested(empty), cm(Map.of("a", "one")))).isFalse();
        assertThat(ConfigMaps.same(ConfigMaps.digested(empty), cm(Map.of()))).isTrue();
    }

    @Test
    void anotherWriterOfTheDataIsSeenInManagedFields() {
        ConfigMap desired = cm(Map.of("a", "one", "b", "two"));
        // kubectl edit/patch of key b: its entry owns f:data.f:b and not the digest Vigil wrote
        ConfigMap cached = ConfigMaps.digested(metadataAnswer(desired.getData(),
                writer("vigil", true, "a"), writer("kubectl-patch", false, "b")));
        assertThat(ConfigMaps.editedBy(cached)).isEqualTo("kubectl-patch");
        assertThat(ConfigMaps.sameData(cached, desired)).isTrue();
        assertThat(ConfigMaps.same(cached, desired)).isFalse();
        // Vigil's write-back takes the field back; the mark is the cache's own and is never written
        ConfigMap back = ConfigMaps.digested(metadataAnswer(desired.getData(), writer("vigil", true, "a", "b")));
        assertThat(ConfigMaps.editedBy(back)).isNull();
        assertThat(ConfigMaps.same(back, desired)).isTrue();
        // (the update's base is the cached copy with the desired data, as JOSDK's updater merges them)
        assertThat(ConfigMaps.toWrite(new ConfigMapBuilder(cached).withData(desired.getData()).build()).getMetadata().getAnnotations()).doesNotContainKey(ConfigMaps.EDITED_BY)
                .containsEntry(ConfigMaps.DATA_DIGEST, ConfigMaps.dataDigest(desired.getData()));
        // a writer that also changed the digest owns it: the digest no longer matches instead
        ConfigMap both = ConfigMaps.digested(metadataAnswer(Map.of("a", "x"), writer("kubectl-edit", true, "a")));
        assertThat(ConfigMaps.editedBy(both)).isNull();
        assertThat(ConfigMaps.same(both, desired)).isFalse();
        // writers of labels only (the data's "." marker is not a field) are none of its business
        assertThat(ConfigMaps.dataEditor(List.of(writer("vigil", true, "a"), writer("argocd", false)))).isNull();
    }

    @Test
    void labelsAndAnnotationsVigilSetsMustBeThere() {
        ConfigMap desired = cm(Map.of("a", "one"));
        ConfigMap noFolder = ConfigMaps.digested(desired);
        noFolder.getMetadata().getAnnotations().remove("grafana_folder");
        assertThat(ConfigMaps.same(noFolder, desired)).isFalse();
        ConfigMap extraLabel = ConfigMaps.digested(desired);
        extraLabel.getMetadata().setLabels(Map.of("app.kubernetes.io/component", "dashboard", "team", "x"));
        assertThat(ConfigMaps.same(extraLabel, desired)).as("labels others add are tolerated").isTrue();
    }
}
