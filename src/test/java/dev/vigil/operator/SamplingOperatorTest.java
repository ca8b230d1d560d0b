package dev.vigil.operator;

import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.InstrumentedServiceStatus.TraceSamplingStatus;
import dev.vigil.prometheus.OpenMetricsCounters.Phase;
import dev.vigil.prometheus.RealPrometheus;
import dev.vigil.sampling.SamplingStrategies;
import dev.vigil.status.Conditions;
import dev.vigil.status.Reasons;
import dev.vigil.telemetry.OperatorGauges;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.micrometer.core.instrument.Tags;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Trace sampling through the operator, against a real Prometheus holding the fleet's kept-span counter: a fixed
 * ratio is served as it is; an adaptive service that keeps 100 spans/s at ratio 1 with a target of 20 gets 0.2;
 * one whose SLO burns is boosted (and says so in an event); the strategies document of the fleet holds what the
 * statuses say, and a service whose sampling is removed leaves it.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class SamplingOperatorTest {
    static RealPrometheus prometheus;

    @Inject
    KubernetesClient client;
    @Inject
    SamplingStrategies strategies;
    @Inject
    OperatorGauges gauges;

    @BeforeAll
    static void startPrometheus() throws Exception {
        // 100 spans a second from "busy" and from "burning" (whose SLO reads live_requests: 5 % errors).
        prometheus = OperatorTestSupport.prometheusWithLiveRequests("vigil-sampling-operator", (data, start) -> data
                .counter("vigil_spans_calls", "vigil_spans_calls_total{service_name=\"busy\",vigil_shard=\"0\"}",
                        start, List.of(new Phase(6000, 360)))
                .counter("vigil_spans_calls", "vigil_spans_calls_total{service_name=\"burning\",vigil_shard=\"0\"}",
                        start, List.of(new Phase(6000, 360))));
    }

    @AfterAll
    static void stopPrometheus() {
        if (prometheus != null) {
            prometheus.close();
        }
    }

    static InstrumentedService service(String ns, String name, String sampling, String slos) {
        return OperatorTestSupport.parse("""
                apiVersion: vigil.dev/v1alpha1
                kind: InstrumentedService
                metadata: {name: %s, namespace: %s}
                spec:
                  workloadRef: {name: %s}
                  metrics: {port: 9464}
                  traces:
                    sampling: %s
                %s
                """.formatted(name, ns, name, sampling, slos.indent(2)), InstrumentedService.class);
    }

    private TraceSamplingStatus awaitSampling(String ns, String name, String reason) {
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
            InstrumentedService s = client.resources(InstrumentedService.class).inNamespace(ns).withName(name).get();
            assertThat(s.getStatus().traceSampling.reason).isEqualTo(reason);
            var c = Conditions.find(s.getStatus().conditions, Reasons.TRACE_SAMPLING);
            assertThat(c.getStatus()).isEqualTo("True");
            assertThat(c.getReason()).isEqualTo(reason);
        });
        return client.resources(InstrumentedService.class).inNamespace(ns).withName(name).get().getStatus().traceSampling;
    }

    @Test
    void fixedAdaptiveAndBoosted() {
        String ns = "sampling";
        client.resource(SloOperatorTest.fleet(ns, prometheus.url())).create();
        for (String app : List.of("fixed", "busy", "burning")) {
            client.resource(InstrumentedServiceOperatorTest.deployment(ns, app)).create();
        }
        client.resource(service(ns, "fixed", "{mode: fixed, ratio: 0.25}", "")).create();
        client.resource(service(ns, "busy", "{mode: adaptive, targetSpansPerSecond: 20, evaluationInterval: 5s}", "")).create();
        client.resource(service(ns, "burning", "{mode: adaptive, targetSpansPerSecond: 20, evaluationInterval: 5s}", """
                slos:
                  - name: availability
                    objective: "99.9"
                    window: 30d
                    indicator:
                      ratio:
                        errors: sum(rate(live_requests_total{code="500"}[$window]))
                        total: sum(rate(live_requests_total[$window]))
                """)).create();

        TraceSamplingStatus fixed = awaitSampling(ns, "fixed", "Fixed");
        assertThat(fixed.ratio).isEqualTo("0.25");
        assertThat(fixed.mode).isEqualTo("fixed");
        assertThat(fixed.endpoint).isEqualTo("http://platform-collector." + ns + ".svc:14250");

        // 100 spans/s kept at the starting ratio 1 (maxRatio): 100 come in, 20 / 100 = 0.2.
        TraceSamplingStatus busy = awaitSampling(ns, "busy", "Target");
        assertThat(busy.ratio).isEqualTo("0.2");
        assertThat(busy.baseRatio).isEqualTo("0.2");
        assertThat(busy.keptSpansPerSecond).isEqualTo("100");
        assertThat(busy.spansPerSecond).isEqualTo("100");
        assertThat(busy.measuredAt).isNotNull();
        assertThat(busy.lastChange).isNull(); // the first ratio served is no change

        // The same traffic with an SLO burning 50x: base 0.2, served 0.2 x 4 = 0.8.
        TraceSamplingStatus burning = awaitSampling(ns, "burning", "Boosted");
        assertThat(burning.ratio).isEqualTo("0.8");
        assertThat(burning.baseRatio).isEqualTo("0.2");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                client.v1().events().inNamespace(ns).list().getItems())
                .anySatisfy(e -> assertThat(e.getReason() + " " + e.getMessage())
                        .startsWith(Reasons.SAMPLING_BOOSTED + " trace sampling boosted to 0.8")));

        // What the fleet's collectors are served, and the operator's gauge.
        ResourceID fleet = new ResourceID("platform", ns);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(strategies.get(fleet).json()).isEqualTo(
                "{\"service_strategies\":[{\"service\":\"burning\",\"type\":\"probabilistic\",\"param\":0.8},"
                        + "{\"service\":\"busy\",\"type\":\"probabilistic\",\"param\":0.2},"
                        + "{\"service\":\"fixed\",\"type\":\"probabilistic\",\"param\":0.25}]}"));
        assertThat(gauges.value(OperatorGauges.SAMPLING_RATIO, Tags.of("service_namespace", ns, "service_name", "fixed")))
                .isNotNull();

        // Sampling removed: the strategy goes, and so does the condition.
        OperatorTestSupport.edit(client.resources(InstrumentedService.class).inNamespace(ns).withName("fixed"), x -> {
            x.getSpec().traces = null;
            return x;
        });
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(strategies.get(fleet).json()).doesNotContain("\"fixed\"");
            InstrumentedService s = client.resources(InstrumentedService.class).inNamespace(ns).withName("fixed").get();
            assertThat(Conditions.find(s.getStatus().conditions, Reasons.TRACE_SAMPLING)).isNull();
            assertThat(s.getStatus().traceSampling).isNull();
        });
        // Deleted: likewise.
        client.resources(InstrumentedService.class).inNamespace(ns).withName("busy").delete();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(strategies.get(fleet).json()).doesNotContain("\"busy\""));
    }
}
