package dev.vigil.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.prometheus.PrometheusClient;
import dev.vigil.serialization.Yaml;
import dev.vigil.status.EventRecorder;
import dev.vigil.telemetry.OperatorGauges;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** What the autoscaler remembers of a service that is deleted (the reconciler keeps no finalizer). */
class PoolAutoscalerTest {
    private static InstrumentedService service(String name, boolean pools) throws Exception {
        return Yaml.MAPPER.readValue("""
                apiVersion: vigil.dev/v1alpha1
                kind: InstrumentedService
                metadata: {name: %s, namespace: shop}
                spec:
                  workloadRef: {name: %s}
                """.formatted(name, name) + (pools ? """
                  pools:
                    - name: db
                      size: {min: 2, max: 40, initial: 4}
                """ : ""), InstrumentedService.class);
    }

    private static PoolAutoscaler.Inputs inputs(Predicate<String> exists, AtomicInteger listed) {
        return new PoolAutoscaler.Inputs(Optional.empty(), 1, () -> {
            listed.incrementAndGet();
            return List.of();
        }, exists, true, null);
    }

    private static Long size(OperatorGauges gauges, String service) {
        return gauges.value(OperatorGauges.POOL_SIZE, Tags.of("service_namespace", "shop", "service_name", service, "pool", "db"));
    }

    @Test
    void aDeletedServiceIsForgottenByTheNextReconcileInItsNamespaceWithoutListingIt() throws Exception {
        OperatorGauges gauges = new OperatorGauges(new SimpleMeterRegistry());
        PoolAutoscaler autoscaler = new PoolAutoscaler(null, new PrometheusClient(), new BudgetLedger(), new EventRecorder(), gauges);
        AtomicInteger listed = new AtomicInteger();
        for (String name : List.of("orders", "billing")) {
            InstrumentedService s = service(name, true);
            PoolAutoscaler.Outcome out = autoscaler.update(s, null, inputs(n -> true, listed));
            autoscaler.delivered(s, out, null);
            assertThat(size(gauges, name)).isEqualTo(4L);
        }

        // orders is deleted; a service without pools reconciles in the namespace.
        Set<String> asked = new java.util.HashSet<>();
        autoscaler.update(service("web", false), null, inputs(n -> asked.add(n) && !n.equals("orders"), listed));

        assertThat(size(gauges, "orders")).isNull();
        assertThat(size(gauges, "billing")).isEqualTo(4L);
        // One lookup per remembered service, and no list of the namespace: no pool here shares a budget.
        assertThat(asked).containsExactlyInAnyOrder("orders", "billing");
        assertThat(listed).hasValue(0);
    }
}
