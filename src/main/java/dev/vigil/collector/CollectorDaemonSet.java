package dev.vigil.collector;

import dev.vigil.api.v1alpha1.AgentSpec;
import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.kube.VigilDependent;
import dev.vigil.naming.Labels;
import dev.vigil.naming.Names;
import dev.vigil.nodegroups.NodeGroups;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.CRUDBulkDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * An agent fleet's collectors: one pod per node the spec's nodeSelector and tolerations allow, from one DaemonSet,
 * or with spec.agent.nodeGroups from one DaemonSet per node group ({@code <fleet>-agent-<group>}, its pods labelled
 * {@value Labels#NODE_GROUP} and placed by the group's node affinity), each reading its group's config file. A group
 * that loses its last node loses its DaemonSet; the other groups' DaemonSets are not touched.
 *
 * <p>Each pod reads the node's pod logs (spec.agent.podLogsDir, default /var/log/pods; a read-only hostPath, mounted
 * at {@value NodeLogsContribution#POD_LOGS}) and keeps its read offsets and the last served rules under the node's
 * {@code <spec.agent.stateDir>/<namespace>/<fleet>} (default /var/lib/vigil/...; hostPath), so a restarted or rolled
 * pod, or one of another group after the node changed groups, resumes where the previous one stopped. The
 * container runs as root (the kubelet writes pod logs root-only, 0640) with a read-only root filesystem, no
 * capabilities and no privilege escalation; the namespace's Pod Security level must allow hostPath volumes
 * (privileged). A rule change never rolls a DaemonSet: the agents reload it in place.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_BY + "=" + Labels.MANAGED_BY_VALUE))
public class CollectorDaemonSet extends VigilDependent<DaemonSet, TelemetryCollector>
        implements CRUDBulkDependentResource<DaemonSet, TelemetryCollector, String> {
    /** The key of the one DaemonSet of a fleet without node groups. */
    static final String WHOLE_FLEET = "";

    public CollectorDaemonSet() {
        super(DaemonSet.class);
    }

    @Override
    public Map<String, DaemonSet> desiredResources(TelemetryCollector fleet, Context<TelemetryCollector> context) {
        return build(fleet, FleetPlan.KEY.require(context));
    }

    @Override
    public Map<String, DaemonSet> getSecondaryResources(TelemetryCollector fleet, Context<TelemetryCollector> context) {
        return byGroup(context.getSecondaryResourcesAsStream(DaemonSet.class));
    }

    /** DaemonSets of a fleet by their group ({@link #key}). */
    static Map<String, DaemonSet> byGroup(java.util.stream.Stream<DaemonSet> daemonSets) {
        return daemonSets.collect(Collectors.toMap(CollectorDaemonSet::key, Function.identity(), (a, b) -> a));
    }

    /** A group that lost its last node (or a fleet that switched between one DaemonSet and node groups). */
    @Override
    public void deleteTargetResource(TelemetryCollector fleet, DaemonSet ds, String key, Context<TelemetryCollector> context) {
        context.getClient().resource(ds).delete();
    }

    /** The group a DaemonSet of the fleet runs, or {@link #WHOLE_FLEET}. */
    static String key(DaemonSet ds) {
        return Optional.ofNullable(ds.getMetadata().getLabels()).map(l -> l.get(Labels.NODE_GROUP)).orElse(WHOLE_FLEET);
    }

    /** The fleet's DaemonSets by group ({@link #WHOLE_FLEET} without node groups); none for a group-less plan. */
    public static Map<String, DaemonSet> build(TelemetryCollector fleet, FleetPlan plan) {
        Map<String, DaemonSet> out = new LinkedHashMap<>();
        if (!plan.grouped()) {
            out.put(WHOLE_FLEET, build(fleet, Names.collectorDaemonSet(fleet.getMetadata().getName()),
                    CollectorPodTemplate.Variant.of(plan)));
            return out;
        }
        for (FleetPlan.Group g : plan.groups()) {
            String group = g.group().name();
            var override = g.group().override();
            out.put(group, build(fleet, Names.agentGroupDaemonSet(fleet.getMetadata().getName(), group),
                    new CollectorPodTemplate.Variant(g.configKey(), g.configHash(), Map.of(Labels.NODE_GROUP, group),
                            NodeGroups.affinity(fleet.getSpec().agent.nodeGroups, g.group()),
                            override == null ? null : override.resources)));
        }
        return out;
    }

    private static DaemonSet build(TelemetryCollector fleet, String dsName, CollectorPodTemplate.Variant variant) {
        String name = fleet.getMetadata().getName();
        String nodeState = AgentSpec.stateDir(fleet.getSpec().agent) + "/" + fleet.getMetadata().getNamespace() + "/" + name;
        CollectorPodTemplate.Shape shape = new CollectorPodTemplate.Shape(
                List.of(),
                List.of(CollectorPodTemplate.fieldRef(CollectorConfig.NODE_NAME_ENV, "spec.nodeName")),
                List.of(),
                new PodSecurityContextBuilder()
                        .withRunAsNonRoot(false)
                        .withRunAsUser(0L)
                        .withRunAsGroup(0L)
                        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                        .build(),
                List.of(new VolumeMountBuilder().withName("pod-logs").withMountPath(NodeLogsContribution.POD_LOGS)
                                .withReadOnly(true).build(),
                        new VolumeMountBuilder().withName("state").withMountPath(NodeLogsContribution.STATE_DIR).build()),
                List.of(new VolumeBuilder().withName("pod-logs").withNewHostPath()
                                .withPath(AgentSpec.podLogsDir(fleet.getSpec().agent)).withType("Directory").endHostPath().build(),
                        new VolumeBuilder().withName("state").withNewHostPath()
                                .withPath(nodeState).withType("DirectoryOrCreate").endHostPath().build()));
        Map<String, String> labels = Labels.collector(name);
        labels.putAll(variant.labels());
        Map<String, String> selector = Labels.collectorSelector(name);
        selector.putAll(variant.labels());
        return new DaemonSetBuilder()
                .withNewMetadata()
                .withName(dsName)
                .withNamespace(fleet.getMetadata().getNamespace())
                .withLabels(labels)
                .endMetadata()
                .withNewSpec()
                .withNewSelector().withMatchLabels(selector).endSelector()
                .withNewUpdateStrategy().withType("RollingUpdate").withNewRollingUpdate()
                .withNewMaxUnavailable(1).endRollingUpdate().endUpdateStrategy()
                .withTemplate(CollectorPodTemplate.build(fleet, variant, shape))
                .endSpec()
                .build();
    }
}
