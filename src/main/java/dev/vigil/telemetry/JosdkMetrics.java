package dev.vigil.telemetry;

import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetricsV2;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The Java Operator SDK's reconcile metrics on the operator's Micrometer registry (/q/metrics):
 * {@code reconciliations_started_total}, {@code reconciliations_success_total}, {@code reconciliations_failure_total},
 * {@code reconciliations_execution_duration_seconds}, {@code reconciliations_active}, {@code reconciliations_queue}.
 * Produced here because the extension's own wiring hands the operator a no-op implementation in the packaged
 * (prod) application (quarkiverse/quarkus-operator-sdk#1385).
 */
public class JosdkMetrics {
    @Produces
    @Singleton
    @Alternative
    @Priority(1)
    Metrics metrics(MeterRegistry registry) {
        return MicrometerMetricsV2.newBuilder(registry).build();
    }
}
