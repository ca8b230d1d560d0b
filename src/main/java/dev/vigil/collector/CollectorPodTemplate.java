package dev.vigil.collector;

import dev.vigil.api.v1alpha1.SecretKeyRef;
import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.naming.Labels;
import dev.vigil.naming.Names;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NodeAffinity;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The collector pod both workloads run (the shards' StatefulSet, the agents' DaemonSet): the fleet's image and
 * config file, its secrets as environment variables, health probes, resources, node placement, a read-only root
 * filesystem without capabilities. What differs by workload is passed in as a {@link Shape}. The config hash on the
 * template makes a config change roll the pods.
 */
final class CollectorPodTemplate {
    static final String CONTAINER = "otelcol";
    static final String CONFIG_DIR = "/etc/vigil";

    /** What a workload adds to the common pod. */
    record Shape(List<String> extraArgs, List<EnvVar> env, List<ContainerPort> ports, PodSecurityContext security,
            List<VolumeMount> mounts, List<Volume> volumes) {
    }

    /**
     * Which pods of the fleet: the config file they read (its key in the fleet's ConfigMap) and its hash, and for an
     * agent node group its pod labels, node affinity and resources (null: the fleet's).
     */
    record Variant(String configKey, String configHash, Map<String, String> labels, NodeAffinity affinity,
            ResourceRequirements resources) {
        /** Every pod of a fleet without node groups. */
        static Variant of(FleetPlan plan) {
            return new Variant(CollectorConfigMap.KEY, plan.configHash(), Map.of(), null, null);
        }
    }

    private CollectorPodTemplate() {
    }

    static PodTemplateSpec build(TelemetryCollector fleet, FleetPlan plan, Shape shape) {
        return build(fleet, Variant.of(plan), shape);
    }

    static PodTemplateSpec build(TelemetryCollector fleet, Variant variant, Shape shape) {
        String name = fleet.getMetadata().getName();
        List<EnvVar> env = new ArrayList<>(shape.env());
        env.add(fieldRef("POD_NAME", "metadata.name"));
        for (Map.Entry<String, SecretKeyRef> e : CollectorConfig.secretEnv(fleet.getSpec()).entrySet()) {
            env.add(new EnvVarBuilder().withName(e.getKey()).withNewValueFrom().withNewSecretKeyRef()
                    .withName(e.getValue().name).withKey(e.getValue().key).endSecretKeyRef().endValueFrom().build());
        }
        List<String> args = new ArrayList<>();
        args.add("--config=" + CONFIG_DIR + "/" + variant.configKey());
        args.addAll(shape.extraArgs());
        List<ContainerPort> ports = new ArrayList<>(shape.ports());
        ports.add(port("metrics", CollectorConfig.METRICS_PORT));
        ports.add(port("health", CollectorConfig.HEALTH_PORT));
        List<VolumeMount> mounts = new ArrayList<>();
        mounts.add(new VolumeMountBuilder().withName("config").withMountPath(CONFIG_DIR).withReadOnly(true).build());
        mounts.addAll(shape.mounts());
        List<Volume> volumes = new ArrayList<>();
        volumes.add(new VolumeBuilder().withName("config").withNewConfigMap().withName(Names.collectorConfigMap(name))
                .endConfigMap().build());
        volumes.addAll(shape.volumes());
        Probe health = new ProbeBuilder().withNewHttpGet().withPath("/").withPort(new IntOrString(CollectorConfig.HEALTH_PORT))
                .endHttpGet().withPeriodSeconds(10).build();
        return new PodTemplateSpecBuilder()
                .withNewMetadata()
                .withLabels(labels(name, variant))
                .withAnnotations(Map.of(Labels.CONFIG_HASH, variant.configHash()))
                .endMetadata()
                .withNewSpec()
                .withServiceAccountName(Names.collectorServiceAccount(name))
                .withNodeSelector(fleet.getSpec().nodeSelector == null || fleet.getSpec().nodeSelector.isEmpty()
                        ? null : new TreeMap<>(fleet.getSpec().nodeSelector))
                .withTolerations(fleet.getSpec().tolerations == null || fleet.getSpec().tolerations.isEmpty()
                        ? null : fleet.getSpec().tolerations)
                .withAffinity(variant.affinity() == null ? null
                        : new AffinityBuilder().withNodeAffinity(variant.affinity()).build())
                .withSecurityContext(shape.security())
                .withContainers(new ContainerBuilder()
                        .withName(CONTAINER)
                        .withImage(fleet.getSpec().imageOrDefault())
                        .withArgs(args)
                        .withPorts(ports)
                        .withEnv(env)
                        .withResources(variant.resources() != null ? variant.resources() : resources(fleet))
                        .withReadinessProbe(health)
                        .withLivenessProbe(new ProbeBuilder(health).withFailureThreshold(6).build())
                        .withNewSecurityContext()
                        .withAllowPrivilegeEscalation(false)
                        .withReadOnlyRootFilesystem(true)
                        .withNewCapabilities().withDrop("ALL").endCapabilities()
                        .endSecurityContext()
                        .withVolumeMounts(mounts)
                        .build())
                .withVolumes(volumes)
                .endSpec()
                .build();
    }

    private static Map<String, String> labels(String fleet, Variant variant) {
        Map<String, String> labels = Labels.collector(fleet);
        labels.putAll(variant.labels());
        return labels;
    }

    /**
     * An environment variable from the downward API. apiVersion is spelled out because the apiserver defaults it, and
     * server-side apply would otherwise see a difference on every reconcile (fieldRef is an atomic field).
     */
    static EnvVar fieldRef(String name, String fieldPath) {
        return new EnvVarBuilder().withName(name).withNewValueFrom().withNewFieldRef()
                .withApiVersion("v1").withFieldPath(fieldPath).endFieldRef().endValueFrom().build();
    }

    static ContainerPort port(String name, int port) {
        return new ContainerPortBuilder().withName(name).withContainerPort(port).withProtocol("TCP").build();
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
