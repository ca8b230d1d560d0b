package dev.vigil.nodegroups;

import dev.vigil.api.v1alpha1.NodeGroupOverride;
import dev.vigil.api.v1alpha1.NodeGroupOverride.Provider;

import java.util.List;

/**
 * One node group of an agent fleet: its nodes' provider and, with nodeGroups.byLabel, their value of that label
 * (null: the label is absent or empty), the nodes (sorted), and the override that applies to it (or null).
 *
 * @param name DNS-safe and unique within the fleet: the provider, then the label value made DNS-safe (with a hash
 *             of the value when that changed it)
 */
public record NodeGroup(String name, Provider provider, String labelValue, List<String> nodes,
        NodeGroupOverride override) {
}
