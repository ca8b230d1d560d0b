package dev.vigil.operator;

import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.status.Conditions;
import dev.vigil.status.Reasons;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

/** The InstrumentedService reconciler, and the operator's health and metrics endpoints. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class InstrumentedServiceOperatorTest {
    @Inject
    KubernetesClient client;
    @Inject
    io.javaoperatorsdk.operator.Operator operator;

    @Test
    void thePrimaryCacheHoldsServicesWithoutTheirManagedFields() {
        var config = operator.getRegisteredController(dev.vigil.service.InstrumentedServiceReconciler.NAME).orElseThrow()
                .getConfiguration();
        assertThat(config.getInformerConfig().getItemStore()).isInstanceOf(dev.vigil.kube.LeanMetadata.Store.class);
    }

    private InstrumentedService get(String ns, String name) {
        return client.resources(InstrumentedService.class).inNamespace(ns).withName(name).get();
    }

    private void awaitReady(String ns, String name, String status, String reason) {
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            InstrumentedService s = get(ns, name);
            assertThat(s.getStatus()).isNotNull();
            var ready = Conditions.find(s.getStatus().conditions, Reasons.READY);
            assertThat(ready).isNotNull();
            assertThat(ready.getStatus() + "/" + ready.getReason()).isEqualTo(status + "/" + reason);
            assertThat(s.getStatus().observedGeneration).isEqualTo(s.getMetadata().getGeneration());
        });
    }

    @Test
    void aMissingWorkloadIsAConditionNotAnException() {
        client.resource(OperatorTestSupport.service("svc-a", "orphan", "nowhere")).create();
        awaitReady("svc-a", "orphan", "False", Reasons.WORKLOAD_MISSING);
        var found = Conditions.find(get("svc-a", "orphan").getStatus().conditions, Reasons.WORKLOAD_FOUND);
        assertThat(found.getMessage()).isEqualTo("Deployment svc-a/nowhere does not exist");
        assertThat(client.v1().events().inNamespace("svc-a").list().getItems())
                .anySatisfy(e -> assertThat(e.getReason()).isEqualTo(Reasons.WORKLOAD_MISSING));
    }

    @Test
    void traceSamplingWithoutAFleetSaysSo() {
        InstrumentedService s = OperatorTestSupport.service("svc-t", "sampled", "nowhere");
        s.getSpec().traces = new dev.vigil.api.v1alpha1.TracesSpec();
        s.getSpec().traces.sampling = new dev.vigil.api.v1alpha1.TracesSpec.Sampling();
        s.getSpec().traces.sampling.ratio = 0.25;
        client.resource(s).create();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            var c = Conditions.find(get("svc-t", "sampled").getStatus().conditions, Reasons.TRACE_SAMPLING);
            assertThat(c.getStatus()).isEqualTo("False");
            assertThat(c.getReason()).isEqualTo(Reasons.NO_MATCHING_COLLECTOR);
            assertThat(c.getMessage()).startsWith("no shard fleet (TelemetryCollector) collects this service");
        });
        // Ready says what it said without sampling: the condition is information, not a failure.
        awaitReady("svc-t", "sampled", "False", Reasons.WORKLOAD_MISSING);
        OperatorTestSupport.edit(client.resources(InstrumentedService.class).inNamespace("svc-t").withName("sampled"), x -> {
            x.getSpec().traces = null;
            return x;
        });
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> assertThat(
                Conditions.find(get("svc-t", "sampled").getStatus().conditions, Reasons.TRACE_SAMPLING)).isNull());
    }

    @Test
    void withoutAMatchingFleetTheServiceSaysSo() {
        client.resource(deployment("svc-b", "web")).create();
        client.resource(OperatorTestSupport.service("svc-b", "web", "web")).create();
        awaitReady("svc-b", "web", "False", Reasons.NO_MATCHING_COLLECTOR);
        InstrumentedService s = get("svc-b", "web");
        assertThat(Conditions.isTrue(s.getStatus().conditions, Reasons.WORKLOAD_FOUND)).isTrue();
        assertThat(s.getStatus().workload.selector.getMatchLabels()).containsEntry("app", "web");
        assertThat(s.getStatus().collector).isNull();
    }

    @Test
    void aServiceIsCollectedByTheFleetThatSelectsIt() {
        client.resource(deployment("svc-c", "api")).create();
        client.resource(OperatorTestSupport.service("svc-c", "api", "api")).create();
        client.resource(OperatorTestSupport.fleet("svc-c", "fleet", 2)).create();
        // The fleet collects the service once the service has resolved its workload (its pods reach the collectors
        // through service discovery: ServiceDiscoveryTest).
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> assertThat(
                client.resources(dev.vigil.api.v1alpha1.TelemetryCollector.class).inNamespace("svc-c").withName("fleet")
                        .get().getStatus().services).isEqualTo(1));
        // The mock server has no status subresource: play the StatefulSet controller after the last rollout.
        OperatorTestSupport.markStatefulSetReadyWhenPresent(client, "svc-c", "fleet-collector");
        awaitReady("svc-c", "api", "True", Reasons.COLLECTOR_SELECTED);
        InstrumentedService s = get("svc-c", "api");
        assertThat(s.getStatus().collector.namespace).isEqualTo("svc-c");
        assertThat(s.getStatus().collector.name).isEqualTo("fleet");
        // Without the GrafanaDashboard CRD the dashboards are ConfigMaps for the Grafana sidecar, and status says so.
        var dashboard = Conditions.find(s.getStatus().conditions, Reasons.DASHBOARD_DELIVERED);
        assertThat(dashboard.getStatus() + "/" + dashboard.getReason() + "/" + dashboard.getMessage())
                .isEqualTo("True/ConfigMapWritten/ConfigMap api-dashboard for the Grafana chart's dashboard sidecar");
        assertThat(client.configMaps().inNamespace("svc-c").withName("api-dashboard").get().getData())
                .containsOnlyKeys("svc-c-api.json");
        var fleetDashboard = Conditions.find(client.resources(dev.vigil.api.v1alpha1.TelemetryCollector.class)
                .inNamespace("svc-c").withName("fleet").get().getStatus().conditions, Reasons.DASHBOARD_DELIVERED);
        assertThat(fleetDashboard.getReason()).isEqualTo(Reasons.DASHBOARD_CONFIGMAP_WRITTEN);
        assertThat(client.configMaps().inNamespace("svc-c").withName("fleet-collector-dashboard").get()).isNotNull();

        // Deleting the workload turns the service not ready with the reason.
        client.apps().deployments().inNamespace("svc-c").withName("api").delete();
        awaitReady("svc-c", "api", "False", Reasons.WORKLOAD_MISSING);
    }

    @Test
    void aFleetInAnotherNamespaceGetsPodDiscoveryThereAndLosesItWhenItStopsCollecting() {
        client.resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata().withName("team-x")
                .addToLabels("vigil.dev/collect", "true").endMetadata().build()).create();
        client.resource(deployment("team-x", "shop")).create();
        client.resource(OperatorTestSupport.service("team-x", "shop", "shop")).create();
        var fleet = OperatorTestSupport.parse("""
                apiVersion: vigil.dev/v1alpha1
                kind: TelemetryCollector
                metadata: {name: central, namespace: observability}
                spec:
                  serviceSelector:
                    namespaceSelector: {matchLabels: {vigil.dev/collect: "true"}}
                """, dev.vigil.api.v1alpha1.TelemetryCollector.class);
        client.resource(fleet).create();

        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            var rb = client.rbac().roleBindings().inNamespace("team-x").withName("vigil-shop-collector-discovery").get();
            assertThat(rb).isNotNull();
            assertThat(rb.getRoleRef().getKind()).isEqualTo("ClusterRole");
            assertThat(rb.getRoleRef().getName()).isEqualTo("vigil-collector-discovery");
            assertThat(rb.getSubjects()).singleElement().satisfies(s -> {
                assertThat(s.getNamespace()).isEqualTo("observability");
                assertThat(s.getName()).isEqualTo("central-collector");
            });
            assertThat(rb.getMetadata().getOwnerReferences()).singleElement()
                    .satisfies(o -> assertThat(o.getName()).isEqualTo("shop"));
            assertThat(get("team-x", "shop").getStatus().collector.namespace).isEqualTo("observability");
        });

        // The namespace is no longer selected: the service has no fleet and the binding is removed.
        OperatorTestSupport.edit(client.namespaces().withName("team-x"), n -> {
            n.getMetadata().getLabels().remove("vigil.dev/collect");
            return n;
        });
        awaitReady("team-x", "shop", "False", Reasons.NO_MATCHING_COLLECTOR);
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() ->
                assertThat(client.rbac().roleBindings().inNamespace("team-x").withName("vigil-shop-collector-discovery").get())
                        .isNull());
    }

    @Test
    void healthAndMetricsEndpointsAnswer() {
        given().when().get("/q/health/live").then().statusCode(200);
        given().when().get("/q/health/ready").then().statusCode(200);
        client.resource(OperatorTestSupport.service("svc-d", "m", "none")).create();
        awaitReady("svc-d", "m", "False", Reasons.WORKLOAD_MISSING);
        given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("vigil_reconciles_total{kind=\"InstrumentedService\",outcome=\"success\"}"))
                .body(containsString("reconciliations_execution_duration_seconds"))
                .body(containsString("reconciliations_queue"));
    }

    static io.fabric8.kubernetes.api.model.apps.Deployment deployment(String ns, String app) {
        return new DeploymentBuilder().withNewMetadata().withName(app).withNamespace(ns).endMetadata()
                .withNewSpec().withReplicas(2).withNewSelector().addToMatchLabels("app", app).endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", app).endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage("example/app:1").addNewPort()
                .withContainerPort(9464).endPort().endContainer().endSpec().endTemplate().endSpec().build();
    }
}
