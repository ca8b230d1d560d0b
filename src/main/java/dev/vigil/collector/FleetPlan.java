package dev.vigil.collector;

import dev.vigil.kube.ContextKey;
import dev.vigil.nodegroups.NodeGroup;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a reconcile decided for a fleet before any write: the rendered collector config and its hash, and for an
 * agent fleet with node groups each group's own config (then the fleet's config is what every group's starts from,
 * and the hash covers the groups'). The dependents read it from the workflow context, so their desired() stays a
 * pure function of (fleet, plan).
 *
 * @param groups empty unless the fleet has spec.agent.nodeGroups (then: one per group that has nodes)
 */
public record FleetPlan(String configYaml, String configHash, int services, int replicas, List<Group> groups) {
    public static final ContextKey<FleetPlan> KEY = ContextKey.of(FleetPlan.class);

    /** A node group's collector config: the key of the fleet's ConfigMap it is stored under. */
    public record Group(NodeGroup group, String configKey, String configYaml, String configHash) {
    }

    public FleetPlan(String configYaml, String configHash, int services, int replicas) {
        this(configYaml, configHash, services, replicas, null);
    }

    /** The same plan with a different pod count (while removed shards still drain their targets). */
    public FleetPlan withReplicas(int n) {
        return new FleetPlan(configYaml, configHash, services, n, groups);
    }

    /** Whether the fleet runs node groups (even while none has a node). */
    public boolean grouped() {
        return groups != null;
    }

    /** The config files the collectors read, by ConfigMap key, with the hash of each. */
    public Map<String, String> files() {
        Map<String, String> out = new LinkedHashMap<>();
        if (!grouped()) {
            out.put(CollectorConfigMap.KEY, configYaml);
        } else {
            groups.forEach(g -> out.put(g.configKey(), g.configYaml()));
        }
        return out;
    }
}
