package dev.vigil.collector;

import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.collector.config.CollectorConfigBuilder;
import dev.vigil.collector.config.ComponentType;
import dev.vigil.collector.config.ConfigContribution;
import dev.vigil.collector.config.Signal;
import dev.vigil.config.CollectorSettings;

import java.util.List;

import static dev.vigil.collector.CollectorConfig.map;

/** OTLP in (gRPC {@value CollectorConfig#OTLP_GRPC_PORT}, HTTP {@value CollectorConfig#OTLP_HTTP_PORT}): apps push metrics and traces. */
final class OtlpReceiverContribution implements ConfigContribution {
    @Override
    public List<ComponentType> uses() {
        return List.of(ComponentType.receiver("otlp", "go.opentelemetry.io/collector/receiver/otlpreceiver"));
    }

    @Override
    public boolean appliesTo(TelemetryCollector fleet) {
        return !fleet.getSpec().agent();
    }

    @Override
    public void contribute(TelemetryCollector fleet, CollectorSettings settings, CollectorConfigBuilder config) {
        config.receiver("otlp", map("protocols", map(
                "grpc", map("endpoint", "0.0.0.0:" + CollectorConfig.OTLP_GRPC_PORT),
                "http", map("endpoint", "0.0.0.0:" + CollectorConfig.OTLP_HTTP_PORT))));
        config.receive("otlp", Signal.METRICS, Signal.TRACES);
    }
}
