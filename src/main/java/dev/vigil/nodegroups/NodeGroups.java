package dev.vigil.nodegroups;

import dev.vigil.api.v1alpha1.NodeGroupOverride;
import dev.vigil.api.v1alpha1.NodeGroupOverride.Provider;
import dev.vigil.api.v1alpha1.NodeGroupsSpec;
import dev.vigil.naming.Names;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAffinity;
import io.fabric8.kubernetes.api.model.NodeAffinityBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.NodeSelectorTermBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Groups an agent fleet's nodes (pure: nodes in, groups out). A node belongs to the fleet when it carries the
 * fleet's nodeSelector labels and the fleet tolerates its taints; its group is its provider ({@link Providers#of}) and, with byLabel, its value of that
 * label. A group exists only while it has a node.
 *
 * <p>A node's provider is not a label, and a DaemonSet's node affinity can only match labels (or the node's name,
 * which would change the pod template, and so roll every agent of the group, whenever a node joins). So Vigil
 * labels each node {@value NodeGroupsSpec#PROVIDER_LABEL}={@code <provider>} ({@link #providerLabel}) and the groups'
 * affinities match that label and byLabel's.
 */
public final class NodeGroups {
    private NodeGroups() {
    }

    /**
     * Taints the DaemonSet controller tolerates on every DaemonSet pod: a node under one of them still runs its
     * agent.
     */
    static final Set<String> DAEMONSET_TOLERATED = Set.of("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable",
            "node.kubernetes.io/disk-pressure", "node.kubernetes.io/memory-pressure", "node.kubernetes.io/pid-pressure",
            "node.kubernetes.io/unschedulable", "node.kubernetes.io/network-unavailable");

    /** The groups of the nodes that carry every nodeSelector label, sorted by name. */
    public static List<NodeGroup> plan(NodeGroupsSpec spec, Map<String, String> nodeSelector, Collection<Node> nodes) {
        return plan(spec, nodeSelector, List.of(), nodes);
    }

    /**
     * The groups of the nodes an agent of the fleet runs on: those that carry every nodeSelector label and whose
     * NoSchedule and NoExecute taints the tolerations (or the DaemonSet controller) tolerate; sorted by name.
     */
    public static List<NodeGroup> plan(NodeGroupsSpec spec, Map<String, String> nodeSelector,
            List<Toleration> tolerations, Collection<Node> nodes) {
        Map<String, List<String>> members = new TreeMap<>();
        Map<String, Provider> providers = new TreeMap<>();
        Map<String, String> values = new TreeMap<>();
        for (Node node : nodes) {
            Map<String, String> labels = labels(node);
            if (nodeSelector != null && !nodeSelector.entrySet().stream()
                    .allMatch(e -> e.getValue().equals(labels.get(e.getKey())))) {
                continue;
            }
            if (!tolerated(node, tolerations == null ? List.of() : tolerations)) {
                continue;
            }
            Provider provider = provider(node);
            String value = labelValue(spec, labels);
            String name = name(provider, value);
            members.computeIfAbsent(name, n -> new ArrayList<>()).add(node.getMetadata().getName());
            providers.put(name, provider);
            if (value != null) {
                values.put(name, value);
            }
        }
        List<NodeGroup> out = new ArrayList<>();
        members.forEach((name, list) -> {
            list.sort(Comparator.naturalOrder());
            Provider p = providers.get(name);
            String v = values.get(name);
            out.add(new NodeGroup(name, p, v, List.copyOf(list), override(spec, p, v)));
        });
        return out;
    }

    /** Whether every taint that keeps pods off the node (NoSchedule, NoExecute) is tolerated. */
    static boolean tolerated(Node node, List<Toleration> tolerations) {
        List<Taint> taints = node.getSpec() == null || node.getSpec().getTaints() == null ? List.of()
                : node.getSpec().getTaints();
        return taints.stream().filter(t -> !"PreferNoSchedule".equals(t.getEffect()))
                .allMatch(t -> DAEMONSET_TOLERATED.contains(t.getKey())
                        || tolerations.stream().anyMatch(tol -> tolerates(tol, t)));
    }

    /** The scheduler's rule: key (empty with Exists: any), operator Exists or Equal value, effect (empty: any). */
    static boolean tolerates(Toleration toleration, Taint taint) {
        boolean exists = "Exists".equals(toleration.getOperator());
        String key = toleration.getKey() == null ? "" : toleration.getKey();
        if (key.isEmpty() && !exists) {
            return false;
        }
        boolean keyMatches = key.isEmpty() || key.equals(taint.getKey());
        boolean valueMatches = exists || Objects.equals(nz(toleration.getValue()), nz(taint.getValue()));
        String effect = toleration.getEffect() == null ? "" : toleration.getEffect();
        return keyMatches && valueMatches && (effect.isEmpty() || effect.equals(taint.getEffect()));
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    /** The node's value of byLabel, null when there is no byLabel, or the node lacks it or has it empty. */
    static String labelValue(NodeGroupsSpec spec, Map<String, String> labels) {
        if (spec.byLabel == null) {
            return null;
        }
        String v = labels.get(spec.byLabel);
        return v == null || v.isEmpty() ? null : v;
    }

    /**
     * A group's name: the provider, then the label value in DNS-label form; when that form differs from the value
     * (upper case, '_' or '.'), a hash of the value too, so two values never share a name. At most 63 characters.
     */
    public static String name(Provider provider, String labelValue) {
        if (labelValue == null) {
            return provider.name();
        }
        String safe = labelValue.toLowerCase().replaceAll("[^a-z0-9-]+", "-").replaceAll("-+", "-")
                .replaceAll("^-|-$", "");
        String name = provider.name() + "-" + safe;
        if (!safe.equals(labelValue)) {
            name = Names.fit(name, Names.LABEL_MAX - 7) + "-" + Names.sha256Hex(labelValue).substring(0, 6);
        }
        return Names.fit(name, Names.LABEL_MAX);
    }

    /** The override of a group: its own (provider and labelValue), else its provider's without labelValue. */
    static NodeGroupOverride override(NodeGroupsSpec spec, Provider provider, String labelValue) {
        NodeGroupOverride wide = null;
        for (NodeGroupOverride o : spec.overrides == null ? List.<NodeGroupOverride>of() : spec.overrides) {
            if (o.provider != provider) {
                continue;
            }
            if (o.labelValue == null || o.labelValue.isEmpty()) {
                wide = o;
            } else if (o.labelValue.equals(labelValue)) {
                return o;
            }
        }
        return wide;
    }

    /**
     * The nodes a group's DaemonSet runs on: the provider label, and with byLabel its value (a group without one:
     * the label absent, or present and empty; two terms, either may match).
     */
    public static NodeAffinity affinity(NodeGroupsSpec spec, NodeGroup group) {
        NodeSelectorRequirement provider = requirement(NodeGroupsSpec.PROVIDER_LABEL, "In", group.provider().name());
        List<NodeSelectorTerm> terms = new ArrayList<>();
        if (spec.byLabel == null) {
            terms.add(term(provider));
        } else if (group.labelValue() != null) {
            terms.add(term(provider, requirement(spec.byLabel, "In", group.labelValue())));
        } else {
            terms.add(term(provider, requirement(spec.byLabel, "DoesNotExist", null)));
            terms.add(term(provider, requirement(spec.byLabel, "In", "")));
        }
        return new NodeAffinityBuilder().withNewRequiredDuringSchedulingIgnoredDuringExecution()
                .withNodeSelectorTerms(terms).endRequiredDuringSchedulingIgnoredDuringExecution().build();
    }

    private static NodeSelectorTerm term(NodeSelectorRequirement... requirements) {
        return new NodeSelectorTermBuilder().withMatchExpressions(requirements).build();
    }

    private static NodeSelectorRequirement requirement(String key, String operator, String value) {
        return new NodeSelectorRequirementBuilder().withKey(key).withOperator(operator)
                .withValues(value == null ? null : List.of(value)).build();
    }

    /** The node's provider, from its providerID. */
    static Provider provider(Node node) {
        return Providers.of(node.getSpec() == null ? null : node.getSpec().getProviderID());
    }

    /** The value of {@value NodeGroupsSpec#PROVIDER_LABEL} a node should carry. */
    public static String providerLabel(Node node) {
        return provider(node).name();
    }

    /** Whether the node lacks its provider label or carries another value. */
    public static boolean needsLabel(Node node) {
        return !Objects.equals(providerLabel(node), labels(node).get(NodeGroupsSpec.PROVIDER_LABEL));
    }

    /**
     * What node grouping reads of a node, and nothing else (the informer's cache keeps this): name, uid,
     * resourceVersion, labels, providerID, taints.
     */
    public static Node pruned(Node node) {
        return new NodeBuilder().withNewMetadata().withName(node.getMetadata().getName())
                .withUid(node.getMetadata().getUid()).withResourceVersion(node.getMetadata().getResourceVersion())
                .withLabels(node.getMetadata().getLabels()).endMetadata()
                .withNewSpec().withProviderID(node.getSpec() == null ? null : node.getSpec().getProviderID())
                .withTaints(node.getSpec() == null ? null : node.getSpec().getTaints()).endSpec()
                .build();
    }

    /** Whether a node's change matters to grouping (not its status: heartbeats, images, conditions). */
    public static boolean groupingChanged(Node now, Node before) {
        Node a = pruned(now);
        Node b = pruned(before);
        return !Objects.equals(a.getMetadata().getLabels(), b.getMetadata().getLabels()) || !Objects.equals(a.getSpec(), b.getSpec());
    }

    static Map<String, String> labels(Node node) {
        Map<String, String> l = node.getMetadata().getLabels();
        return l == null ? Map.of() : l;
    }
}
