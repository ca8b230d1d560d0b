package dev.vigil.sampling;

import com.sun.net.httpserver.HttpServer;
import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.InstrumentedServiceStatus.TraceSamplingStatus;
import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.prometheus.PrometheusClient;
import dev.vigil.serialization.Yaml;
import dev.vigil.status.EventRecorder;
import dev.vigil.telemetry.OperatorGauges;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sampling loop between its evaluations: a reconcile that is not due says exactly what the last one said (the
 * status and the condition, so no write), and serves the same ratio.
 */
class TraceSamplerTest {
    static <T> T parse(String yaml, Class<T> type) throws Exception {
        return Yaml.MAPPER.readValue(yaml, type);
    }

    /** The sampler with the operator's default windows: 20 s to 2 minutes, a count every 5 s. */
    static TraceSampler sampler(PrometheusClient prometheus, SamplingStrategies strategies) {
        return new TraceSampler(null, prometheus, strategies, new EventRecorder(),
                new OperatorGauges(new SimpleMeterRegistry()), Duration.ofSeconds(20), Duration.ofMinutes(2),
                SamplingDecision.FLUSH);
    }

    /** Fleet obs/platform with {@code spec} (YAML, may be empty). */
    static TelemetryCollector fleet(String spec) throws Exception {
        return parse("""
                apiVersion: vigil.dev/v1alpha1
                kind: TelemetryCollector
                metadata: {name: platform, namespace: obs}
                """ + spec, TelemetryCollector.class);
    }

    @Test
    void betweenEvaluationsNothingChanges() throws Exception {
        SamplingStrategies strategies = new SamplingStrategies();
        TraceSampler sampler = sampler(null, strategies);
        InstrumentedService service = parse("""
                apiVersion: vigil.dev/v1alpha1
                kind: InstrumentedService
                metadata: {name: cart, namespace: shop}
                spec:
                  workloadRef: {name: cart}
                  traces:
                    sampling: {mode: adaptive, targetSpansPerSecond: 200, ratio: 0.1, evaluationInterval: 60s}
                """, InstrumentedService.class);
        // A fleet without spec.prometheus: the loop holds, and says why.
        TelemetryCollector fleet = fleet("");

        TraceSampler.Outcome first = sampler.update(service, null, Optional.of(fleet), false);
        TraceSamplingStatus s = first.status().orElseThrow();
        assertThat(s.ratio).isEqualTo("0.1");
        assertThat(s.reason).isEqualTo("Holding");
        assertThat(first.message()).startsWith("the fleet serves ratio 0.1 (TelemetryCollector platform sets no "
                + "spec.prometheus");

        for (boolean burning : new boolean[] {false, false}) {
            TraceSampler.Outcome next = sampler.update(service, s, Optional.of(fleet), burning);
            assertThat(next.status()).contains(s);
            assertThat(next.reason()).isEqualTo(first.reason());
            assertThat(next.message()).isEqualTo(first.message());
            assertThat(next.recheckAfter().orElseThrow()).isLessThanOrEqualTo(Duration.ofSeconds(60));
        }
        assertThat(strategies.get(new ResourceID("platform", "obs")).json()).contains("\"param\":0.1");

        // A burn that starts is acted on at once, not at the next interval.
        TraceSampler.Outcome boosted = sampler.update(service, s, Optional.of(fleet), true);
        assertThat(boosted.status().orElseThrow().reason).isEqualTo("Boosted");
        assertThat(boosted.status().orElseThrow().ratio).isEqualTo("0.4");
        assertThat(boosted.boostEvent()).isPresent();
    }

