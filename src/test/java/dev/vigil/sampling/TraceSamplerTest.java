package dev.vigil.sampling;

import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.InstrumentedServiceStatus.TraceSamplingStatus;
import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.serialization.Yaml;
import dev.vigil.status.EventRecorder;
import dev.vigil.telemetry.OperatorGauges;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sampling loop between its evaluations: a reconcile that is not due says exactly what the last one said (the
 * status and the condition, so no write), and serves the same ratio.
 */
class TraceSamplerTest {
    static <T> T parse(String yaml, Class<T> type) throws Exception {
        return Yaml.MAPPER.readValue(yaml, type);
    }

    @Test
    void betweenEvaluationsNothingChanges() throws Exception {
        SamplingStrategies strategies = new SamplingStrategies();
        TraceSampler sampler = new TraceSampler(null, null, strategies, new EventRecorder(),
                new OperatorGauges(new SimpleMeterRegistry()), Duration.ofSeconds(30));
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
        TelemetryCollector fleet = parse("""
                apiVersion: vigil.dev/v1alpha1
                kind: TelemetryCollector
                metadata: {name: platform, namespace: obs}
                """, TelemetryCollector.class);

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
}
