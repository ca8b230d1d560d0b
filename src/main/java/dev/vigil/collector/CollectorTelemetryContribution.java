package dev.vigil.collector;

import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.collector.config.CollectorConfigBuilder;
import dev.vigil.collector.config.ComponentType;
import dev.vigil.collector.config.ConfigContribution;
import dev.vigil.config.CollectorSettings;

import java.util.List;

import static dev.vigil.collector.CollectorConfig.map;

/** The collector's health endpoint (the pods' probes) and its own metrics on {@value CollectorConfig#METRICS_PORT}. */
final class CollectorTelemetryContribution implements ConfigContribution {
    @Override
    public List<ComponentType> uses() {
        return List.of(ComponentType.extension("health_check",
                "github.com/open-telemetry/opentelemetry-collector-contrib/extension/healthcheckextension"));
    }

    @Override
    public void contribute(TelemetryCollector fleet, CollectorSettings settings, CollectorConfigBuilder config) {
        config.extension("health_check", map("endpoint", "0.0.0.0:" + CollectorConfig.HEALTH_PORT));
        config.telemetry(map("metrics", map("readers", List.of(map("pull", map("exporter",
                map("prometheus", map("host", "0.0.0.0", "port", CollectorConfig.METRICS_PORT))))))));
    }
}
