package dev.vigil.kube;

import dev.vigil.api.v1alpha1.InstrumentedService;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Compacted objects say the same, share their repeated strings and hold no empty collections of their own. */
class CompactTest {
    private static final String SERVICE = """
            {"apiVersion": "vigil.dev/v1alpha1", "kind": "InstrumentedService",
             "metadata": {"name": "svc-%1$d", "namespace": "bench-0", "uid": "u-%1$d", "resourceVersion": "%1$d",
                          "generation": 1, "creationTimestamp": "2026-12-06T10:00:00Z",
                          "labels": {"app.kubernetes.io/part-of": "bench", "team": "payments"}},
             "spec": {"workloadRef": {"name": "svc-%1$d"}, "metrics": {"port": 8080},
                      "slos": [{"name": "availability", "objective": "99.9",
                                "indicator": {"ratio": {"errors": "sum(rate(errors{service=\\"svc-%1$d\\"}[$window]))",
                                                        "total": "sum(rate(total{service=\\"svc-%1$d\\"}[$window]))"}}}]},
             "status": {"observedGeneration": 1,
                        "conditions": [{"type": "Ready", "status": "True", "reason": "CollectorSelected",
                                        "message": "collected by fleet bench-0/platform", "observedGeneration": 1,
                                        "lastTransitionTime": "2026-12-06T10:00:05Z"},
                                       {"type": "WorkloadFound", "status": "True", "reason": "WorkloadPresent",
                                        "message": "Deployment bench-0/svc-%1$d found", "observedGeneration": 1,
                                        "lastTransitionTime": "2026-12-06T10:00:05Z"},
                                       {"type": "SlosMeasured", "status": "False", "reason": "NoPrometheus",
                                        "message": "TelemetryCollector platform sets no spec.prometheus to measure the SLO",
                                        "observedGeneration": 1, "lastTransitionTime": "2026-12-06T10:00:05Z"}],
                        "workload": {"kind": "Deployment", "name": "svc-%1$d",
                                     "selector": {"matchLabels": {"app": "svc-%1$d"}}, "replicas": 2}}}
            """;

    private static InstrumentedService service(int i) {
        return Serialization.unmarshal(SERVICE.formatted(i), InstrumentedService.class);
    }

    @Test
    void aCompactedObjectSaysTheSame() {
        InstrumentedService whole = service(1);
        InstrumentedService compacted = Compact.compact(service(1));
        assertThat(Serialization.asJson(compacted)).isEqualTo(Serialization.asJson(whole));
        assertThat(compacted.getMetadata()).isEqualTo(whole.getMetadata());
        assertThat(compacted.getStatus()).isEqualTo(whole.getStatus());
        // And it can be copied as JOSDK copies a primary before a reconcile (the copy is mutable again).
        InstrumentedService copy = Serialization.clone(compacted);
        copy.getMetadata().getFinalizers().add("x");
        copy.getStatus().conditions.get(0).getAdditionalProperties().put("y", 1);
        assertThat(compacted.getMetadata().getFinalizers()).isEmpty();
    }

    @Test
    void servicesShareRepeatedStringsAndEmptyCollections() {
        InstrumentedService a = Compact.compact(service(1));
        InstrumentedService b = Compact.compact(service(2));
        assertThat(a.getMetadata().getNamespace()).isSameAs(b.getMetadata().getNamespace());
        assertThat(a.getMetadata().getLabels().get("team")).isSameAs(b.getMetadata().getLabels().get("team"));
        var ca = a.getStatus().conditions.get(0);
        var cb = b.getStatus().conditions.get(0);
        assertThat(ca.getStatus()).isSameAs(cb.getStatus());
        assertThat(ca.getReason()).isSameAs(cb.getReason());
        assertThat(ca.getMessage()).isSameAs(cb.getMessage());
        assertThat(ca.getAdditionalProperties()).isSameAs(cb.getAdditionalProperties()).isEmpty();
        assertThat(a.getMetadata().getAdditionalProperties()).isSameAs(Map.of());
        assertThat(a.getMetadata().getFinalizers()).isSameAs(List.of());
        assertThat(a.getMetadata().getOwnerReferences()).isSameAs(List.of());
        assertThat(a.getStatus().workload.selector.getMatchExpressions()).isSameAs(List.of());
        // A condition's text whatever its length (this one is 71 characters), label names (map keys) and the names
        // of the kind a CustomResource computes for each object (final fields).
        assertThat(a.getStatus().conditions.get(2).getMessage()).hasSizeGreaterThan(64)
                .isSameAs(b.getStatus().conditions.get(2).getMessage());
        assertThat(a.getMetadata().getLabels().keySet().iterator().next())
                .isSameAs(b.getMetadata().getLabels().keySet().iterator().next());
        assertThat(a.getCRDName()).isSameAs(b.getCRDName()).isEqualTo("instrumentedservices.vigil.dev");
        assertThat(a.getPlural()).isSameAs(b.getPlural());
        assertThat(a.getSingular()).isSameAs(b.getSingular());
        // Uncompacted, each has its own.
        InstrumentedService c = service(1);
        InstrumentedService d = service(2);
        assertThat(c.getMetadata().getNamespace()).isNotSameAs(d.getMetadata().getNamespace());
        assertThat(c.getStatus().conditions.get(0).getAdditionalProperties())
                .isNotSameAs(d.getStatus().conditions.get(0).getAdditionalProperties());
        assertThat(c.getStatus().conditions.get(2).getMessage()).isNotSameAs(d.getStatus().conditions.get(2).getMessage());
        assertThat(c.getCRDName()).isNotSameAs(d.getCRDName());
    }

