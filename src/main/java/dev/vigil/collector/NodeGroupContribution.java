package dev.vigil.collector;

import dev.vigil.api.v1alpha1.NodeGroupOverride;
import dev.vigil.api.v1alpha1.NodeGroupsSpec;
import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.collector.config.CollectorConfigBuilder;
import dev.vigil.collector.config.ComponentType;
import dev.vigil.collector.config.ConfigContribution;
import dev.vigil.collector.config.Signal;
import dev.vigil.config.CollectorSettings;
import dev.vigil.nodegroups.NodeGroup;
import dev.vigil.nodegroups.Providers;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.vigil.collector.CollectorConfig.map;

/**
 * A node group's part of an agent's configuration (spec.agent.nodeGroups): the {@value #DETECT_PROCESSOR} processor
 * of Vigil's distribution (collector/vigildetect) with only the detectors of the group's provider
 * ({@link Providers#detectors}), bounded by nodeGroups.detectionTimeout, and the group's attributes
 * ({@value #GROUP_ATTRIBUTE} and the override's); an override's extra OTLP exporter. Nothing for the fleet's own
 * configuration: detection is per group, and a fleet without node groups has none.
 */
final class NodeGroupContribution implements ConfigContribution {
    static final String DETECT_PROCESSOR = "vigildetect";
    /** The resource attribute naming the group on everything its agents send. */
    static final String GROUP_ATTRIBUTE = "vigil.node_group";

    @Override
    public List<ComponentType> uses() {
        return List.of(ComponentType.processor(DETECT_PROCESSOR, "vigil.dev/collector/vigildetect"));
    }

    @Override
    public boolean appliesTo(TelemetryCollector fleet) {
        return NodeGroupsPart.grouped(fleet);
    }

    @Override
    public void contribute(TelemetryCollector fleet, CollectorSettings settings, CollectorConfigBuilder config) {
    }

    @Override
    public void contributeForGroup(TelemetryCollector fleet, NodeGroup group, CollectorConfigBuilder config) {
        NodeGroupsSpec spec = fleet.getSpec().agent.nodeGroups;
        NodeGroupOverride override = group.override();
        Map<String, Object> attributes = new TreeMap<>();
        if (override != null && override.attributes != null) {
            attributes.putAll(override.attributes);
        }
        attributes.put(GROUP_ATTRIBUTE, group.name());
        config.processor(DETECT_PROCESSOR, map("detectors", Providers.detectors(group.provider()),
                "timeout", NodeGroupsSpec.detectionTimeout(spec),
                "host_name", "${env:" + CollectorConfig.NODE_NAME_ENV + "}",
                "attributes", attributes));
        Signal[] signals = config.signals().toArray(Signal[]::new);
        config.process(DETECT_PROCESSOR, signals);
        if (override != null && override.otlp != null) {
            String id = ExportersContribution.otlpType(override.otlp) + "/" + group.name();
            config.exporter(id, ExportersContribution.otlp(override.otlp)).export(id, signals);
        }
    }
}
