package dev.vigil.nodegroups;

import dev.vigil.api.v1alpha1.NodeGroupOverride;
import dev.vigil.api.v1alpha1.NodeGroupOverride.Provider;
import dev.vigil.api.v1alpha1.NodeGroupsSpec;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class NodeGroupsTest {
    static final String POOL = "cloud.example.com/pool";

    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {
            "aws:///eu-west-1a/i-0123456789abcdef0, aws",
            "azure:///subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachineScaleSets/vmss/virtualMachines/0, azure",
            "gce://my-project/us-central1-c/gke-pool-a-1, gcp",
            "null, onprem",
            "'', onprem",
            "kind://docker/kind/kind-control-plane, onprem",
            "vsphere://4201a1d5-0000, onprem",
            "awsx://i-1, onprem",
            "i-0123 (no scheme), onprem"})
    void providerFromProviderId(String providerId, Provider expected) {
        assertThat(Providers.of(providerId)).isEqualTo(expected);
    }

    @Test
    void eachProviderDetectsOnlyItsOwnCloud() {
        assertThat(Providers.detectors(Provider.aws)).containsExactly("env", "ec2", "system");
        assertThat(Providers.detectors(Provider.azure)).containsExactly("env", "azure", "system");
        assertThat(Providers.detectors(Provider.gcp)).containsExactly("env", "gcp", "system");
        assertThat(Providers.detectors(Provider.onprem)).containsExactly("env", "system");
    }

    @Test
    void groupNamesAreDnsSafeAndDistinct() {
        assertThat(NodeGroups.name(Provider.aws, null)).isEqualTo("aws");
        assertThat(NodeGroups.name(Provider.aws, "m6i-large")).isEqualTo("aws-m6i-large");
        // A value a DNS label can't hold gets a hash, so "m6i.large" and "m6i-large" stay two groups.
        assertThat(NodeGroups.name(Provider.aws, "m6i.large")).matches("aws-m6i-large-[0-9a-f]{6}");
        assertThat(NodeGroups.name(Provider.gcp, "Pool_A")).matches("gcp-pool-a-[0-9a-f]{6}");
        String longValue = "a".repeat(63);
        assertThat(NodeGroups.name(Provider.onprem, longValue)).hasSizeLessThanOrEqualTo(63)
                .isNotEqualTo(NodeGroups.name(Provider.onprem, "a".repeat(62) + "b"));
        assertThat(NodeGroups.name(Provider.azure, "___")).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    }

    @Test
    void overrideOfItsOwnValueReplacesTheProvidersOverride() {
        NodeGroupsSpec spec = spec(POOL);
        NodeGroupOverride wide = override(Provider.aws, null);
        NodeGroupOverride own = override(Provider.aws, "gpu");
        spec.overrides = List.of(wide, own, override(Provider.gcp, null));
        assertThat(NodeGroups.override(spec, Provider.aws, "gpu")).isSameAs(own);
        assertThat(NodeGroups.override(spec, Provider.aws, "general")).isSameAs(wide);
        assertThat(NodeGroups.override(spec, Provider.aws, null)).isSameAs(wide);
        assertThat(NodeGroups.override(spec, Provider.azure, null)).isNull();
    }

    @Test
    void nodesOutsideTheNodeSelectorFormNoGroup() {
        List<Node> nodes = List.of(node("a", "aws:///x/i-1", Map.of("team", "obs")), node("b", "gce://p/z/b", Map.of()));
        List<NodeGroup> groups = NodeGroups.plan(spec(null), Map.of("team", "obs"), nodes);
        assertThat(groups).extracting(NodeGroup::name).containsExactly("aws");
        assertThat(groups.get(0).nodes()).containsExactly("a");
    }

    /** A node is the fleet's when the fleet (or the DaemonSet controller) tolerates its taints: as the scheduler decides. */
    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {
            // taint key, value, effect | toleration key, operator, value, effect | in the fleet
            "dedicated, logs, NoSchedule,   null, null, null, null,                false",
            "dedicated, logs, NoSchedule,   dedicated, Equal, logs, NoSchedule,    true",
            "dedicated, logs, NoSchedule,   dedicated, Equal, apps, NoSchedule,    false",
            "dedicated, logs, NoSchedule,   dedicated, Exists, null, null,         true",
            "dedicated, logs, NoExecute,    dedicated, Equal, logs, NoSchedule,    false",
            "dedicated, logs, NoExecute,    null, Exists, null, null,              true",
            "dedicated, logs, PreferNoSchedule, null, null, null, null,            true",
            "node.kubernetes.io/not-ready, null, NoExecute, null, null, null, null, true",
            "node.kubernetes.io/unschedulable, null, NoSchedule, null, null, null, null, true"})
    void taintsDecideMembership(String taintKey, String taintValue, String effect, String tolKey, String operator,
            String tolValue, String tolEffect, boolean member) {
        Node n = node("n", "aws:///x/i-1", Map.of());
        n.getSpec().setTaints(List.of(new io.fabric8.kubernetes.api.model.Taint(effect, taintKey, null, taintValue)));
        List<io.fabric8.kubernetes.api.model.Toleration> tolerations = tolKey == null && operator == null ? List.of()
                : List.of(new io.fabric8.kubernetes.api.model.Toleration(tolEffect, tolKey, operator, null, tolValue));
        assertThat(NodeGroups.plan(spec(null), null, tolerations, List.of(n))).hasSize(member ? 1 : 0);
    }

    /** The cache keeps what grouping reads; a node's status changing (heartbeats, images) is no event. */
    @Test
    void onlyWhatGroupingReadsIsCachedAndCounts() {
        Node full = node("a", "aws:///x/i-1", Map.of("pool", "general"));
        full.getMetadata().setAnnotations(Map.of("node.alpha.kubernetes.io/ttl", "0"));
        full.setStatus(new io.fabric8.kubernetes.api.model.NodeStatusBuilder()
                .addNewImage().withNames("registry.example/app:1").withSizeBytes(123_456_789L).endImage().build());
        Node pruned = NodeGroups.pruned(full);
        assertThat(pruned.getStatus()).isNull();
        assertThat(pruned.getMetadata().getAnnotations()).isNullOrEmpty();
        assertThat(NodeGroups.plan(spec("pool"), null, List.of(pruned))).isEqualTo(NodeGroups.plan(spec("pool"), null, List.of(full)));

        Node heartbeat = new NodeBuilder(full).editStatus().addNewCondition().withType("Ready").withStatus("True")
                .endCondition().endStatus().build();
        assertThat(NodeGroups.groupingChanged(heartbeat, pruned)).isFalse();
        Node relabelled = new NodeBuilder(full).editMetadata().addToLabels("pool", "gpu").endMetadata().build();
        assertThat(NodeGroups.groupingChanged(relabelled, pruned)).isTrue();
        Node tainted = new NodeBuilder(full).editSpec().addNewTaint().withKey("k").withEffect("NoSchedule").endTaint()
                .endSpec().build();
        assertThat(NodeGroups.groupingChanged(tainted, pruned)).isTrue();
    }

    @Test
    void theProviderLabelIsWrittenOnlyWhereMissingOrWrong() {
        assertThat(NodeGroups.needsLabel(node("a", "aws:///x/i-1", Map.of()))).isTrue();
        assertThat(NodeGroups.needsLabel(node("a", "aws:///x/i-1", Map.of(NodeGroupsSpec.PROVIDER_LABEL, "gcp")))).isTrue();
        assertThat(NodeGroups.needsLabel(node("a", "aws:///x/i-1", Map.of(NodeGroupsSpec.PROVIDER_LABEL, "aws")))).isFalse();
        assertThat(NodeGroups.needsLabel(node("a", null, Map.of(NodeGroupsSpec.PROVIDER_LABEL, "onprem")))).isFalse();
    }

    /**
     * Property, over random clusters (providers, some nodes with the grouping label, some with it empty, some
     * outside the fleet's nodeSelector): once nodes carry their provider label, every node of the fleet is matched
     * by exactly one group's affinity, and that group lists it; no node outside the fleet is listed; no group is
     * empty; names are unique.
     */
    @Test
    void everyNodeIsCoveredByExactlyOneGroup() {
        Random random = new Random(20261206);
        String[] ids = {"aws:///eu-west-1a/i-%d", "azure:///subscriptions/s/vm-%d", "gce://p/us-central1-a/n-%d",
                null, "vsphere://vm-%d", "kwok://%d"};
        String[] values = {"general", "gpu", "m6i.large", "Pool_A", ""};
        for (int round = 0; round < 500; round++) {
            boolean byLabel = random.nextBoolean();
            NodeGroupsSpec spec = spec(byLabel ? POOL : null);
            Map<String, String> selector = random.nextInt(4) == 0 ? Map.of("agents", "yes") : null;
            List<Node> nodes = new ArrayList<>();
            int count = random.nextInt(40);
            for (int i = 0; i < count; i++) {
                String id = ids[random.nextInt(ids.length)];
                Map<String, String> labels = new HashMap<>();
                if (random.nextInt(3) > 0) {
                    labels.put(POOL, values[random.nextInt(values.length)]);
                }
                if (selector == null || random.nextInt(3) > 0) {
                    labels.put("agents", "yes");
                }
                Node n = node("node-" + i, id == null ? null : String.format(id, i), labels);
                n.getMetadata().getLabels().put(NodeGroupsSpec.PROVIDER_LABEL, NodeGroups.providerLabel(n));
                nodes.add(n);
            }
            List<NodeGroup> groups = NodeGroups.plan(spec, selector, nodes);
            assertThat(groups).allSatisfy(g -> assertThat(g.nodes()).isNotEmpty());
            assertThat(new HashSet<>(groups.stream().map(NodeGroup::name).toList())).hasSize(groups.size());
            Set<String> listed = new HashSet<>();
            for (Node n : nodes) {
                boolean inFleet = selector == null || "yes".equals(n.getMetadata().getLabels().get("agents"));
                List<NodeGroup> matching = groups.stream()
                        .filter(g -> matches(NodeGroups.affinity(spec, g).getRequiredDuringSchedulingIgnoredDuringExecution()
                                .getNodeSelectorTerms(), n.getMetadata().getLabels()))
                        .toList();
                String name = n.getMetadata().getName();
                if (inFleet) {
                    assertThat(matching).as("groups matching %s in round %d", name, round).hasSize(1);
                    assertThat(matching.get(0).nodes()).contains(name);
                    listed.add(name);
                } else {
                    assertThat(groups).noneMatch(g -> g.nodes().contains(name));
                }
            }
            assertThat(groups.stream().mapToInt(g -> g.nodes().size()).sum()).isEqualTo(listed.size());
        }
    }

    /** The scheduler's semantics of required node affinity: any term, every requirement of it. */
    static boolean matches(List<NodeSelectorTerm> terms, Map<String, String> labels) {
        return terms.stream().anyMatch(t -> t.getMatchExpressions().stream().allMatch(r -> matches(r, labels)));
    }

    static boolean matches(NodeSelectorRequirement r, Map<String, String> labels) {
        String v = labels.get(r.getKey());
        return switch (r.getOperator()) {
            case "In" -> v != null && r.getValues().contains(v);
            case "NotIn" -> v == null || !r.getValues().contains(v);
            case "Exists" -> v != null;
            case "DoesNotExist" -> v == null;
            default -> throw new IllegalArgumentException(r.getOperator());
        };
    }

    static NodeGroupsSpec spec(String byLabel) {
        NodeGroupsSpec spec = new NodeGroupsSpec();
        spec.byLabel = byLabel;
        return spec;
    }

    static NodeGroupOverride override(Provider provider, String labelValue) {
        NodeGroupOverride o = new NodeGroupOverride();
        o.provider = provider;
        o.labelValue = labelValue;
        return o;
    }

    static Node node(String name, String providerId, Map<String, String> labels) {
        return new NodeBuilder().withNewMetadata().withName(name).withLabels(new HashMap<>(labels)).endMetadata()
                .withNewSpec().withProviderID(providerId).endSpec().build();
    }
}
