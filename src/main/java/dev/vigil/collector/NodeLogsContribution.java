package dev.vigil.collector;

import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.collector.config.CollectorConfigBuilder;
import dev.vigil.collector.config.ComponentType;
import dev.vigil.collector.config.ConfigContribution;
import dev.vigil.collector.config.Signal;
import dev.vigil.config.CollectorSettings;
import dev.vigil.logs.LogRulesEndpoint;
import dev.vigil.naming.Names;

import java.util.List;
import java.util.Map;

import static dev.vigil.collector.CollectorConfig.map;

/**
 * An agent fleet's logs: the filelog receiver tails every container log of the node under {@value #POD_LOGS} (the
 * kubelet's layout, {@code <namespace>_<pod>_<uid>/<container>/<restart>.log}, and the files it rotated to
 * {@code .log.<timestamp>}), except the agent's own pods' (a debug exporter would otherwise feed on itself). Its
 * operators are {@code ${vigil:URL}}: the list the operator serves for the fleet (the container parser, workload
 * enrichment, parsing rules), which Vigil's collector distribution polls and reloads in place, restarting only this
 * receiver (the agent runs with the service.partialReload feature gate). Read offsets live in file_storage on the
 * node ({@value #STATE_DIR}, a hostPath per fleet), so a reloaded receiver or a restarted pod resumes where it
 * stopped: no line lost, none sent twice. A refused batch (memory_limiter) is retried, not dropped.
 */
final class NodeLogsContribution implements ConfigContribution {
    static final String POD_LOGS = "/var/log/pods";
    /** Mounted from the node's /var/lib/vigil/<namespace>/<fleet>. */
    static final String STATE_DIR = "/var/lib/vigil-agent";
    static final String OFFSETS_DIR = STATE_DIR + "/offsets";
    /** The confmap provider's copy of the last served rules (so a pod restarted while the operator is down keeps them). */
    static final String RULES_CACHE_DIR = STATE_DIR + "/rules";
    /** The collector flag the agents run with: a reload restarts only the receiver whose configuration changed. */
    static final String PARTIAL_RELOAD_FLAG = "--feature-gates=service.partialReload";

    @Override
    public List<ComponentType> uses() {
        return List.of(
                ComponentType.receiver("filelog",
                        "github.com/open-telemetry/opentelemetry-collector-contrib/receiver/filelogreceiver"),
                ComponentType.extension("file_storage",
                        "github.com/open-telemetry/opentelemetry-collector-contrib/extension/storage/filestorage"));
    }

    @Override
    public boolean appliesTo(TelemetryCollector fleet) {
        return fleet.getSpec().agent();
    }

    @Override
    public void contribute(TelemetryCollector fleet, CollectorSettings settings, CollectorConfigBuilder config) {
        config.extension("file_storage", map("directory", OFFSETS_DIR, "create_directory", true));
        String ownPods = POD_LOGS + "/" + fleet.getMetadata().getNamespace() + "_"
                + Names.collectorDaemonSet(fleet.getMetadata().getName()) + "-*_*/*/*";
        Map<String, Object> filelog = map();
        filelog.put("include", List.of(POD_LOGS + "/*/*/*.log", POD_LOGS + "/*/*/*.log.*"));
        filelog.put("exclude", List.of(POD_LOGS + "/*/*/*.gz", POD_LOGS + "/*/*/*.tmp", ownPods));
        // Files already on the node when the agent first starts are read from their start (bounded by the kubelet's
        // containerLogMaxSize x containerLogMaxFiles); after that the stored offsets decide.
        filelog.put("start_at", "beginning");
        filelog.put("include_file_path", true);
        filelog.put("storage", "file_storage");
        filelog.put("retry_on_failure", map("enabled", true));
        filelog.put("operators", "${vigil:" + rulesUrl(fleet, settings) + "}");
        config.receiver("filelog", filelog);
        config.receive("filelog", Signal.LOGS);
    }

    static String rulesUrl(TelemetryCollector fleet, CollectorSettings settings) {
        return settings.sdBaseUrl() + LogRulesEndpoint.PATH + "/" + fleet.getMetadata().getNamespace() + "/"
                + fleet.getMetadata().getName();
    }
}
