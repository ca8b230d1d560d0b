package dev.vigil.collector;

import dev.vigil.api.v1alpha1.AgentSpec;
import dev.vigil.api.v1alpha1.NodeGroupsSpec;
import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.api.v1alpha1.TelemetryCollectorStatus;
import dev.vigil.kube.FieldManagers;
import dev.vigil.naming.Names;
import dev.vigil.nodegroups.NodeGroup;
import dev.vigil.nodegroups.NodeGroups;
import dev.vigil.reconcile.Part;
import dev.vigil.reconcile.PartOutcome;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * An agent fleet's node groups (spec.agent.nodeGroups): which groups its nodes form now ({@link NodeGroups#plan},
 * for the config and the DaemonSets of each group), the provider label on every node the fleet's groups cover
 * ({@value NodeGroupsSpec#PROVIDER_LABEL}, written under its own field manager {@value FieldManagers#NODE_PROVIDER}
 * only where a node lacks it or carries another value, so a converged cluster sees no write), and each group's
 * status.
 */
final class NodeGroupsPart implements Part<FleetContext> {
    private static final Logger LOG = Logger.getLogger(NodeGroupsPart.class);

    /** The fleet's node groups this reconcile. */
    record Planned(List<NodeGroup> groups) {
    }

    private final Supplier<List<Node>> nodes;
    private final boolean serverSideApply;

    /** @param serverSideApply whether the operator writes by server-side apply (quarkus.operator-sdk.enable-ssa) */
    NodeGroupsPart(Supplier<List<Node>> nodes, boolean serverSideApply) {
        this.nodes = nodes;
        this.serverSideApply = serverSideApply;
    }

    static boolean grouped(TelemetryCollector fleet) {
        return fleet.getSpec().agent() && AgentSpec.nodeGroups(fleet.getSpec().agent) != null;
    }

    @Override
    public PartOutcome plan(FleetContext ctx) {
        TelemetryCollector fleet = ctx.fleet();
        if (grouped(fleet)) {
            ctx.decided(Planned.class, new Planned(NodeGroups.plan(fleet.getSpec().agent.nodeGroups,
                    fleet.getSpec().nodeSelector, fleet.getSpec().tolerations, nodes.get())));
        }
        return PartOutcome.NONE;
    }

    @Override
    public PartOutcome deliver(FleetContext ctx) {
        if (!grouped(ctx.fleet())) {
            return PartOutcome.NONE;
        }
        // Only the nodes this fleet's groups cover (its nodeSelector's): a node no grouped fleet runs on is not written.
        Set<String> covered = new HashSet<>();
        ctx.requireDecision(Planned.class).groups().forEach(g -> covered.addAll(g.nodes()));
        for (Node node : nodes.get()) {
            if (covered.contains(node.getMetadata().getName()) && NodeGroups.needsLabel(node)) {
                label(ctx, node);
            }
        }
        return PartOutcome.NONE;
    }

    /**
     * Sets a node's provider label. A node that went away meanwhile is skipped (its informer event follows); any
     * other failure is the reconcile's (retried with backoff).
     */
    private void label(FleetContext ctx, Node node) {
        String name = node.getMetadata().getName();
        String value = NodeGroups.providerLabel(node);
        try {
            if (serverSideApply) {
                Node patch = new NodeBuilder().withNewMetadata().withName(name)
                        .addToLabels(NodeGroupsSpec.PROVIDER_LABEL, value).endMetadata().build();
                ctx.client().resource(patch).fieldManager(FieldManagers.NODE_PROVIDER).forceConflicts().serverSideApply();
            } else {
                ctx.client().nodes().withName(name).edit(n -> new NodeBuilder(n).editMetadata()
                        .addToLabels(NodeGroupsSpec.PROVIDER_LABEL, value).endMetadata().build());
            }
            LOG.infof("node %s labelled %s=%s", name, NodeGroupsSpec.PROVIDER_LABEL, value);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }

    /** Each group's nodes and ready agents, from its DaemonSet's status; and the summary for the printer column. */
    static void status(TelemetryCollector fleet, FleetPlan plan, Map<String, DaemonSet> daemonSets,
            TelemetryCollectorStatus next) {
        List<TelemetryCollectorStatus.NodeGroupStatus> out = new ArrayList<>();
        List<String> summary = new ArrayList<>();
        for (FleetPlan.Group g : plan.groups()) {
            NodeGroup group = g.group();
            TelemetryCollectorStatus.NodeGroupStatus s = new TelemetryCollectorStatus.NodeGroupStatus();
            s.name = group.name();
            s.provider = group.provider().name();
            s.labelValue = group.labelValue();
            s.nodes = group.nodes().size();
            s.ready = Optional.ofNullable(daemonSets.get(group.name())).map(DaemonSet::getStatus)
                    .map(DaemonSetStatus::getNumberReady).orElse(0);
            s.daemonSet = Names.agentGroupDaemonSet(fleet.getMetadata().getName(), group.name());
            out.add(s);
            summary.add(group.name() + " " + s.ready + "/" + s.nodes);
        }
        next.nodeGroups = out.isEmpty() ? null : out;
        next.groups = summary.isEmpty() ? "none" : String.join(", ", summary);
    }
}
