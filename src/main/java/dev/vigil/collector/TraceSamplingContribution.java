package dev.vigil.collector;

import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.collector.config.CollectorConfigBuilder;
import dev.vigil.collector.config.ComponentType;
import dev.vigil.collector.config.ConfigContribution;
import dev.vigil.collector.config.Signal;
import dev.vigil.config.CollectorSettings;
import dev.vigil.sampling.SamplingStrategiesEndpoint;
import dev.vigil.sampling.TraceSampler;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.vigil.collector.CollectorConfig.map;

/**
 * Trace sampling in a shard fleet, both halves of the loop:
 * <ul>
 * <li>the {@value #EXTENSION} extension of Vigil's collector distribution (collector/vigilsampling) serves the
 * sampling strategy of each service the fleet collects to the apps' SDKs, over Jaeger's remote sampling protocol
 * (gRPC {@value CollectorConfig#SAMPLING_GRPC_PORT}, HTTP {@value CollectorConfig#SAMPLING_HTTP_PORT}, on the OTLP
 * Service), and polls the operator for them ({@link SamplingStrategiesEndpoint}), so a new ratio reaches the apps
 * within seconds, with no config change and no restart;</li>
 * <li>the {@value #SPAN_METRICS} connector counts the spans the fleet receives by service (the spans the SDKs kept),
 * and the fleet's metrics pipeline writes the counts where its other metrics go; the adaptive loop reads their rate
 * from the fleet's Prometheus as {@link TraceSampler#KEPT_SPANS_METRIC} (namespace vigil.spans, the connector's
 * calls counter). Each shard labels its series with its ordinal
 * ({@value #SHARD_LABEL}), so the shards' counters never collide.</li>
 * </ul>
 * The traces themselves go to the fleet's exporters as before: the connector is one more exporter of the traces
 * pipeline, added after them.
 */
final class TraceSamplingContribution implements ConfigContribution {
    static final String EXTENSION = "vigilsampling";
    static final String SPAN_METRICS = "spanmetrics";
    /** How often the fleet's collectors ask the operator for the strategies (a 304 while nothing changed). */
    static final String POLL = "2s";
    /** The label that tells the shards' series apart. */
    public static final String SHARD_LABEL = "vigil_shard";
    /** How often the connector writes its counts. */
    static final String FLUSH = dev.vigil.sampling.SamplingDecision.FLUSH.toSeconds() + "s";

    @Override
    public List<ComponentType> uses() {
        return List.of(ComponentType.extension(EXTENSION, "vigil.dev/collector/vigilsampling"),
                ComponentType.connector(SPAN_METRICS,
                        "github.com/open-telemetry/opentelemetry-collector-contrib/connector/spanmetricsconnector"));
    }

    @Override
    public boolean appliesTo(TelemetryCollector fleet) {
        return !fleet.getSpec().agent();
    }

    @Override
    public void contribute(TelemetryCollector fleet, CollectorSettings settings, CollectorConfigBuilder config) {
        config.extension(EXTENSION, map("endpoint", strategiesUrl(fleet, settings), "poll_interval", POLL,
                "grpc", "0.0.0.0:" + CollectorConfig.SAMPLING_GRPC_PORT,
                "http", "0.0.0.0:" + CollectorConfig.SAMPLING_HTTP_PORT));
        // One counter per service (and shard): no span names, kinds or status codes (cardinality), no histogram.
        config.component(dev.vigil.collector.config.ComponentKind.CONNECTOR, SPAN_METRICS, map(
                "namespace", "vigil.spans",
                "histogram", map("disable", true),
                "exclude_dimensions", List.of("span.name", "span.kind", "status.code"),
                "dimensions", List.of(map("name", SHARD_LABEL.replace('_', '.'),
                        "default", "${env:" + CollectorConfig.SHARD_ENV + "}")),
                "metrics_flush_interval", FLUSH,
                "metrics_expiration", "5m"));
        config.connect(SPAN_METRICS, Signal.TRACES, Signal.METRICS);
    }

    /**
     * The config with the user's fragment merged in, the connector still fed: a fragment that sets the traces
     * pipeline's exporters replaces the list (a list is not merged), which would leave the connector received from
     * but exported to by nothing, a config the collector refuses. The connector is Vigil's plumbing, not one of the
     * user's exporters, so it is put back.
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> keepConnected(Map<String, Object> config) {
        if (!(config.get("connectors") instanceof Map<?, ?> connectors) || !connectors.containsKey(SPAN_METRICS)
                || !(config.get("service") instanceof Map<?, ?> service)
                || !(service.get("pipelines") instanceof Map<?, ?> pipelines)
                || !(pipelines.get(Signal.TRACES.id()) instanceof Map<?, ?> traces)) {
            return config;
        }
        Object exporters = traces.get("exporters");
        if (exporters instanceof List<?> list && list.contains(SPAN_METRICS)) {
            return config;
        }
        List<Object> fed = new ArrayList<>(exporters instanceof List<?> list ? list : List.of());
        fed.add(SPAN_METRICS);
        ((Map<String, Object>) traces).put("exporters", fed);
        return config;
    }

    static String strategiesUrl(TelemetryCollector fleet, CollectorSettings settings) {
        return settings.sdBaseUrl() + SamplingStrategiesEndpoint.PATH + "/" + fleet.getMetadata().getNamespace() + "/"
                + fleet.getMetadata().getName();
    }
}
