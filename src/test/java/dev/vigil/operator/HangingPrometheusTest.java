package dev.vigil.operator;

import dev.vigil.api.v1alpha1.InstrumentedServiceStatus.PoolStatus;
import dev.vigil.prometheus.RealPrometheus;
import dev.vigil.prometheus.SilentServer;
import dev.vigil.status.Conditions;
import dev.vigil.status.Reasons;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A fleet whose Prometheus accepts connections and never answers does not delay the pool loop of a service on a
 * healthy fleet: with 4 reconcile threads and 16 services on the hanging fleet (each evaluation asks two queries of
 * 5 s), the healthy service is still evaluated every interval (5 s), at most one interval late.
 */
@QuarkusTest
@TestProfile(HangingPrometheusTest.FourThreads.class)
@WithKubernetesTestServer(crud = true)
class HangingPrometheusTest {
    public static class FourThreads implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.operator-sdk.concurrent-reconciliation-threads", "4");
        }
    }

    static RealPrometheus prometheus;
    static SilentServer silent;

    @Inject
    KubernetesClient client;

    @BeforeAll
    static void start() throws Exception {
        prometheus = OperatorTestSupport.prometheusWithLiveRequests("vigil-hanging", (data, start) -> data
                .gauge("pool_test_waits", "pool_test_waits{case=\"quiet\"}", start, 360, 0)
                .gauge("pool_test_util", "pool_test_util{case=\"quiet\"}", start, 360, 0.6));
        silent = new SilentServer();
    }

    @AfterAll
    static void stop() throws IOException {
        if (prometheus != null) {
            prometheus.close();
        }
        if (silent != null) {
            silent.close();
        }
    }

    private PoolStatus pool(String ns, String name) {
        var s = client.resources(dev.vigil.api.v1alpha1.InstrumentedService.class).inNamespace(ns).withName(name).get();
        return s == null || s.getStatus() == null || s.getStatus().pools == null ? null : s.getStatus().pools.get(0);
    }

    @Test
    void aHangingPrometheusDoesNotDelayTheServicesOfOtherFleets() throws Exception {
        client.resource(PoolOperatorTest.fleet("hang-a", silent.url())).create();
        for (int i = 0; i < 16; i++) {
            client.resource(InstrumentedServiceOperatorTest.deployment("hang-a", "stuck-" + i)).create();
            client.resource(PoolOperatorTest.service("hang-a", "stuck-" + i, "quiet", "size: {min: 2, max: 40, initial: 10}")).create();
        }
        client.resource(PoolOperatorTest.fleet("hang-b", prometheus.url())).create();
        client.resource(InstrumentedServiceOperatorTest.deployment("hang-b", "healthy")).create();
        client.resource(PoolOperatorTest.service("hang-b", "healthy", "quiet", "size: {min: 2, max: 40, initial: 10}")).create();

        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            PoolStatus p = pool("hang-a", "stuck-0");
            var c = Conditions.find(p.conditions, Reasons.METRICS_AVAILABLE);
            assertThat(c.getReason()).isEqualTo(Reasons.PROMETHEUS_UNAVAILABLE);
            assertThat(c.getMessage()).contains("did not answer within 5000 ms");
            assertThat(pool("hang-b", "healthy").measuredAt).isNotNull();
        });
        // The healthy pool's evaluations (measuredAt, whole seconds) over 40 s.
        TreeSet<Instant> evaluations = new TreeSet<>();
        Instant end = Instant.now().plusSeconds(40);
        while (Instant.now().isBefore(end)) {
            PoolStatus p = pool("hang-b", "healthy");
            if (p != null && p.measuredAt != null) {
                evaluations.add(Instant.parse(p.measuredAt));
            }
            Thread.sleep(200);
        }
        List<Instant> list = new ArrayList<>(evaluations);
        long worst = 0;
        for (int i = 1; i < list.size(); i++) {
            worst = Math.max(worst, Duration.between(list.get(i - 1), list.get(i)).toSeconds());
        }
        System.out.printf("healthy pool evaluated %d times in 40 s; longest gap %d s (interval 5 s)%n", list.size(), worst);
        assertThat(list.size()).as("evaluations in 40 s at a 5 s interval").isGreaterThanOrEqualTo(6);
        assertThat(worst).as("longest gap between two evaluations (s): at most one interval late").isLessThanOrEqualTo(10);
    }
}
