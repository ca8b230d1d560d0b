package dev.vigil.operator;

import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.collector.CollectorConfigMap;
import dev.vigil.naming.Labels;
import dev.vigil.status.Conditions;
import dev.vigil.status.Reasons;
import dev.vigil.serialization.Yaml;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The TelemetryCollector reconciler against the Fabric8 mock server (CRUD mode, no server-side apply). */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class TelemetryCollectorOperatorTest {
    @KubernetesTestServer
    KubernetesServer server;
    @Inject
    KubernetesClient client;
    @Inject
    MeterRegistry registry;
    @Inject
    dev.vigil.logs.AgentRules agentRules;
    @Inject
    io.javaoperatorsdk.operator.Operator operator;

    private TelemetryCollector get(String ns, String name) {
        return client.resources(TelemetryCollector.class).inNamespace(ns).withName(name).get();
    }

    /** Creates a fleet, plays the StatefulSet controller for it, and waits until the fleet reports Ready. */
    private void readyFleet(String ns, String name, int shards) {
        client.resource(OperatorTestSupport.fleet(ns, name, shards)).create();
        OperatorTestSupport.markStatefulSetReadyWhenPresent(client, ns, name + "-collector");
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() ->
                assertThat(Conditions.isTrue(get(ns, name).getStatus().conditions, Reasons.READY)).isTrue());
    }

    @Test
    void createsEveryOwnedObjectAndReportsReadyOnceShardsAreReady() {
        client.resource(OperatorTestSupport.fleet("fleet-a", "platform", 3)).create();

        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() ->
                assertThat(client.apps().statefulSets().inNamespace("fleet-a").withName("platform-collector").get()).isNotNull());
        List<HasMetadata> owned = new ArrayList<>();
        owned.add(client.serviceAccounts().inNamespace("fleet-a").withName("platform-collector").get());
        owned.add(client.rbac().roles().inNamespace("fleet-a").withName("platform-collector-discovery").get());
        owned.add(client.rbac().roleBindings().inNamespace("fleet-a").withName("platform-collector-discovery").get());
        owned.add(client.configMaps().inNamespace("fleet-a").withName("platform-collector-config").get());
        owned.add(client.services().inNamespace("fleet-a").withName("platform-collector-shards").get());
        owned.add(client.services().inNamespace("fleet-a").withName("platform-collector").get());
        owned.add(client.policy().v1().podDisruptionBudget().inNamespace("fleet-a").withName("platform-collector").get());
        owned.add(client.apps().statefulSets().inNamespace("fleet-a").withName("platform-collector").get());
        TelemetryCollector fleet = get("fleet-a", "platform");
        for (HasMetadata o : owned) {
            assertThat(o).isNotNull();
            assertThat(o.getMetadata().getOwnerReferences()).singleElement().satisfies(ref -> {
                assertThat(ref.getUid()).isEqualTo(fleet.getMetadata().getUid());
                assertThat(ref.getKind()).isEqualTo("TelemetryCollector");
            });
            assertThat(o.getMetadata().getLabels()).containsEntry(Labels.MANAGED_BY, "vigil");
        }
        StatefulSet sts = (StatefulSet) owned.get(owned.size() - 1);
        assertThat(sts.getSpec().getReplicas()).isEqualTo(3);
        assertThat(sts.getSpec().getTemplate().getMetadata().getAnnotations()).containsKey(Labels.CONFIG_HASH);

        // Not ready until the StatefulSet controller reports the shards ready.
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            TelemetryCollector f = get("fleet-a", "platform");
            assertThat(f.getStatus()).isNotNull();
            assertThat(Conditions.find(f.getStatus().conditions, Reasons.READY)).as(Yaml.write(f)).isNotNull()
                    .extracting(c -> c.getReason()).isEqualTo(Reasons.SHARDS_NOT_READY);
            assertThat(f.getStatus().shards).isEqualTo("0/3");
        });
        OperatorTestSupport.markStatefulSetReady(client, "fleet-a", "platform-collector");
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            TelemetryCollector f = get("fleet-a", "platform");
            assertThat(Conditions.isTrue(f.getStatus().conditions, Reasons.READY)).isTrue();
            assertThat(Conditions.isTrue(f.getStatus().conditions, Reasons.CONFIG_VALID)).isTrue();
            assertThat(f.getStatus().shards).isEqualTo("3/3");
            assertThat(f.getStatus().replicas).isEqualTo(3);
            assertThat(f.getStatus().observedGeneration).isEqualTo(f.getMetadata().getGeneration());
            assertThat(f.getStatus().selector).isEqualTo(
                    "app.kubernetes.io/name=opentelemetry-collector,app.kubernetes.io/instance=platform,app.kubernetes.io/managed-by=vigil");
        });
    }

    @Test
    void anAgentFleetRunsADaemonSetBesideAMetricsFleetAndServesItsServicesLogOperators() {
        client.resource(OperatorTestSupport.parse("""
                apiVersion: vigil.dev/v1alpha1
                kind: TelemetryCollector
                metadata: {name: nodes, namespace: fleet-g}
                spec: {mode: agent}
                """, TelemetryCollector.class)).create();
        client.resource(OperatorTestSupport.fleet("fleet-g", "metrics", 1)).create();
        client.resource(InstrumentedServiceOperatorTest.deployment("fleet-g", "web")).create();
        client.resource(OperatorTestSupport.service("fleet-g", "web", "web")).create();

        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() ->
                assertThat(client.apps().daemonSets().inNamespace("fleet-g").withName("nodes-agent").get())
                        .as("%s", Yaml.write(get("fleet-g", "nodes"))).isNotNull());
        TelemetryCollector agents = get("fleet-g", "nodes");
        var ds = client.apps().daemonSets().inNamespace("fleet-g").withName("nodes-agent").get();
        assertThat(ds.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(ref -> assertThat(ref.getUid()).isEqualTo(agents.getMetadata().getUid()));
        // A shard fleet's objects are not an agent fleet's.
        assertThat(client.apps().statefulSets().inNamespace("fleet-g").withName("nodes-collector").get()).isNull();
        assertThat(client.services().inNamespace("fleet-g").withName("nodes-collector").get()).isNull();
        assertThat(client.configMaps().inNamespace("fleet-g").withName("nodes-collector-config").get().getData()
                .get("collector.yaml")).contains("filelog:", "vigilrules:", "/logs/v1/fleet-g/nodes", "file_storage:").doesNotContain("scrape_configs", "otlp:\n    protocols");

        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() ->
                assertThat(Conditions.find(get("fleet-g", "nodes").getStatus().conditions, Reasons.READY).getReason())
                        .isEqualTo(Reasons.AGENTS_NOT_READY));
        OperatorTestSupport.markDaemonSetReady(client, "fleet-g", "nodes-agent", 2);
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            TelemetryCollector f = get("fleet-g", "nodes");
            assertThat(Conditions.isTrue(f.getStatus().conditions, Reasons.READY)).as(Yaml.write(f.getStatus())).isTrue();
            assertThat(f.getStatus().agents).isEqualTo("2/2");
            assertThat(f.getStatus().shards).isNull();
            assertThat(f.getStatus().services).isEqualTo(1);
            // Each fleet of its mode: the service's metrics to the shard fleet, its logs to the agents.
            var web = client.resources(dev.vigil.api.v1alpha1.InstrumentedService.class).inNamespace("fleet-g")
                    .withName("web").get();
            assertThat(web.getStatus().collector.name).isEqualTo("metrics");
            assertThat(web.getStatus().logsCollector.name).isEqualTo("nodes");
            assertThat(get("fleet-g", "metrics").getStatus().services).isEqualTo(1);
            String served = agentRules.get(ResourceID.fromResource(f)).orElseThrow().yaml();
            assertThat(served).contains("id: svc-fleet-g-web", "k8s.deployment.name").doesNotContain("type: container");
        });
    }

    @Test
    void changingShardsScalesTheStatefulSet() {
        client.resource(OperatorTestSupport.fleet("fleet-b", "scaled", 2)).create();
        await().atMost(Duration.ofSeconds(30)).until(() ->
                client.apps().statefulSets().inNamespace("fleet-b").withName("scaled-collector").get() != null);

        OperatorTestSupport.edit(client.resources(TelemetryCollector.class).inNamespace("fleet-b").withName("scaled"), t -> {
                    t.getSpec().shards = 5;
                    return t;
                });
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            StatefulSet sts = client.apps().statefulSets().inNamespace("fleet-b").withName("scaled-collector").get();
            assertThat(sts.getSpec().getReplicas()).isEqualTo(5);
            assertThat(get("fleet-b", "scaled").getStatus().shards).endsWith("/5");
        });
    }

    @Test
    void anInvalidFragmentSetsConfigValidFalseAndLeavesRunningCollectorsAlone() throws Exception {
        readyFleet("fleet-c", "guarded", 2);
        ConfigMap before = client.configMaps().inNamespace("fleet-c").withName("guarded-collector-config").get();
        StatefulSet stsBefore = client.apps().statefulSets().inNamespace("fleet-c").withName("guarded-collector").get();

        JsonNode bad = Yaml.MAPPER.readTree("""
                exporters: {kafka: {brokers: ["kafka:9092"]}}
                service: {pipelines: {metrics: {exporters: [kafka]}}}
                """);
        OperatorTestSupport.edit(client.resources(TelemetryCollector.class).inNamespace("fleet-c").withName("guarded"), t -> {
            t.getSpec().config = bad;
            t.getSpec().shards = 4;
            return t;
        });
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            TelemetryCollector f = get("fleet-c", "guarded");
            var valid = Conditions.find(f.getStatus().conditions, Reasons.CONFIG_VALID);
            assertThat(valid.getStatus()).isEqualTo("False");
            assertThat(valid.getReason()).isEqualTo(Reasons.INVALID_CONFIG);
            assertThat(valid.getMessage()).contains("exporters.kafka: component type \"kafka\" is not in the collector");
            assertThat(Conditions.find(f.getStatus().conditions, Reasons.READY).getStatus()).isEqualTo("False");
            assertThat(f.getStatus().observedGeneration).isEqualTo(f.getMetadata().getGeneration());
        });
        // Nothing of the running fleet changed: not the config, not the shard count.
        ConfigMap after = client.configMaps().inNamespace("fleet-c").withName("guarded-collector-config").get();
        StatefulSet stsAfter = client.apps().statefulSets().inNamespace("fleet-c").withName("guarded-collector").get();
        assertThat(after.getData()).isEqualTo(before.getData());
        assertThat(after.getMetadata().getResourceVersion()).isEqualTo(before.getMetadata().getResourceVersion());
        assertThat(stsAfter.getSpec()).isEqualTo(stsBefore.getSpec());
        assertThat(client.v1().events().inNamespace("fleet-c").list().getItems())
                .anySatisfy(e -> {
                    assertThat(e.getType()).isEqualTo("Warning");
                    assertThat(e.getReason()).isEqualTo(Reasons.INVALID_CONFIG);
                    assertThat(e.getInvolvedObject().getName()).isEqualTo("guarded");
                });

        // Fixing the spec resumes: the new shard count is applied.
        OperatorTestSupport.edit(client.resources(TelemetryCollector.class).inNamespace("fleet-c").withName("guarded"), t -> {
            t.getSpec().config = null;
            return t;
        });
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> assertThat(
                client.apps().statefulSets().inNamespace("fleet-c").withName("guarded-collector").get().getSpec().getReplicas())
                .isEqualTo(4));
    }

    @Test
    void aSettingOnlyTheRealCollectorKnowsIsWrongIsCaughtBeforeRollout() throws Exception {
        assertThat(System.getenv("VIGIL_OTELCOL")).as("the tests run with the real collector as validator").isNotBlank();
        readyFleet("fleet-f", "checked", 1);
        String configBefore = client.configMaps().inNamespace("fleet-f").withName("checked-collector-config").get()
                .getData().get(CollectorConfigMap.KEY);

        // Structurally fine (a known component in a defined pipeline), but "loud" is no verbosity the collector knows.
        JsonNode fragment = Yaml.MAPPER.readTree("exporters: {debug: {verbosity: loud}}");
        OperatorTestSupport.edit(client.resources(TelemetryCollector.class).inNamespace("fleet-f").withName("checked"), t -> {
            t.getSpec().config = fragment;
            return t;
        });
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            var valid = Conditions.find(get("fleet-f", "checked").getStatus().conditions, Reasons.CONFIG_VALID);
            assertThat(valid.getStatus()).isEqualTo("False");
            assertThat(valid.getMessage()).contains("the collector rejected the configuration", "loud");
        });
        assertThat(client.configMaps().inNamespace("fleet-f").withName("checked-collector-config").get()
                .getData().get(CollectorConfigMap.KEY)).isEqualTo(configBefore);
    }

    @Test
    void aBurstOfServicesIsCoalescedIntoPacedFleetReconcilesAndNoneIsLost() throws Exception {
        readyFleet("fleet-p", "paced", 1);
        double deferredBefore = reconciles("deferred");

        // 12 services within about a second: each an event for the fleet, all within one or two pacing intervals.
        for (int i = 0; i < 12; i++) {
            client.resource(InstrumentedServiceOperatorTest.deployment("fleet-p", "app-" + i)).create();
            client.resource(OperatorTestSupport.service("fleet-p", "svc-" + i, "app-" + i)).create();
            Thread.sleep(80);
        }
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() ->
                assertThat(get("fleet-p", "paced").getStatus().services).as("every service, none lost").isEqualTo(12));
        assertThat(reconciles("deferred") - deferredBefore)
                .as("events within a fleet's interval put off to its end (vigil.collector.min-reconcile-interval)")
                .isPositive();
    }

    /**
     * The operator's client (Vigil's bean, which JOSDK uses) asks for metadata only where the data is not needed: the
     * answers to its ConfigMap writes and its ConfigMap informers' lists. A ConfigMap read by name keeps its data.
     * (The mock server ignores the header and answers whole objects; the real apiserver's answers are measured by
     * bench/scale.sh and exercised by the e2e suites.)
     */
    @Test
    void vigilsConfigMapWritesAndListsAskForMetadataOnly() throws Exception {
        drainRequests();
        client.resource(OperatorTestSupport.fleet("fleet-m", "meta", 1)).create();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(client.configMaps().inNamespace("fleet-m").withName("meta-collector-config").get()).isNotNull());
        client.configMaps().inAnyNamespace().withLabelSelector(dev.vigil.naming.Labels.SELECT_COLLECTOR).list();
        Map<String, String> accept = new java.util.LinkedHashMap<>();
        RecordedRequest r;
        while ((r = server.getKubernetesMockServer().takeRequest(10, TimeUnit.MILLISECONDS)) != null) {
            if (r.getPath().contains("/configmaps")) {
                accept.put(r.getMethod() + " " + r.getPath(), String.valueOf(r.getHeader("Accept")));
            }
        }
        String metadata = "as=PartialObjectMetadata;g=meta.k8s.io;v=v1";
        assertThat(accept).as("the collector config's create")
                .hasEntrySatisfying("POST /api/v1/namespaces/fleet-m/configmaps", a -> assertThat(a).contains(metadata));
        assertThat(accept).as("a list with Vigil's selector").anySatisfy((k, a) -> {
            assertThat(k).startsWith("GET /api/v1/configmaps?labelSelector=");
            assertThat(a).contains("as=PartialObjectMetadataList");
        });
        assertThat(accept).as("the test's reads by name keep their data").hasEntrySatisfying(
                "GET /api/v1/namespaces/fleet-m/configmaps/meta-collector-config", a -> assertThat(a).doesNotContain("PartialObjectMetadata"));
    }

    @Test
    void aConvergedFleetCausesZeroWriteRequests() throws Exception {
        readyFleet("fleet-d", "idle", 3);
        Thread.sleep(1000); // let the last status patch's own watch event be processed

        drainRequests();
        double reconcilesBefore = reconciles();
        // Periodic reconciles (max-reconciliation-interval is 1s in tests) run over converged state.
        Thread.sleep(5000);
        List<String> writes = new ArrayList<>();
        RecordedRequest r;
        while ((r = server.getKubernetesMockServer().takeRequest(10, TimeUnit.MILLISECONDS)) != null) {
            if (!"GET".equals(r.getMethod())) {
                writes.add(r.getMethod() + " " + r.getPath());
            }
        }
        double reconcilesDuring = reconciles() - reconcilesBefore;
        assertThat(reconcilesDuring).as("reconciles during the idle window").isGreaterThanOrEqualTo(3);
        assertThat(writes).as("write requests after convergence").isEmpty();
    }

    private double reconciles() {
        return reconciles("success");
    }

    private double reconciles(String outcome) {
        return registry.find("vigil.reconciles").tags("kind", "TelemetryCollector", "outcome", outcome).counters()
                .stream().mapToDouble(c -> c.count()).sum();
    }

    private void drainRequests() throws InterruptedException {
        while (server.getKubernetesMockServer().takeRequest(10, TimeUnit.MILLISECONDS) != null) {
            // discard what happened before the measured window
        }
    }

    @Test
    void configMapCarriesTheGeneratedConfig() {
        client.resource(OperatorTestSupport.fleet("fleet-e", "cfg", 1)).create();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            ConfigMap cm = client.configMaps().inNamespace("fleet-e").withName("cfg-collector-config").get();
            assertThat(cm).isNotNull();
            assertThat(cm.getData().get(CollectorConfigMap.KEY)).contains("health_check", "otlp", "debug");
        });
    }

    @Test
    void aHandEditedConfigMapIsPutBackThoughTheCacheHoldsOnlyDigests() {
        client.resource(OperatorTestSupport.fleet("fleet-g", "drift", 1)).create();
        var cm = client.configMaps().inNamespace("fleet-g").withName("drift-collector-config");
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() ->
                assertThat(cm.get().getData().get(CollectorConfigMap.KEY)).contains("health_check"));
        String generated = cm.get().getData().get(CollectorConfigMap.KEY);
        cm.edit(c -> {
            c.getData().put(CollectorConfigMap.KEY, "receivers: {}\n");
            c.getData().put("extra.yaml", "x: 1\n");
            return c;
        });
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(cm.get().getData()).isEqualTo(java.util.Map.of(CollectorConfigMap.KEY, generated)));
    }

    @Test
    void everyConfigMapDependentCachesItsOwnComponentAsDigests() {
        List<String> seen = new ArrayList<>();
        for (io.javaoperatorsdk.operator.RegisteredController<?> c : operator.getRegisteredControllers()) {
            c.getConfiguration().getWorkflowSpec().ifPresent(w -> w.getDependentResourceSpecs().forEach(spec -> {
                if (dev.vigil.kube.VigilConfigMap.class.isAssignableFrom(spec.getDependentResourceClass())) {
                    var cfg = (io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResourceConfig<?>)
                            spec.getConfiguration().orElseThrow();
                    assertThat(cfg.informerConfig().getItemStore()).as(spec.getName())
                            .isInstanceOf(dev.vigil.kube.DigestedConfigMapStore.class);
                    assertThat(cfg.informerConfig().getLabelSelector()).as(spec.getName())
                            .startsWith(dev.vigil.naming.Labels.COMPONENT + "=");
                    seen.add(spec.getDependentResourceClass().getSimpleName());
                }
            }));
        }
        assertThat(seen).containsExactlyInAnyOrder("CollectorConfigMap", "CollectorHandoffsConfigMap", "FleetDashboardConfigMap",
                "FleetSloRollupConfigMap", "PoolSizesConfigMap", "SloRulesConfigMap", "ServiceDashboardConfigMap");
    }
}
