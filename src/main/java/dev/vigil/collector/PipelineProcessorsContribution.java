package dev.vigil.collector;

import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.collector.config.CollectorConfigBuilder;
import dev.vigil.collector.config.ComponentType;
import dev.vigil.collector.config.ConfigContribution;
import dev.vigil.collector.config.Signal;
import dev.vigil.config.CollectorSettings;

import java.util.List;

import static dev.vigil.collector.CollectorConfig.map;

/**
 * The processors every pipeline runs, in this order: memory_limiter first (refuse data before the pod runs out of
 * memory), then those of capabilities (an agent's log rules, {@link NodeLogsContribution}), the fleet and shard (a
 * shard fleet: the dashboards' "scraped by shard" panel reads {@code vigil.shard}) or node (an agent fleet) as
 * resource attributes, batch last. An agent's batches are bounded (at most
 * {@value #AGENT_BATCH_MAX} log records), so one export stays under the 4 MiB an OTLP/gRPC receiver takes by default.
 */
final class PipelineProcessorsContribution implements ConfigContribution {
    static final int AGENT_BATCH_MAX = 2048;

    @Override
    public List<ComponentType> uses() {
        return List.of(
                ComponentType.processor("memory_limiter", "go.opentelemetry.io/collector/processor/memorylimiterprocessor"),
                ComponentType.processor("resource",
                        "github.com/open-telemetry/opentelemetry-collector-contrib/processor/resourceprocessor"),
                ComponentType.processor("batch", "go.opentelemetry.io/collector/processor/batchprocessor"));
    }

    @Override
    public void contribute(TelemetryCollector fleet, CollectorSettings settings, CollectorConfigBuilder config) {
        config.processor("memory_limiter", map("check_interval", "1s", "limit_percentage", 80,
                "spike_limit_percentage", 20));
        boolean agent = fleet.getSpec().agent();
        config.processor("resource", map("attributes", List.of(
                map("key", "vigil.fleet", "value", fleet.getMetadata().getNamespace() + "/" + fleet.getMetadata().getName(),
                        "action", "upsert"),
                agent ? map("key", "k8s.node.name", "value", "${env:" + CollectorConfig.NODE_NAME_ENV + "}", "action", "upsert")
                        : map("key", "vigil.shard", "value", "${env:" + CollectorConfig.SHARD_ENV + "}", "action", "upsert"))));
        config.processor("batch", agent ? map("send_batch_size", 1024, "send_batch_max_size", AGENT_BATCH_MAX, "timeout", "1s")
                : map("send_batch_size", 8192, "timeout", "1s"));
        // Every pipeline the receivers opened (contributions before this one).
        Signal[] signals = config.signals().toArray(Signal[]::new);
        config.processFirst("memory_limiter", signals);
        for (String id : List.of("resource", "batch")) {
            config.process(id, signals);
        }
    }
}
