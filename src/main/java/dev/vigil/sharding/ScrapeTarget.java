package dev.vigil.sharding;

import io.fabric8.kubernetes.api.model.LabelSelector;

/**
 * One InstrumentedService as a fleet sees it: where its pods are and how to scrape them. Built by the reconciler
 * from the service's spec and the workload selector its status recorded.
 */
public record ScrapeTarget(String namespace, String name, LabelSelector podSelector, int port, String path,
        String scheme, String interval) {
}
