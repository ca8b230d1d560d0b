package dev.vigil.collector;

import dev.vigil.api.v1alpha1.AgentSpec;
import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.naming.Labels;
import dev.vigil.naming.Names;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

import java.util.List;

/**
 * An agent fleet's collectors: one pod per node the spec's nodeSelector and tolerations allow. Each reads the node's
 * pod logs (spec.agent.podLogsDir, default /var/log/pods; a read-only hostPath, mounted at
 * {@value NodeLogsContribution#POD_LOGS}) and keeps its read offsets and the last served rules under the node's
 * {@code <spec.agent.stateDir>/<namespace>/<fleet>} (default /var/lib/vigil/...; hostPath), so a restarted or rolled
 * pod resumes where the previous one stopped. The container runs as root (the kubelet writes pod logs root-only, 0640) with a
 * read-only root filesystem, no capabilities and no privilege escalation; the namespace's Pod Security level must
 * allow hostPath volumes (privileged). A rule change never rolls the DaemonSet: the agents reload it in place.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_BY + "=" + Labels.MANAGED_BY_VALUE))
public class CollectorDaemonSet extends CRUDKubernetesDependentResource<DaemonSet, TelemetryCollector> {
    public CollectorDaemonSet() {
        super(DaemonSet.class);
    }

    @Override
    protected DaemonSet desired(TelemetryCollector fleet, Context<TelemetryCollector> context) {
        return build(fleet, FleetPlan.KEY.require(context));
    }

    public static DaemonSet build(TelemetryCollector fleet, FleetPlan plan) {
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
        return new DaemonSetBuilder()
                .withNewMetadata()
                .withName(Names.collectorDaemonSet(name))
                .withNamespace(fleet.getMetadata().getNamespace())
                .withLabels(Labels.collector(name))
                .endMetadata()
                .withNewSpec()
                .withNewSelector().withMatchLabels(Labels.collectorSelector(name)).endSelector()
                .withNewUpdateStrategy().withType("RollingUpdate").withNewRollingUpdate()
                .withNewMaxUnavailable(1).endRollingUpdate().endUpdateStrategy()
                .withTemplate(CollectorPodTemplate.build(fleet, plan, shape))
                .endSpec()
                .build();
    }
}
