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
 * The processors every pipeline of a shard fleet runs, in this order: memory_limiter first (refuse data before the
 * pod runs out of memory), the fleet and shard as resource attributes (the dashboards' "scraped by shard" panel
 * reads {@code vigil.shard}), batch last.
 */
final class PipelineProcessorsContribution implements ConfigContribution {
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
        config.processor("resource", map("attributes", List.of(
                map("key", "vigil.fleet", "value", fleet.getMetadata().getNamespace() + "/" + fleet.getMetadata().getName(),
                        "action", "upsert"),
                map("key", "vigil.shard", "value", "${env:" + CollectorConfig.SHARD_ENV + "}", "action", "upsert"))));
        config.processor("batch", map("send_batch_size", 8192, "timeout", "1s"));
        for (String id : List.of("memory_limiter", "resource", "batch")) {
            config.process(id, Signal.METRICS, Signal.TRACES);
        }
    }
}
