package dev.vigil.operator;

import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.InstrumentedServiceStatus.PoolStatus;
import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.prometheus.RealPrometheus;
import dev.vigil.status.Conditions;
import dev.vigil.status.Reasons;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Pool autoscaling through the operator, against a real Prometheus serving fixed signals around the test's wall
 * clock: the size grows step by step, max and the budget cap it (with Warning events), more replicas shrink it at
 * once, a budget shared by two services is never exceeded, an SLO burning fast holds scale-down, and a Prometheus
 * that goes away holds the size with MetricsAvailable=False. Scrape interval 2s and evaluation interval 5s keep
 * the steps a few seconds apart.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class PoolOperatorTest {
    static RealPrometheus prometheus;

    @Inject
    KubernetesClient client;
    @Inject
    dev.vigil.pool.PoolAutoscaler autoscaler;

    @BeforeAll
    static void startPrometheus() throws Exception {
        prometheus = OperatorTestSupport.prometheusWithLiveRequests("vigil-pool-operator", (data, start) -> data
                .gauge("pool_test_waits", "pool_test_waits{case=\"hot\"}", start, 360, 3)
                .gauge("pool_test_waits", "pool_test_waits{case=\"quiet\"}", start, 360, 0)
                .gauge("pool_test_util", "pool_test_util{case=\"hot\"}", start, 360, 1)
                .gauge("pool_test_util", "pool_test_util{case=\"quiet\"}", start, 360, 0.1));
    }

    @AfterAll
    static void stopPrometheus() {
        if (prometheus != null) {
            prometheus.close();
        }
    }

    static TelemetryCollector fleet(String ns, String url) {
        return SloOperatorTest.fleet(ns, url);
    }

    /** A service whose pool "cache" reads the fixed signals of {@code signalCase}. */
    static InstrumentedService service(String ns, String name, String signalCase, String pool) {
        return OperatorTestSupport.parse("""
                apiVersion: vigil.dev/v1alpha1
                kind: InstrumentedService
                metadata: {name: %s, namespace: %s}
                spec:
                  workloadRef: {name: %s}
                  metrics: {port: 9464, interval: 2s}
                  pools:
                    - name: cache
                      signals:
                        waitQuery: max(pool_test_waits{case="%s"})
                        utilisationQuery: max(pool_test_util{case="%s"})
                      behavior: {evaluationInterval: 5s, scaleDown: {stabilizationSeconds: 0}}
                %s
                """.formatted(name, ns, name, signalCase, signalCase, pool.indent(6)), InstrumentedService.class);
    }

    private InstrumentedService get(String ns, String name) {
        return client.resources(InstrumentedService.class).inNamespace(ns).withName(name).get();
    }

    private Integer delivered(String ns, String name) {
        ConfigMap cm = client.configMaps().inNamespace(ns).withName(name + "-pools").get();
        return cm == null || cm.getData() == null || !cm.getData().containsKey("cache") ? null
                : Integer.parseInt(cm.getData().get("cache"));
    }

    private PoolStatus pool(String ns, String name) {
        var st = get(ns, name).getStatus();
        return st == null || st.pools == null ? null : st.pools.get(0);
    }

    private static String state(List<Condition> conditions, String type) {
        Condition c = Conditions.find(conditions, type);
        return c == null ? null : c.getStatus() + "/" + c.getReason();
    }

    private List<Event> events(String ns, String reason) {
        return client.v1().events().inNamespace(ns).list().getItems().stream()
                .filter(e -> reason.equals(e.getReason())).toList();
    }

    @Test
    void growsStepByStepUntilMaxAndBudgetCapAndShrinksWhenReplicasGrow() {
        String ns = "pool-a";
        var deployment = InstrumentedServiceOperatorTest.deployment(ns, "api");
        deployment.getSpec().setReplicas(3);
        client.resource(deployment).create();
        client.resource(fleet(ns, prometheus.url())).create();
        client.resource(service(ns, "api", "hot", """
                size: {min: 2, max: 20, initial: 4}
                budget: {maxConnections: 30}
                """)).create();

        // Waits of 3/s per replica against a target of 0.5/s: +100% per step, 4 -> 8, then the budget of 30
        // connections over 3 replicas stops it at 10 (the 48 the signals ask for are over max 20 as well).
        List<Integer> seen = new ArrayList<>();
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            Integer size = delivered(ns, "api");
            if (size != null && (seen.isEmpty() || !seen.get(seen.size() - 1).equals(size))) {
                seen.add(size);
            }
            assertThat(size).isEqualTo(10);
        });
        assertThat(seen).containsSubsequence(8, 10).allMatch(s -> s <= 10).doesNotContain(16);
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
            PoolStatus p = pool(ns, "api");
            assertThat(p.size).isEqualTo(10);
            assertThat(p.replicas).isEqualTo(3);
            assertThat(p.waitsPerSecond).isEqualTo("3");
            assertThat(p.utilisation).isEqualTo("1");
            assertThat(p.reason).isEqualTo("CappedByBudget");
            assertThat(p.budget.maxConnections).isEqualTo(30);
            assertThat(p.budget.share).isEqualTo(30);
            assertThat(p.budget.inUse).isEqualTo(30);
            assertThat(p.lastChange.from + "->" + p.lastChange.to).isEqualTo("8->10");
            assertThat(state(p.conditions, Reasons.METRICS_AVAILABLE)).isEqualTo("True/" + Reasons.SIGNALS_READ);
            assertThat(state(p.conditions, Reasons.BUDGET_LIMITED)).isEqualTo("True/" + Reasons.CAPPED_BY_BUDGET);
            assertThat(state(p.conditions, Reasons.SCALING_LIMITED)).isEqualTo("True/" + Reasons.CAPPED_BY_MAX);
            assertThat(get(ns, "api").getStatus().poolSizes).isEqualTo("cache=10");
        });
        assertThat(events(ns, Reasons.POOL_RESIZED)).extracting(Event::getMessage)
                .anySatisfy(m -> assertThat(m).startsWith("pool cache: 4 -> 8 (ScaledUp: waits 3/s per replica over the target 0.5/s"))
                .anySatisfy(m -> assertThat(m).startsWith("pool cache: 8 -> 10 (CappedByBudget: "));
        assertThat(events(ns, Reasons.CAPPED_BY_BUDGET)).singleElement()
                .satisfies(e -> assertThat(e.getType()).isEqualTo("Warning"));
        assertThat(events(ns, Reasons.CAPPED_BY_MAX)).singleElement()
                .satisfies(e -> assertThat(e.getType()).isEqualTo("Warning"));

        // What the generated dashboards read from the operator: the delivered and desired sizes, targets per shard.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> io.restassured.RestAssured.given().when().get("/q/metrics")
                .then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("vigil_pool_size{pool=\"cache\",service_name=\"api\",service_namespace=\"pool-a\"} 10.0"))
                .body(org.hamcrest.Matchers.containsString("vigil_pool_desired_size{pool=\"cache\",service_name=\"api\",service_namespace=\"pool-a\"} "))
                .body(org.hamcrest.Matchers.containsString("vigil_fleet_shard_targets{fleet=\"platform\",fleet_namespace=\"pool-a\",shard=\"0\"}")));

        // An HPA-like change to 5 replicas: 30 connections leave 6 each, at once.
        client.apps().deployments().inNamespace(ns).withName("api").scale(5);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(delivered(ns, "api")).isEqualTo(6));

        // Prometheus goes away: the size is held and the pool says why.
        OperatorTestSupport.edit(client.resources(TelemetryCollector.class).inNamespace(ns).withName("platform"), f -> {
            f.getSpec().prometheus.url = "http://127.0.0.1:1";
            return f;
        });
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> {
            PoolStatus p = pool(ns, "api");
            assertThat(state(p.conditions, Reasons.METRICS_AVAILABLE)).isEqualTo("False/" + Reasons.PROMETHEUS_UNAVAILABLE);
            assertThat(Conditions.find(p.conditions, Reasons.METRICS_AVAILABLE).getMessage())
                    .isEqualTo("cannot connect to Prometheus at http://127.0.0.1:1; holding the size");
            assertThat(p.reason).isEqualTo("NoData");
            assertThat(p.size).isEqualTo(6);
        });
        assertThat(delivered(ns, "api")).isEqualTo(6);
    }

    @Test
    void aSharedBudgetIsNeverExceededAndEndsSplitFairly() {
        String ns = "pool-b";
        client.resource(fleet(ns, prometheus.url())).create();
        for (String name : List.of("orders", "billing")) {
            var deployment = InstrumentedServiceOperatorTest.deployment(ns, name);
            deployment.getSpec().setReplicas(1);
            client.resource(deployment).create();
            client.resource(service(ns, name, "hot", """
                    size: {min: 2, max: 50, initial: 2}
                    budget: {maxConnections: 20, name: pg}
                    """)).create();
        }
        List<String> samples = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            Integer a = delivered(ns, "orders");
            Integer b = delivered(ns, "billing");
            int sum = (a == null ? 0 : a) + (b == null ? 0 : b);
            samples.add(a + "+" + b);
            assertThat(sum).as("connections of the shared budget after %s", samples).isLessThanOrEqualTo(20);
            assertThat(Map.of("orders", a == null ? 0 : a, "billing", b == null ? 0 : b))
                    .containsEntry("orders", 10).containsEntry("billing", 10);
        });
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
            PoolStatus p = pool(ns, "orders");
            assertThat(p.budget.name).isEqualTo("pg");
            assertThat(p.budget.share).isEqualTo(10);
            assertThat(p.budget.totalInUse).isEqualTo(20);
            assertThat(state(p.conditions, Reasons.BUDGET_LIMITED)).isEqualTo("True/" + Reasons.CAPPED_BY_BUDGET);
        });
    }

    @Test
    void aRestartInsideTheScaleDownWindowNeitherShrinksEarlyNorStartsTheWindowOver() {
        String ns = "pool-r";
        client.resource(InstrumentedServiceOperatorTest.deployment(ns, "api")).create();
        client.resource(fleet(ns, prometheus.url())).create();
        InstrumentedService s = service(ns, "api", "quiet", "size: {min: 2, max: 40, initial: 20}");
        s.getSpec().pools.get(0).behavior.scaleDown.stabilizationSeconds = 30;
        client.resource(s).create();
        // Utilisation 0.1 asks for 3 at once; the window holds 20 for 30 s from the first evaluation, whose
        // recommendation of the current size is the oldest entry of status' windows.
        java.time.Instant[] windowStart = new java.time.Instant[1];
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> {
            PoolStatus p = pool(ns, "api");
            assertThat(p.reason).isEqualTo("Stabilizing");
            assertThat(p.windows.highest.get(0).size).isEqualTo(20);
            windowStart[0] = java.time.Instant.parse(p.windows.highest.get(0).at);
        });
        await().until(() -> java.time.Instant.now().isAfter(windowStart[0].plusSeconds(6)));
        // What a restart (or a fail-over) leaves the operator: no memory of its own, status as it was written.
        autoscaler.forget(new io.javaoperatorsdk.operator.processing.event.ResourceID("api", ns));
        java.time.Instant restart = java.time.Instant.now();
        // The size is delivered (the ConfigMap) before status records the change: wait for both.
        await().atMost(Duration.ofSeconds(45)).ignoreExceptions().untilAsserted(() -> {
            assertThat(delivered(ns, "api")).isEqualTo(10);
            assertThat(pool(ns, "api").lastChange.to).isEqualTo(10);
        });
        java.time.Instant shrunk = java.time.Instant.parse(pool(ns, "api").lastChange.at);
        assertThat(shrunk).as("not before the window begun at the first evaluation ended (status keeps whole seconds)")
                .isAfterOrEqualTo(windowStart[0].plusSeconds(29));
        assertThat(shrunk).as("the window ran on: it did not start over at the restart").isBefore(restart.plusSeconds(29));
    }

    @Test
    void aBurningSloHoldsScaleDownAndTheSizeGoesDownOnceItIsGone() {
        String ns = "pool-c";
        client.resource(InstrumentedServiceOperatorTest.deployment(ns, "quiet")).create();
        client.resource(fleet(ns, prometheus.url())).create();
        InstrumentedService s = service(ns, "quiet", "quiet", """
                size: {min: 2, max: 20, initial: 10}
                """);
        s.getSpec().slos = SloOperatorTest.service(ns, "sum(rate(live_requests_total{code=\"500\"}[$window]))").getSpec().slos;
        client.resource(s).create();

        // Utilisation 10% under a 70% target asks for 2, but the SLO burns 50x on its 5m window.
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            PoolStatus p = pool(ns, "quiet");
            assertThat(p.reason).isEqualTo("SLOGate");
            assertThat(p.message).contains("SLO availability burns 50x on its 5m window");
            assertThat(p.desiredSize).isEqualTo(2);
            assertThat(p.size).isEqualTo(10);
        });
        assertThat(delivered(ns, "quiet")).isEqualTo(10);

        OperatorTestSupport.edit(client.resources(InstrumentedService.class).inNamespace(ns).withName("quiet"), x -> {
            x.getSpec().slos = new ArrayList<>();
            return x;
        });
        // Down by at most 50% per step: 10 -> 5 -> 3 -> 2, and never below min.
        List<Integer> seen = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            Integer size = delivered(ns, "quiet");
            if (size != null && (seen.isEmpty() || !seen.get(seen.size() - 1).equals(size))) {
                seen.add(size);
            }
            assertThat(size).isEqualTo(2);
        });
        assertThat(seen).containsExactly(10, 5, 3, 2);
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() ->
                assertThat(state(pool(ns, "quiet").conditions, Reasons.SCALING_LIMITED)).isEqualTo("True/" + Reasons.RAISED_TO_MIN));
    }

    @Test
    void anEnvPoolForAContainerTheWorkloadDoesNotHaveIsNotReady() {
        String ns = "pool-d";
        client.resource(InstrumentedServiceOperatorTest.deployment(ns, "api")).create();
        client.resource(fleet(ns, prometheus.url())).create();
        client.resource(service(ns, "api", "quiet", """
                size: {min: 2, max: 20, initial: 3}
                delivery: {type: Env, container: sidecar, envName: POOL_SIZE}
                """)).create();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            var st = get(ns, "api").getStatus();
            assertThat(state(st.conditions, Reasons.READY)).isEqualTo("False/" + Reasons.POOL_DELIVERY_FAILED);
            assertThat(state(st.conditions, Reasons.POOLS_DELIVERED)).isEqualTo("False/" + Reasons.POOL_DELIVERY_FAILED);
            assertThat(Conditions.find(st.conditions, Reasons.READY).getMessage())
                    .isEqualTo("container sidecar (delivery.container) is not in Deployment api; the pool size is not delivered");
        });
        // Nothing of the workload was changed.
        assertThat(client.apps().deployments().inNamespace(ns).withName("api").get().getSpec().getTemplate().getSpec()
                .getContainers()).singleElement().satisfies(c -> assertThat(c.getEnv()).isNullOrEmpty());
    }
}
