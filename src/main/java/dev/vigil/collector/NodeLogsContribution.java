package dev.vigil.collector;

import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.collector.config.CollectorConfigBuilder;
import dev.vigil.collector.config.ComponentType;
import dev.vigil.collector.config.ConfigContribution;
import dev.vigil.collector.config.Signal;
import dev.vigil.config.CollectorSettings;
import dev.vigil.logs.AgentOperators;
import dev.vigil.logs.LogRulesEndpoint;
import dev.vigil.naming.Names;

import java.util.List;
import java.util.Map;

import static dev.vigil.collector.CollectorConfig.map;

/**
 * An agent fleet's logs: the filelog receiver tails every container log of the node under {@value #POD_LOGS} (the
 * kubelet's layout, {@code <namespace>_<pod>_<uid>/<container>/<restart>.log}, and the files it rotated to
 * {@code .log.<timestamp>}), except the agent's own pods' (a debug exporter would otherwise feed on itself), with one
 * operator that never changes: the container parser. Everything that changes (workload enrichment, the app teams'
 * LogParserRules, the platform team's default rules) runs in the {@code vigilrules} processor of Vigil's collector
 * distribution (collector/vigilrules), which polls the operator for the fleet's operators and swaps them in place
 * between two batches. So a rule change restarts nothing, not even the receiver: no file is re-read and no batch
 * is sent twice. Read offsets live in file_storage on the node ({@value #STATE_DIR}, a hostPath per fleet), so a
 * restarted pod resumes where it stopped; the processor keeps a copy of the last rules there too, for a pod that
 * starts while the operator is unreachable. A refused batch (memory_limiter) is retried, not dropped.
 */
final class NodeLogsContribution implements ConfigContribution {
    static final String POD_LOGS = "/var/log/pods";
    /** Mounted from the node's /var/lib/vigil/<namespace>/<fleet>. */
    static final String STATE_DIR = "/var/lib/vigil-agent";
    static final String OFFSETS_DIR = STATE_DIR + "/offsets";
    /** The processor's copy of the last served rules (so a pod restarted while the operator is down keeps them). */
    static final String RULES_CACHE_DIR = STATE_DIR + "/rules";
    /** The processor that runs the served rules (collector/vigilrules). */
    static final String RULES_PROCESSOR = "vigilrules";
    /** How often the agents ask the operator for their rules (a 304 while nothing changed). */
    static final String RULES_POLL = "2s";

    @Override
    public List<ComponentType> uses() {
        return List.of(
                ComponentType.receiver("filelog",
                        "github.com/open-telemetry/opentelemetry-collector-contrib/receiver/filelogreceiver"),
                ComponentType.extension("file_storage",
                        "github.com/open-telemetry/opentelemetry-collector-contrib/extension/storage/filestorage"),
                ComponentType.processor(RULES_PROCESSOR, "vigil.dev/collector/vigilrules"));
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
        filelog.put("operators", List.of(AgentOperators.containerParser()));
        config.receiver("filelog", filelog);
        config.receive("filelog", Signal.LOGS);
        config.processor(RULES_PROCESSOR, map("endpoint", rulesUrl(fleet, settings), "poll_interval", RULES_POLL,
                "cache_dir", RULES_CACHE_DIR, "agent", "${env:" + CollectorConfig.NODE_NAME_ENV + "}"));
        config.process(RULES_PROCESSOR, Signal.LOGS);
    }

    static String rulesUrl(TelemetryCollector fleet, CollectorSettings settings) {
        return settings.sdBaseUrl() + LogRulesEndpoint.PATH + "/" + fleet.getMetadata().getNamespace() + "/"
                + fleet.getMetadata().getName();
    }
}
