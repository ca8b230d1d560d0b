package dev.vigil.collector;

import dev.vigil.api.v1alpha1.SecretKeyRef;
import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.naming.Labels;
import dev.vigil.naming.Names;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The collector pods: one per shard, the ordinal is the shard index. The config hash on the pod template makes a
 * config change roll the pods.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_BY + "=" + Labels.MANAGED_BY_VALUE))
public class CollectorStatefulSet extends CRUDKubernetesDependentResource<StatefulSet, TelemetryCollector> {
    static final String CONTAINER = "otelcol";
    static final String CONFIG_DIR = "/etc/vigil";
    static final long RUN_AS_USER = 10001;

    public CollectorStatefulSet() {
        super(StatefulSet.class);
    }

    @Override
    protected StatefulSet desired(TelemetryCollector fleet, Context<TelemetryCollector> context) {
        return build(fleet, FleetPlan.KEY.require(context));
    }

    public static StatefulSet build(TelemetryCollector fleet, FleetPlan plan) {
        String name = fleet.getMetadata().getName();
        List<EnvVar> env = new ArrayList<>();
        // apiVersion is spelled out because the apiserver defaults it, and server-side apply would otherwise see a
        // difference on every reconcile (fieldRef is an atomic field).
        env.add(new EnvVarBuilder().withName(CollectorConfig.SHARD_ENV).withNewValueFrom().withNewFieldRef()
                .withApiVersion("v1").withFieldPath("metadata.labels['" + Labels.POD_INDEX + "']").endFieldRef().endValueFrom().build());
        env.add(new EnvVarBuilder().withName("POD_NAME").withNewValueFrom().withNewFieldRef()
                .withApiVersion("v1").withFieldPath("metadata.name").endFieldRef().endValueFrom().build());
        for (Map.Entry<String, SecretKeyRef> e : CollectorConfig.secretEnv(fleet.getSpec()).entrySet()) {
            env.add(new EnvVarBuilder().withName(e.getKey()).withNewValueFrom().withNewSecretKeyRef()
                    .withName(e.getValue().name).withKey(e.getValue().key).endSecretKeyRef().endValueFrom().build());
        }
        Probe health = new ProbeBuilder().withNewHttpGet().withPath("/").withPort(new IntOrString(CollectorConfig.HEALTH_PORT))
                .endHttpGet().withPeriodSeconds(10).build();

        return new StatefulSetBuilder()
                .withNewMetadata()
                .withName(Names.collectorStatefulSet(name))
                .withNamespace(fleet.getMetadata().getNamespace())
                .withLabels(Labels.collector(name))
                .endMetadata()
                .withNewSpec()
                .withReplicas(plan.replicas())
                .withServiceName(Names.collectorHeadlessService(name))
                .withPodManagementPolicy("Parallel")
                .withNewSelector().withMatchLabels(Labels.collectorSelector(name)).endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(Labels.collector(name))
                .withAnnotations(Map.of(Labels.CONFIG_HASH, plan.configHash()))
                .endMetadata()
                .withNewSpec()
                .withServiceAccountName(Names.collectorServiceAccount(name))
                .withNodeSelector(fleet.getSpec().nodeSelector == null || fleet.getSpec().nodeSelector.isEmpty()
                        ? null : new TreeMap<>(fleet.getSpec().nodeSelector))
                .withTolerations(fleet.getSpec().tolerations == null || fleet.getSpec().tolerations.isEmpty()
                        ? null : fleet.getSpec().tolerations)
                .withNewSecurityContext()
                .withRunAsNonRoot(true)
                .withRunAsUser(RUN_AS_USER)
                .withRunAsGroup(RUN_AS_USER)
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .endSecurityContext()
                .withContainers(new ContainerBuilder()
                        .withName(CONTAINER)
                        .withImage(fleet.getSpec().imageOrDefault())
                        .withArgs("--config=" + CONFIG_DIR + "/" + CollectorConfigMap.KEY)
                        .withPorts(
                                new ContainerPortBuilder().withName("otlp-grpc").withContainerPort(CollectorConfig.OTLP_GRPC_PORT).withProtocol("TCP").build(),
                                new ContainerPortBuilder().withName("otlp-http").withContainerPort(CollectorConfig.OTLP_HTTP_PORT).withProtocol("TCP").build(),
                                new ContainerPortBuilder().withName("metrics").withContainerPort(CollectorConfig.METRICS_PORT).withProtocol("TCP").build(),
                                new ContainerPortBuilder().withName("health").withContainerPort(CollectorConfig.HEALTH_PORT).withProtocol("TCP").build())
                        .withEnv(env)
                        .withResources(resources(fleet))
                        .withReadinessProbe(health)
                        .withLivenessProbe(new ProbeBuilder(health).withFailureThreshold(6).build())
                        .withNewSecurityContext()
                        .withAllowPrivilegeEscalation(false)
                        .withReadOnlyRootFilesystem(true)
                        .withNewCapabilities().withDrop("ALL").endCapabilities()
                        .endSecurityContext()
                        .addNewVolumeMount().withName("config").withMountPath(CONFIG_DIR).withReadOnly(true).endVolumeMount()
                        .build())
                .addNewVolume().withName("config").withNewConfigMap().withName(Names.collectorConfigMap(name))
                .endConfigMap().endVolume()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    static ResourceRequirements resources(TelemetryCollector fleet) {
        if (fleet.getSpec().resources != null) {
            return fleet.getSpec().resources;
        }
        return new ResourceRequirementsBuilder()
                .withRequests(new TreeMap<>(Map.of("cpu", new Quantity("100m"), "memory", new Quantity("256Mi"))))
                .withLimits(Map.of("memory", new Quantity("512Mi")))
                .build();
    }
}
