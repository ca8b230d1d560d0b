package dev.vigil.kube;

import io.fabric8.kubernetes.api.model.FieldsV1;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** What the primary and workload caches keep of an object's metadata. */
class LeanMetadataTest {
    private static ManagedFieldsEntry entry(String manager) {
        FieldsV1 fields = new FieldsV1();
        fields.setAdditionalProperty("f:spec", Map.of("f:replicas", Map.of()));
        return new ManagedFieldsEntryBuilder().withManager(manager).withOperation("Apply").withFieldsV1(fields).build();
    }

    private static Deployment workload() {
        return new DeploymentBuilder().withNewMetadata().withName("shop").withNamespace("ns").withResourceVersion("7")
                .addToLabels("app", "shop")
                .addToAnnotations(LeanMetadata.LAST_APPLIED, "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\"}")
                .addToAnnotations("team", "payments")
                .withManagedFields(entry("kubectl-client-side-apply"), entry("kube-controller-manager"),
                        entry(FieldManagers.POOL_SIZE), entry(FieldManagers.OPERATOR))
                .endMetadata().withNewSpec().withReplicas(2).endSpec().build();
    }

    @Test
    void aWorkloadKeepsOnlyThePoolSizeManagersEntries() {
        Deployment d = LeanMetadata.pruned(workload(), Set.of(FieldManagers.POOL_SIZE));
        assertThat(d.getMetadata().getManagedFields()).extracting(ManagedFieldsEntry::getManager)
                .containsExactly(FieldManagers.POOL_SIZE);
        assertThat(d.getMetadata().getManagedFields().get(0).getFieldsV1().getAdditionalProperties()).containsKey("f:spec");
        assertThat(d.getMetadata().getAnnotations()).isEqualTo(Map.of("team", "payments"));
        assertThat(d.getMetadata().getLabels()).isEqualTo(Map.of("app", "shop"));
        assertThat(d.getMetadata().getResourceVersion()).isEqualTo("7");
        assertThat(d.getSpec().getReplicas()).isEqualTo(2);
    }

    @Test
    void thePrimaryStoreKeepsNoManagedFields() {
        var store = new LeanMetadata.Store<Deployment>();
        store.put("ns/shop", workload());
        Deployment cached = store.get("ns/shop");
        assertThat(cached.getMetadata().getManagedFields()).isNull();
        assertThat(cached.getMetadata().getAnnotations()).isEqualTo(Map.of("team", "payments"));
    }

    @Test
    void anObjectWithoutManagedFieldsOrAnnotationsIsLeftAlone() {
        Deployment bare = new DeploymentBuilder().withNewMetadata().withName("bare").endMetadata().build();
        Deployment pruned = LeanMetadata.pruned(bare, Set.of(FieldManagers.POOL_SIZE));
        assertThat(pruned.getMetadata().getManagedFields()).isEmpty();
        assertThat(pruned.getMetadata().getAnnotations()).isEmpty();
    }
}
