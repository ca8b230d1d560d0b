package dev.vigil.collector;

import dev.vigil.api.v1alpha1.ExportersSpec;
import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.collector.config.CollectorConfigBuilder;
import dev.vigil.collector.config.ComponentType;
import dev.vigil.collector.config.ConfigContribution;
import dev.vigil.collector.config.Signal;
import dev.vigil.config.CollectorSettings;

import java.util.List;
import java.util.Map;

import static dev.vigil.collector.CollectorConfig.map;

/**
 * Where a fleet sends what it collects ({@code spec.exporters}): OTLP (gRPC or HTTP) for metrics and traces,
 * Prometheus remote write for metrics, each with an optional bearer token from a Secret (as an env var the StatefulSet
 * sets, see {@link CollectorConfig#secretEnv}). A pipeline left without an exporter gets the debug exporter, so the
 * config stays valid and the data is visible in the collector's log.
 */
final class ExportersContribution implements ConfigContribution {
    @Override
    public List<ComponentType> uses() {
        return List.of(
                ComponentType.exporter("otlp", "go.opentelemetry.io/collector/exporter/otlpexporter"),
                ComponentType.exporter("otlphttp", "go.opentelemetry.io/collector/exporter/otlphttpexporter"),
                ComponentType.exporter("prometheusremotewrite",
                        "github.com/open-telemetry/opentelemetry-collector-contrib/exporter/prometheusremotewriteexporter"),
                ComponentType.exporter("debug", "go.opentelemetry.io/collector/exporter/debugexporter"),
                ComponentType.extension("bearertokenauth",
                        "github.com/open-telemetry/opentelemetry-collector-contrib/extension/bearertokenauthextension"));
    }

    /** The collector's exporter type for an OTLP exporter of the spec: otlp (gRPC) or otlphttp. */
    static String otlpType(ExportersSpec.Otlp spec) {
        return spec.protocol == ExportersSpec.Otlp.Protocol.http ? "otlphttp" : "otlp";
    }

    /** An OTLP exporter's settings, without authentication. */
    static Map<String, Object> otlp(ExportersSpec.Otlp spec) {
        Map<String, Object> otlp = map("endpoint", spec.endpoint);
        if (Boolean.TRUE.equals(spec.insecure)) {
            otlp.put("tls", map("insecure", true));
        }
        return otlp;
    }

    @Override
    public void contribute(TelemetryCollector fleet, CollectorSettings settings, CollectorConfigBuilder config) {
        ExportersSpec ex = fleet.getSpec().exporters;
        if (ex != null && ex.otlp != null) {
            String type = otlpType(ex.otlp);
            Map<String, Object> otlp = otlp(ex.otlp);
            if (ex.otlp.bearerTokenSecretRef != null) {
                config.extension("bearertokenauth/otlp", map("token", "${env:" + CollectorConfig.OTLP_TOKEN_ENV + "}"));
                otlp.put("auth", map("authenticator", "bearertokenauth/otlp"));
            }
            // Every signal the fleet has a pipeline for (metrics and traces for shards, logs for agents).
            config.exporter(type, otlp).export(type, config.signals().toArray(Signal[]::new));
        }
        // Remote write carries metrics only (an agent fleet has none, and admission refuses it there).
        if (ex != null && ex.prometheusRemoteWrite != null && config.signals().contains(Signal.METRICS)) {
            Map<String, Object> rw = map("endpoint", ex.prometheusRemoteWrite.url);
            if (Boolean.TRUE.equals(ex.prometheusRemoteWrite.insecureSkipVerify)) {
                rw.put("tls", map("insecure_skip_verify", true));
            }
            if (ex.prometheusRemoteWrite.bearerTokenSecretRef != null) {
                config.extension("bearertokenauth/remotewrite",
                        map("token", "${env:" + CollectorConfig.REMOTE_WRITE_TOKEN_ENV + "}"));
                rw.put("auth", map("authenticator", "bearertokenauth/remotewrite"));
            }
            config.exporter("prometheusremotewrite", rw).export("prometheusremotewrite", Signal.METRICS);
        }
        List<Signal> withoutExporter = config.signals().stream()
                .filter(s -> config.pipeline(s).exporters().isEmpty()).toList();
        if (!withoutExporter.isEmpty()) {
            config.exporter("debug", map("verbosity", "basic"));
            config.export("debug", withoutExporter.toArray(Signal[]::new));
        }
    }
}
