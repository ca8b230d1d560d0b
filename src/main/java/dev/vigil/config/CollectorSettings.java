package dev.vigil.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How fleets are wired to the operator: where collectors reach its service discovery, the ClusterRole that lets them
 * discover pods in other namespaces, the optional collector binary that validates configs, whether only running
 * pods are watched for targets, and how often at most a fleet reconciles for the changes of what it reads.
 */
public record CollectorSettings(String sdBaseUrl, String discoveryClusterRole, Optional<Path> validatorBinary,
        boolean watchRunningPodsOnly, Duration minReconcileInterval) {
    public static final String DEFAULT_SD_BASE_URL = "http://vigil.vigil-system.svc:8080";
    public static final String DEFAULT_DISCOVERY_CLUSTER_ROLE = "vigil-collector-discovery";

    public CollectorSettings {
        sdBaseUrl = sdBaseUrl.endsWith("/") ? sdBaseUrl.substring(0, sdBaseUrl.length() - 1) : sdBaseUrl;
        if (minReconcileInterval.isNegative()) {
            // Read as "no pacing" it would hide a typo; the operator does not start, and says why.
            throw new IllegalArgumentException("vigil.collector.min-reconcile-interval must be 0 (no pacing) or more, not "
                    + minReconcileInterval);
        }
    }

    public static CollectorSettings defaults() {
        return Settings.defaults().collector();
    }
}
