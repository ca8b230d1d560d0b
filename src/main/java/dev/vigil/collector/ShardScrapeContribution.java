package dev.vigil.collector;

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
 * Scraping the fleet's services: one Prometheus scrape job whose targets come from the operator's HTTP service
 * discovery for this pod's shard (dev.vigil.sharding assigns targets to shards and serves each shard its list, with
 * per-target job, path, scheme and interval labels). The pod's ServiceAccount token proves which fleet it belongs to.
 * If the operator is unreachable the receiver keeps scraping the last list it got.
 */
final class ShardScrapeContribution implements ConfigContribution {
    @Override
    public List<ComponentType> uses() {
        return List.of(ComponentType.receiver("prometheus",
                "github.com/open-telemetry/opentelemetry-collector-contrib/receiver/prometheusreceiver"));
    }

    @Override
    public boolean appliesTo(TelemetryCollector fleet) {
        return !fleet.getSpec().agent();
    }

    @Override
    public void contribute(TelemetryCollector fleet, CollectorSettings settings, CollectorConfigBuilder config) {
        config.receiver("prometheus", map("config", map(
                "global", map("scrape_interval", fleet.getSpec().scrapeIntervalOrDefault()),
                "scrape_configs", List.of(scrapeJob(fleet, settings)))));
        config.receive("prometheus", Signal.METRICS);
    }

    private static Map<String, Object> scrapeJob(TelemetryCollector fleet, CollectorSettings settings) {
        String url = settings.sdBaseUrl() + "/sd/v1/" + fleet.getMetadata().getNamespace() + "/"
                + fleet.getMetadata().getName() + "/${env:" + CollectorConfig.SHARD_ENV + "}";
        Map<String, Object> sd = map();
        sd.put("url", url);
        sd.put("refresh_interval", CollectorConfig.SD_REFRESH);
        sd.put("authorization", map("type", "Bearer", "credentials_file", CollectorConfig.SERVICE_ACCOUNT_TOKEN));
        Map<String, Object> job = map();
        job.put("job_name", "vigil");
        job.put("http_sd_configs", List.of(sd));
        return job;
    }
}
