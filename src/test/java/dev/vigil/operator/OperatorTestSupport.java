package dev.vigil.operator;

import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.render.Render;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.io.IOException;
import java.io.StringReader;
import java.util.List;

final class OperatorTestSupport {
    private OperatorTestSupport() {
    }

    static <T extends HasMetadata> T parse(String yaml, Class<T> type) {
        try {
            List<HasMetadata> all = Render.parse(new StringReader(yaml), "test");
            return type.cast(all.get(0));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static TelemetryCollector fleet(String ns, String name, int shards) {
        return parse("""
                apiVersion: vigil.dev/v1alpha1
                kind: TelemetryCollector
                metadata: {name: %s, namespace: %s}
                spec:
                  shards: %d
                """.formatted(name, ns, shards), TelemetryCollector.class);
    }

    static InstrumentedService service(String ns, String name, String deployment) {
        return parse("""
                apiVersion: vigil.dev/v1alpha1
                kind: InstrumentedService
                metadata: {name: %s, namespace: %s}
                spec:
                  workloadRef: {kind: Deployment, name: %s}
                  metrics: {port: 9464}
                """.formatted(name, ns, deployment), InstrumentedService.class);
    }

    /** Plays the StatefulSet controller: reports every desired pod as created, updated and ready. */
    static void markStatefulSetReady(KubernetesClient client, String ns, String name) {
        StatefulSet sts = client.apps().statefulSets().inNamespace(ns).withName(name).get();
        int replicas = sts.getSpec().getReplicas();
        sts.setStatus(new StatefulSetStatusBuilder().withReplicas(replicas).withReadyReplicas(replicas)
                .withUpdatedReplicas(replicas).withAvailableReplicas(replicas)
                .withObservedGeneration(sts.getMetadata().getGeneration()).build());
        client.apps().statefulSets().inNamespace(ns).resource(sts).updateStatus();
    }

    /** Waits for the operator to create the StatefulSet, then reports it ready. */
    static void markStatefulSetReadyWhenPresent(KubernetesClient client, String ns, String name) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> client.apps().statefulSets().inNamespace(ns).withName(name).get() != null);
        markStatefulSetReady(client, ns, name);
    }
}
