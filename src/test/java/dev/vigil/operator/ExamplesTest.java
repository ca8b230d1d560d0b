package dev.vigil.operator;

import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.logs.AgentRules;
import dev.vigil.render.GoldenFiles;
import dev.vigil.render.Render;
import dev.vigil.serialization.Yaml;
import dev.vigil.status.Conditions;
import dev.vigil.status.Reasons;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Applies every file of examples/ as a user would and waits for every custom resource to be Ready (on the mock
 * server; e2e/chainsaw/01-crds-and-examples does the same on the real control plane).
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class ExamplesTest {
    @Inject
    KubernetesClient client;
    @Inject
    AgentRules agentRules;

    @Test
    void everyExampleReachesReady() throws Exception {
        List<HasMetadata> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(GoldenFiles.repoRoot().resolve("examples"))) {
            for (Path p : files.sorted().toList()) {
                try (Reader r = Files.newBufferedReader(p)) {
                    all.addAll(Render.parse(r, p.toString()));
                }
                client.load(Files.newInputStream(p)).createOrReplace();
            }
        }
        assertThat(all).hasSizeGreaterThanOrEqualTo(5);
        // The mock server runs no StatefulSet controller: report the collector pods ready once the fleet has
        // settled on its final config (both services collected).
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() ->
                assertThat(client.resources(TelemetryCollector.class).inNamespace("default").withName("platform").get()
                        .getStatus().services).isEqualTo(2));
        OperatorTestSupport.markStatefulSetReady(client, "default", "platform-collector");
        OperatorTestSupport.markDaemonSetReady(client, "default", "node-logs-agent", 3);

        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            for (TelemetryCollector t : client.resources(TelemetryCollector.class).inAnyNamespace().list().getItems()) {
                assertThat(Conditions.isTrue(t.getStatus().conditions, Reasons.READY)).as(Yaml.write(t.getStatus())).isTrue();
            }
            for (InstrumentedService s : client.resources(InstrumentedService.class).inAnyNamespace().list().getItems()) {
                assertThat(s.getStatus()).isNotNull();
                assertThat(Conditions.isTrue(s.getStatus().conditions, Reasons.READY)).as(Yaml.write(s.getStatus())).isTrue();
            }
            var rules = client.resources(dev.vigil.api.v1alpha1.LogParserRule.class).inAnyNamespace().list().getItems();
            assertThat(rules).hasSize(2);
            for (var r : rules) {
                assertThat(r.getStatus()).isNotNull();
                assertThat(Conditions.isTrue(r.getStatus().conditions, Reasons.READY)).as(Yaml.write(r.getStatus())).isTrue();
                assertThat(r.getStatus().fleetNames).isEqualTo("default/node-logs");
            }
            // node-logs serves the app teams' rules, then its default rule.
            String served = agentRules.get(new ResourceID("node-logs", "default")).orElseThrow().yaml();
            assertThat(served).contains("id: lpr/default/cart-json/route", "id: lpr/default/checkout-access-log/route",
                    "id: default/json-lines/route");
        });
        // The pools reach their apps: checkout's by the operator's ConfigMap, cart's as an env var on its container
        // (min, as no initial size is set), the rest of the StatefulSet untouched.
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            assertThat(client.configMaps().inNamespace("default").withName("checkout-pools").get().getData())
                    .containsExactly(java.util.Map.entry("postgres", "10"));
            var cart = client.apps().statefulSets().inNamespace("default").withName("cart").get();
            var app = cart.getSpec().getTemplate().getSpec().getContainers().stream()
                    .filter(c -> "app".equals(c.getName())).findFirst().orElseThrow();
            assertThat(app.getEnv()).extracting(e -> e.getName() + "=" + e.getValue()).contains("REDIS_POOL_SIZE=4");
            assertThat(cart.getSpec().getTemplate().getSpec().getContainers()).hasSize(1);
        });
    }
}