    @Test
    void aThousandCompactedServicesHoldFarFewerObjects() {
        int whole = distinct(java.util.stream.IntStream.range(0, 1000).mapToObj(CompactTest::service).toList());
        int compacted = distinct(java.util.stream.IntStream.range(0, 1000).mapToObj(i -> Compact.compact(service(i))).toList());
        // Strings, maps and lists reachable from the services, counted once each.
        assertThat(compacted).as("objects held by 1,000 services: %d compacted, %d whole", compacted, whole).isLessThan(whole * 6 / 10);
    }

    @Test
    void otherKindsToo() {
        ConfigMap cm = Compact.compact(Serialization.unmarshal("""
                {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a", "namespace": "n",
                 "ownerReferences": [{"apiVersion": "vigil.dev/v1alpha1", "kind": "InstrumentedService", "name": "s", "uid": "u"}]},
                 "data": {"k": "v"}}""", ConfigMap.class));
        assertThat(cm.getData()).containsEntry("k", "v").isInstanceOf(FrozenMap.class);
        assertThat(cm.getMetadata().getOwnerReferences().get(0).getKind()).isSameAs("InstrumentedService".intern());
        Pod pod = Compact.compact(Serialization.unmarshal("""
                {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                 "spec": {"containers": [{"name": "app", "ports": [{"containerPort": 8080}]}]}}""", Pod.class));
        assertThat(pod.getSpec().getContainers().get(0).getPorts().get(0).getContainerPort()).isEqualTo(8080);
        assertThat(pod.getSpec().getVolumes()).isSameAs(List.of());
        // Enums are left alone (their name is a final field of java.lang.Enum, which is not open to Vigil).
        var fleet = Serialization.unmarshal("""
                {"apiVersion": "vigil.dev/v1alpha1", "kind": "TelemetryCollector", "metadata": {"name": "f", "namespace": "n"},
                 "spec": {"mode": "agent"}}""", dev.vigil.api.v1alpha1.TelemetryCollector.class);
        assertThat(Compact.compact(fleet).getSpec().mode).isSameAs(dev.vigil.api.v1alpha1.TelemetryCollectorSpec.Mode.agent);
        assertThat(Compact.walkable(dev.vigil.api.v1alpha1.TelemetryCollectorSpec.Mode.class)).isFalse();
    }

    @Test
    void mapsOfStringsAreFrozenInTheirOrder() {
        String json = """
                {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a", "namespace": "n",
                 "labels": {"zone": "b", "app": "svc", "mid": ""}, "annotations": {"note": "x"}},
                 "data": {"k": "v"}, "unknown": {"count": 3, "name": "m"}}""";
        ConfigMap whole = Serialization.unmarshal(json, ConfigMap.class);
        ConfigMap cm = Compact.compact(Serialization.unmarshal(json, ConfigMap.class));
        Map<String, String> labels = cm.getMetadata().getLabels();
        assertThat(labels).isInstanceOf(FrozenMap.class).isEqualTo(whole.getMetadata().getLabels())
                .hasSameHashCodeAs(whole.getMetadata().getLabels());
        assertThat(whole.getMetadata().getLabels()).isEqualTo(labels);
        assertThat(List.copyOf(labels.keySet())).containsExactly("zone", "app", "mid");
        assertThat(labels.get("app")).isEqualTo("svc");
        assertThat(labels.get("none")).isNull();
        assertThat(labels.containsKey("mid")).isTrue();
        assertThat(labels.containsKey("none")).isFalse();
        assertThat(Serialization.asJson(cm)).isEqualTo(Serialization.asJson(whole));
        // Nothing writes to a cached object: a frozen map says so loudly rather than change under other readers.
        assertThatThrownBy(() -> labels.put("x", "y"))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> labels.entrySet().iterator().next().setValue("y"))
                .isInstanceOf(UnsupportedOperationException.class);
        // A map with other values than strings keeps its kind.
        assertThat(cm.getAdditionalProperties().get("unknown")).isInstanceOf(java.util.LinkedHashMap.class);
        // A copy (as JOSDK's updater makes of the cached object before it writes) is an ordinary map again.
        ConfigMap copy = Serialization.clone(cm);
        copy.getMetadata().getLabels().put("x", "y");
        assertThat(copy.getMetadata().getLabels()).containsEntry("x", "y").hasSize(4);
    }

    /** Distinct String, Map and List objects reachable from the objects' Kubernetes and Vigil types. */
    private static int distinct(List<?> roots) {
        Map<Object, Boolean> seen = new IdentityHashMap<>();
        for (Object r : roots) {
            count(r, seen, 0);
        }
        return seen.size();
    }

    private static void count(Object o, Map<Object, Boolean> seen, int depth) {
        if (o == null || depth > 30 || seen.containsKey(o)) {
            return;
        }
        if (o instanceof String) {
            seen.put(o, true);
            return;
        }
        if (o instanceof Map<?, ?> m) {
            seen.put(o, true);
            m.values().forEach(v -> count(v, seen, depth + 1));
            m.keySet().forEach(k -> count(k, seen, depth + 1));
            return;
        }
        if (o instanceof List<?> l) {
            seen.put(o, true);
            l.forEach(v -> count(v, seen, depth + 1));
            return;
        }
        if (!Compact.walkable(o.getClass())) {
            return;
        }
        seen.put(o, true);
        for (Class<?> c = o.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (var f : c.getDeclaredFields()) {
                if (java.lang.reflect.Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) {
                    continue;
                }
                f.setAccessible(true);
                try {
                    count(f.get(o), seen, depth + 1);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }
}
