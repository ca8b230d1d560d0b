package dev.vigil.kube;

import io.fabric8.kubernetes.api.model.FieldsV1;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** Which fields another writer took from Vigil, and that a takeover is logged once. */
class FieldTakeoversTest {
    private static ManagedFieldsEntry entry(String manager, String subresource, Map<String, Object> fields) {
        FieldsV1 f = new FieldsV1();
        fields.forEach(f::setAdditionalProperty);
        return new ManagedFieldsEntryBuilder().withManager(manager).withOperation("Apply").withSubresource(subresource)
                .withFieldsV1(f).build();
    }

    private static StatefulSet desired() {
        return new StatefulSetBuilder().withNewMetadata().withName("platform-collector").withNamespace("ns")
                .addToLabels("app.kubernetes.io/name", "collector").endMetadata()
                .withNewSpec().withReplicas(2).withNewTemplate().withNewSpec().addNewContainer().withName("otelcol")
                .withImage("vigil/collector:1").endContainer().endSpec().endTemplate().endSpec().build();
    }

    /** The object as the cluster has it after other writers: {@code others} besides Vigil's own entries. */
    private static StatefulSet actual(ManagedFieldsEntry... others) {
        StatefulSet s = desired();
        s.setKind("StatefulSet");
        s.getMetadata().getLabels().put("app", "mine");
        List<ManagedFieldsEntry> entries = new ArrayList<>();
        entries.add(entry(FieldManagers.OPERATOR, null, Map.of(
                "f:metadata", Map.of("f:labels", Map.of("f:app.kubernetes.io/name", Map.of())),
                "f:spec", Map.of("f:template", Map.of()))));
        entries.add(entry(FieldManagers.POOL_SIZE, null, Map.of("f:spec", Map.of("f:replicas", Map.of()))));
        entries.add(entry("kube-controller-manager", "status", Map.of("f:status", Map.of("f:replicas", Map.of()))));
        s.getMetadata().setManagedFields(entries);
        entries.addAll(List.of(others));
        return s;
    }

    @Test
    void anotherWritersFieldsThatVigilAppliesAreNamedAndItsOwnAreNot() {
        StatefulSet actual = actual(
                entry("platform-team", null, Map.of(
                        "f:metadata", Map.of("f:labels", Map.of("f:team", Map.of(), "f:app", Map.of())),
                        "f:spec", Map.of("f:replicas", Map.of()))),
                entry("kubectl-set", null, Map.of("f:spec", Map.of("f:template", Map.of("f:spec", Map.of("f:containers",
                        Map.of("k:{\"name\":\"otelcol\"}", Map.of(".", Map.of(), "f:image", Map.of()))))))));
        assertThat(FieldTakeovers.taken(actual, desired())).isEqualTo(Map.of(
                "platform-team", Set.of("spec.replicas"),
                "kubectl-set", Set.of("spec.template.spec.containers")));
    }

    @Test
    void aLabelWhoseNameStartsLikeVigilsIsNotVigils() {
        // "app" is not a prefix of "app.kubernetes.io/name": paths are compared by field, not by text
        StatefulSet actual = actual(entry("platform-team", null, Map.of("f:metadata", Map.of("f:labels", Map.of("f:app", Map.of())))));
        assertThat(FieldTakeovers.taken(actual, desired())).isEmpty();
    }

    @Test
    void aTakeoverIsLoggedOnceUntilTheQuietTimeIsOver() {
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-06T12:00:00Z"));
        Clock clock = new Clock() {
            public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
            public Clock withZone(java.time.ZoneId zone) { return this; }
            public Instant instant() { return now.get(); }
        };
        FieldTakeovers takeovers = new FieldTakeovers(clock);
        StatefulSet actual = actual(entry("platform-team", null, Map.of("f:spec", Map.of("f:replicas", Map.of()))));
        assertThat(takeovers.noteBeforeApply(actual, desired())).isEqualTo("StatefulSet ns/platform-collector: field "
                + "manager platform-team has set spec.replicas, which Vigil manages; applying Vigil's values again (the "
                + "writer's other fields stay theirs)\n");
        for (int i = 0; i < 5; i++) {
            now.set(now.get().plusSeconds(30));
            assertThat(takeovers.noteBeforeApply(actual, desired())).isEmpty();
        }
        assertThat(takeovers.noteBeforeApply(actual(), desired())).as("nothing taken").isEmpty();
        now.set(now.get().plus(FieldTakeovers.QUIET));
        assertThat(takeovers.noteBeforeApply(actual, desired())).endsWith("; 5 more time(s) since this was last logged\n");
        // another writer, or other fields, is another takeover
        StatefulSet other = actual(entry("argocd-controller", null, Map.of("f:spec", Map.of("f:replicas", Map.of()))));
        assertThat(takeovers.noteBeforeApply(other, desired())).contains("argocd-controller");
    }
}
