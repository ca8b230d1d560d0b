package dev.vigil.operator;

import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.kube.ScriptedTokenReviews;
import dev.vigil.sharding.ShardPlans;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The service-discovery endpoint through the operator: a fleet's shards together serve every running pod of the
 * services it collects exactly once, with the scrape labels; only the fleet's own collector ServiceAccount may
 * read them (the apiserver's TokenReview answers are scripted on the mock server); status shows the counts.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class ServiceDiscoveryTest {
    static final String FLEET_SA = "system:serviceaccount:sd-a:platform-collector";

    @KubernetesTestServer
    KubernetesServer server;

    @Inject
    KubernetesClient client;
    @Inject
    ShardPlans shardPlans;

    /** The apiserver's TokenReview, scripted: which user each test token belongs to. */
    @BeforeEach
    void tokens() {
        Map<String, String> users = Map.of("fleet-token", FLEET_SA, "other-token", "system:serviceaccount:sd-b:platform-collector",
                "c-token", "system:serviceaccount:sd-c:platform-collector",
                "d-token", "system:serviceaccount:sd-d:platform-collector");
        ScriptedTokenReviews.answer(server, users);
    }

    static Pod pod(String ns, String name, String ip, String phase) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace(ns).addToLabels("app", "api").endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage("example/app:1").addNewPort()
                .withContainerPort(9464).endPort().endContainer().endSpec()
                .withNewStatus().withPhase(phase).withPodIP(ip).endStatus().build();
    }

    private Response sd(String path, String token) {
        var req = given();
        if (token != null) {
            req = req.header("Authorization", "Bearer " + token);
        }
        return req.when().get(path);
    }

    @Test
    void everyPodOnExactlyOneShardAndOnlyForTheFleet() {
        String ns = "sd-a";
        client.resource(InstrumentedServiceOperatorTest.deployment(ns, "api")).create();
        client.resource(OperatorTestSupport.service(ns, "api", "api")).create();
        // A 1 s scrape interval and a one-interval overlap: the hand-offs while pods arrive end within a second.
        client.resource(OperatorTestSupport.parse("""
                apiVersion: vigil.dev/v1alpha1
                kind: TelemetryCollector
                metadata: {name: platform, namespace: sd-a}
                spec:
                  shards: 3
                  scrapeInterval: 1s
                  sharding: {handoffIntervals: 1, maxTargetsPerShard: 8}
                """, TelemetryCollector.class)).create();
        for (int i = 0; i < 30; i++) {
            client.resource(pod(ns, "api-" + i, "10.1.0." + (i + 1), "Running")).create();
        }
        client.resource(pod(ns, "api-pending", "", "Pending")).create();

        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            TelemetryCollector f = client.resources(TelemetryCollector.class).inNamespace(ns).withName("platform").get();
            assertThat(f.getStatus().shardTargets).hasSize(3);
            assertThat(f.getStatus().shardTargets.stream().mapToInt(Integer::intValue).sum()).isEqualTo(30);
            assertThat(f.getStatus().imbalance).isNotNull();
            assertThat(f.getStatus().handoffs).isZero();
            // 30 targets over 3 shards cannot stay under a cap of 8.
            var cap = dev.vigil.status.Conditions.find(f.getStatus().conditions, dev.vigil.status.Reasons.SHARDS_WITHIN_CAP);
            assertThat(cap.getStatus() + "/" + cap.getReason()).isEqualTo("False/ShardOverCap");
            assertThat(cap.getMessage()).contains("over the cap of 8 (spec.sharding.maxTargetsPerShard); add shards");
        });
        assertThat(client.v1().events().inNamespace(ns).list().getItems())
                .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("ShardOverCap"));

        Set<String> seen = new HashSet<>();
        List<String> all = new ArrayList<>();
        for (int shard = 0; shard < 3; shard++) {
            List<Map<String, Object>> groups = sd("/sd/v1/sd-a/platform/" + shard, "fleet-token").then().statusCode(200)
                    .extract().jsonPath().getList("$");
            for (Map<String, Object> g : groups) {
                @SuppressWarnings("unchecked")
                List<String> targets = (List<String>) g.get("targets");
                @SuppressWarnings("unchecked")
                Map<String, String> labels = (Map<String, String>) g.get("labels");
                assertThat(labels).containsEntry("job", "sd-a/api").containsEntry("service", "api")
                        .containsEntry("__metrics_path__", "/metrics").containsEntry("__scrape_interval__", "1s")
                        .containsEntry("__scrape_timeout__", "1s")
                        .containsKey("pod").doesNotContainKey("vigil_handoff");
                all.addAll(targets);
                seen.addAll(targets);
            }
        }
        assertThat(all).hasSize(30);
        assertThat(seen).hasSize(30).contains("10.1.0.1:9464", "10.1.0.30:9464");

        sd("/sd/v1/sd-a/platform/0", null).then().statusCode(401);
        sd("/sd/v1/sd-a/platform/0", "other-token").then().statusCode(403);
        sd("/sd/v1/sd-a/platform/0", "bad-token").then().statusCode(403);
        sd("/sd/v1/sd-a/platform/x", "fleet-token").then().statusCode(400);
    }

    @Test
    void scalingDownDrainsTheRemovedShardBeforeItsPodGoes() {
        String ns = "sd-c";
        // Hand-offs last 3 x 1 s here: long enough to observe, short enough to wait for.
        threeShardsOfThirtyPods(ns, 3, 3);
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            TelemetryCollector f = client.resources(TelemetryCollector.class).inNamespace(ns).withName("platform").get();
            assertThat(f.getStatus().shardTargets.stream().mapToInt(Integer::intValue).sum()).isEqualTo(30);
            assertThat(f.getStatus().handoffs).isZero();
            assertThat(client.apps().statefulSets().inNamespace(ns).withName("platform-collector").get().getSpec().getReplicas()).isEqualTo(3);
        });
        List<String> shard2 = targets(ns, 2);
        assertThat(shard2).isNotEmpty();

        OperatorTestSupport.edit(client.resources(TelemetryCollector.class).inNamespace(ns).withName("platform"), f -> {
            f.getSpec().shards = 2;
            return f;
        });
        // During the hand-off shard 2 keeps its pod and scrapes its old targets, labelled as draining; shards 0 and
        // 1 already scrape them too.
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
            List<Map<String, Object>> groups = groups(ns, 2);
            assertThat(groups).isNotEmpty().allSatisfy(g -> assertThat(g.get("labels").toString()).contains("vigil_handoff=draining"));
            assertThat(client.apps().statefulSets().inNamespace(ns).withName("platform-collector").get().getSpec().getReplicas()).isEqualTo(3);
            List<String> owned = new ArrayList<>(targets(ns, 0));
            owned.addAll(targets(ns, 1));
            assertThat(owned).hasSize(30).containsAll(shard2);
        });
        // Then the pod goes and shard 2 scrapes nothing.
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> {
            assertThat(client.apps().statefulSets().inNamespace(ns).withName("platform-collector").get().getSpec().getReplicas()).isEqualTo(2);
            assertThat(groups(ns, 2)).isEmpty();
        });
    }

    /**
     * An operator restart in the middle of a hand-off (its memory of the plan lost, as a new process or a replica
     * taking over has none): the first plan after it resumes the hand-offs from the fleet's ConfigMap, so the
     * removed shard keeps its pod and keeps scraping its old targets until the hand-off's end.
     */
    @Test
    void aRestartInTheMiddleOfAHandOffKeepsItRunning() {
        String ns = "sd-d";
        // Hand-offs last 10 s + 20 x 1 s here: long enough to restart within one.
        threeShardsOfThirtyPods(ns, 20, 4);
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
            TelemetryCollector f = client.resources(TelemetryCollector.class).inNamespace(ns).withName("platform").get();
            assertThat(f.getStatus().shardTargets.stream().mapToInt(Integer::intValue).sum()).isEqualTo(30);
            assertThat(f.getStatus().handoffs).isZero();
            assertThat(client.configMaps().inNamespace(ns).withName("platform-collector-handoffs").get().getData())
                    .containsEntry("handoffs", "");
        });
        List<String> shard2 = targets(ns, 2, "d-token");
        assertThat(shard2).isNotEmpty();
        OperatorTestSupport.edit(client.resources(TelemetryCollector.class).inNamespace(ns).withName("platform"), f -> {
            f.getSpec().shards = 2;
            return f;
        });
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
            assertThat(drained(ns, 2)).containsExactlyInAnyOrderElementsOf(shard2);
            assertThat(client.configMaps().inNamespace(ns).withName("platform-collector-handoffs").get().getData()
                    .get("handoffs").lines()).hasSize(shard2.size());
        });

        // The restart: the plan in memory is gone; the next reconcile (as at an operator's start; here a namespace
        // event, which reaches every fleet) starts from the ConfigMap.
        shardPlans.forget(new ResourceID("platform", ns));
        client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata()
                .withName("sd-d-nudge").endMetadata().build()).create();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() ->
                assertThat(shardPlans.get(new ResourceID("platform", ns))).isPresent());
        assertThat(drained(ns, 2)).as("shard 2 still drains its old targets after the restart")
                .containsExactlyInAnyOrderElementsOf(shard2);
        assertThat(client.apps().statefulSets().inNamespace(ns).withName("platform-collector").get().getSpec().getReplicas())
                .as("the removed shard keeps its pod until the hand-off ends").isEqualTo(3);
        assertThat(client.resources(TelemetryCollector.class).inNamespace(ns).withName("platform").get().getStatus().handoffs)
                .isEqualTo(shard2.size());
        // And the hand-off still ends: the pod goes, the ConfigMap empties.
        await().atMost(Duration.ofSeconds(40)).ignoreExceptions().untilAsserted(() -> {
            assertThat(client.apps().statefulSets().inNamespace(ns).withName("platform-collector").get().getSpec().getReplicas()).isEqualTo(2);
            assertThat(client.configMaps().inNamespace(ns).withName("platform-collector-handoffs").get().getData())
                    .containsEntry("handoffs", "");
        });
    }

    /** A service of 30 running pods (10.{@code net}.0.1..30) and a fleet of 3 shards with a 1 s scrape interval. */
    private void threeShardsOfThirtyPods(String ns, int handoffIntervals, int net) {
        client.resource(InstrumentedServiceOperatorTest.deployment(ns, "api")).create();
        client.resource(OperatorTestSupport.service(ns, "api", "api")).create();
        client.resource(OperatorTestSupport.parse("""
                apiVersion: vigil.dev/v1alpha1
                kind: TelemetryCollector
                metadata: {name: platform, namespace: %s}
                spec:
                  shards: 3
                  scrapeInterval: 1s
                  sharding: {handoffIntervals: %d}
                """.formatted(ns, handoffIntervals), TelemetryCollector.class)).create();
        for (int i = 0; i < 30; i++) {
            client.resource(pod(ns, "api-" + i, "10." + net + ".0." + (i + 1), "Running")).create();
        }
    }

    @SuppressWarnings("unchecked")
    private List<String> drained(String ns, int shard) {
        List<String> out = new ArrayList<>();
        for (Map<String, Object> g : sd("/sd/v1/" + ns + "/platform/" + shard, "d-token").then().statusCode(200)
                .extract().jsonPath().<Map<String, Object>>getList("$")) {
            if (g.get("labels").toString().contains("vigil_handoff=draining")) {
                out.addAll((List<String>) g.get("targets"));
            }
        }
        return out;
    }

    private List<Map<String, Object>> groups(String ns, int shard) {
        return groups(ns, shard, "c-token");
    }

    private List<Map<String, Object>> groups(String ns, int shard, String token) {
        return sd("/sd/v1/" + ns + "/platform/" + shard, token).then().statusCode(200).extract().jsonPath().getList("$");
    }

    private List<String> targets(String ns, int shard) {
        return targets(ns, shard, "c-token");
    }

    @SuppressWarnings("unchecked")
    private List<String> targets(String ns, int shard, String token) {
        List<String> out = new ArrayList<>();
        for (Map<String, Object> g : groups(ns, shard, token)) {
            if (!g.get("labels").toString().contains("vigil_handoff")) {
                out.addAll((List<String>) g.get("targets"));
            }
        }
        return out;
    }
}