    /**
     * The spec's bounds, boost factor and interval reach the loop: a real HTTP Prometheus answers 200 kept spans/s;
     * at ratio 0.05 that is 4,000 in, and the target 20 wants 0.005 — bounded by minRatio 0.05 (a tenth of the ratio
     * would be allowed); the next evaluation is due after evaluationInterval (45 s); a burn raises the ratio x2
     * (sloBoostFactor), bounded by maxRatio 0.08.
     */
    @Test
    void theSpecsBoundsBoostAndIntervalAreHonoured() throws Exception {
        List<String> queries = new CopyOnWriteArrayList<>();
        HttpServer prom = prometheus(queries, q -> "200");
        try {
            TraceSampler sampler = sampler(new PrometheusClient(), new SamplingStrategies());
            InstrumentedService service = parse("""
                    apiVersion: vigil.dev/v1alpha1
                    kind: InstrumentedService
                    metadata: {name: cart, namespace: shop}
                    spec:
                      workloadRef: {name: cart}
                      traces:
                        sampling: {mode: adaptive, targetSpansPerSecond: 20, ratio: 0.05, minRatio: 0.05,
                                   maxRatio: 0.08, sloBoostFactor: 2, evaluationInterval: 45s}
                    """, InstrumentedService.class);
            TelemetryCollector fleet = fleet("""
                    spec:
                      prometheus: {url: "http://127.0.0.1:%d"}
                    """.formatted(prom.getAddress().getPort()));

            TraceSampler.Outcome first = sampler.update(service, null, Optional.of(fleet), false);
            TraceSamplingStatus s = first.status().orElseThrow();
            assertThat(s.ratio).as(s.message).isEqualTo("0.05");
            assertThat(s.message).contains("bounded by [0.05, 0.08]");
            assertThat(s.spansPerSecond).isEqualTo("4000");
            assertThat(first.recheckAfter()).contains(Duration.ofSeconds(45));
            assertThat(queries).anyMatch(q -> q.contains("vigil_spans_calls_total{service_name=\"cart\"}"));

            TraceSampler.Outcome boosted = sampler.update(service, s, Optional.of(fleet), true);
            assertThat(boosted.status().orElseThrow().reason).isEqualTo("Boosted");
            // base 0.05 x 2 = 0.1, bounded by maxRatio 0.08.
            assertThat(boosted.status().orElseThrow().ratio).isEqualTo("0.08");
            assertThat(boosted.status().orElseThrow().baseRatio).isEqualTo("0.05");
        } finally {
            prom.stop(0);
        }
    }

    /** A Prometheus HTTP API answering every instant query with one sample, {@code answer} of the query. */
    static HttpServer prometheus(List<String> queries, Function<String, String> answer) throws IOException {
        HttpServer prom = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        prom.createContext("/api/v1/query", x -> {
            String q = URLDecoder.decode(x.getRequestURI().getRawQuery() + "&"
                    + new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8), StandardCharsets.UTF_8);
            queries.add(q);
            byte[] body = ("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{},"
                    + "\"value\":[1,\"" + answer.apply(q) + "\"]}]}}").getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().add("Content-Type", "application/json");
            x.sendResponseHeaders(200, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        prom.start();
        return prom;
    }

    /**
     * A series younger than the window (a new service): its counts cover 30 s of the 2-minute window, so the loop
     * reads those 30 s (rather than holding until the series is 2 minutes old); a window with a gap that the time
     * covered does not explain is held.
     */
    @Test
    void aYoungSeriesIsReadOverTheTimeItCovers() throws Exception {
        List<String> queries = new CopyOnWriteArrayList<>();
        // 6 counts (30 s at one per 5 s) whatever the window; 50 kept spans/s.
        HttpServer prom = prometheus(queries, q -> q.contains("count_over_time") ? "6" : "50");
        try {
            TraceSampler sampler = sampler(new PrometheusClient(), new SamplingStrategies());
            InstrumentedService service = parse("""
                    apiVersion: vigil.dev/v1alpha1
                    kind: InstrumentedService
                    metadata: {name: fresh, namespace: shop}
                    spec:
                      workloadRef: {name: fresh}
                      traces:
                        sampling: {mode: adaptive, targetSpansPerSecond: 20}
                    """, InstrumentedService.class);
            TelemetryCollector fleet = fleet("""
                    spec:
                      prometheus: {url: "http://127.0.0.1:%d"}
                    """.formatted(prom.getAddress().getPort()));
            TraceSamplingStatus s = sampler.update(service, null, Optional.of(fleet), false).status().orElseThrow();
            assertThat(queries).anyMatch(q -> q.contains("[120s]")).anyMatch(q -> q.contains("rate(vigil_spans_calls_total"
                    + "{service_name=\"fresh\"}[30s])"));
            // 50 kept at 1 over the 30 s covered: 20 / 50 = 0.4.
            assertThat(s.ratio).as(s.message).isEqualTo("0.4");
            assertThat(s.message).contains("over 30 s");
        } finally {
            prom.stop(0);
        }
    }
}
