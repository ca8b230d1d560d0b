package dev.vigil.sharding;

import java.util.Map;

/**
 * One scrape: a pod's address for one InstrumentedService, with the labels service discovery hands the collector
 * (job, namespace, pod, service, and the per-target __metrics_path__, __scheme__, __scrape_interval__ and
 * __scrape_timeout__). The key, {@code <job>|<address>}, identifies it for the assignment, so that two services
 * scraping one pod are two targets.
 */
public record ScrapeEndpoint(String key, String address, Map<String, String> labels) {
    public static String key(String job, String address) {
        return job + "|" + address;
    }
}
