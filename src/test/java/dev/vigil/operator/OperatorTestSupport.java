package dev.vigil.operator;

import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.render.Render;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import dev.vigil.prometheus.OpenMetricsCounters;
import dev.vigil.prometheus.OpenMetricsCounters.Phase;
import dev.vigil.prometheus.RealPrometheus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

final class OperatorTestSupport {
    /**
     * Edits a resource the way a user would, read-modify-write: when the operator wrote it in between (its status:
     * 409 Conflict), reads it again and re-applies the change, a few times.
     */
    static <T extends HasMetadata> T edit(Resource<T> resource, UnaryOperator<T> change) {
        for (int attempt = 1; ; attempt++) {
            try {
                return resource.edit(change);
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt == 5) {
                    throw e;
                }
            }
        }
    }

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

    /**
     * A real Prometheus for the operator tests (start it in @BeforeAll, close it in @AfterAll): three hours up to now
     * of {@code live_requests_total} at 5% errors (what their SLOs read), plus the series {@code more} adds, given
     * the counters and the start of the history.
     */
    static RealPrometheus prometheusWithLiveRequests(String name,
            BiFunction<OpenMetricsCounters, Instant, OpenMetricsCounters> more) throws Exception {
        Instant start = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofHours(3));
        String data = more.apply(new OpenMetricsCounters(), start)
                .counter("live_requests", "live_requests_total{code=\"500\"}", start, List.of(new Phase(50, 360)))
                .counter("live_requests", "live_requests_total{code=\"200\"}", start, List.of(new Phase(950, 360)))
                .build();
        return RealPrometheus.serving(Files.createTempDirectory(name), data);
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

    /** The DaemonSet controller's report of {@code nodes} ready, current agents (the mock server runs none). */
    static void markDaemonSetReady(KubernetesClient client, String ns, String name, int nodes) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> client.apps().daemonSets().inNamespace(ns).withName(name).get() != null);
        var ds = client.apps().daemonSets().inNamespace(ns).withName(name).get();
        ds.setStatus(new io.fabric8.kubernetes.api.model.apps.DaemonSetStatusBuilder().withDesiredNumberScheduled(nodes)
                .withCurrentNumberScheduled(nodes).withNumberReady(nodes).withUpdatedNumberScheduled(nodes)
                .withNumberAvailable(nodes).withNumberMisscheduled(0)
                .withObservedGeneration(ds.getMetadata().getGeneration()).build());
        client.apps().daemonSets().inNamespace(ns).resource(ds).updateStatus();
    }

    /** Waits for the operator to create the StatefulSet, then reports it ready. */
    static void markStatefulSetReadyWhenPresent(KubernetesClient client, String ns, String name) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> client.apps().statefulSets().inNamespace(ns).withName(name).get() != null);
        markStatefulSetReady(client, ns, name);
    }
}
