package dev.vigil.service;

import dev.vigil.kube.FieldManagers;
import dev.vigil.kube.LeanMetadata;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What the services' workload caches keep of a Deployment or StatefulSet: what resolves the workload (name,
 * spec.selector, spec.replicas), what sizes a pool (status.replicas) and what delivers an Env pool size (each
 * container's name and env, and the pool-size field manager's managedFields entry, which says which env vars Vigil
 * owns). Not the containers' images, resources and probes, the volumes, the rollout conditions or other managers'
 * managedFields; and a status change that leaves status.replicas alone (a pod got ready, a condition moved) wakes no
 * service.
 */
final class WorkloadView {
    /** Which env vars of a workload Vigil owns: PoolEnvDelivery reads them from this manager's entries. */
    private static final Set<String> POOL_SIZE = Set.of(FieldManagers.POOL_SIZE);

    private WorkloadView() {
    }

    static Deployment deployment(Deployment d) {
        var spec = d.getSpec();
        return new DeploymentBuilder().withMetadata(LeanMetadata.identity(d.getMetadata(), POOL_SIZE)).withNewSpec()
                .withReplicas(spec == null ? null : spec.getReplicas())
                .withSelector(spec == null ? null : spec.getSelector())
                .withTemplate(template(spec == null ? null : spec.getTemplate())).endSpec()
                .withNewStatus().withReplicas(d.getStatus() == null ? null : d.getStatus().getReplicas()).endStatus()
                .build();
    }

    static StatefulSet statefulSet(StatefulSet s) {
        var spec = s.getSpec();
        return new StatefulSetBuilder().withMetadata(LeanMetadata.identity(s.getMetadata(), POOL_SIZE)).withNewSpec()
                .withReplicas(spec == null ? null : spec.getReplicas())
                .withSelector(spec == null ? null : spec.getSelector())
                .withTemplate(template(spec == null ? null : spec.getTemplate())).endSpec()
                .withNewStatus().withReplicas(s.getStatus() == null ? null : s.getStatus().getReplicas()).endStatus()
                .build();
    }

    /** Whether an update changes what a service reads of its workload. */
    static boolean changed(HasMetadata now, HasMetadata before) {
        return !Objects.equals(read(view(now)), read(view(before)));
    }

    private static HasMetadata view(HasMetadata w) {
        return w instanceof Deployment d ? deployment(d) : statefulSet((StatefulSet) w);
    }

    /** The fields a service reads, for comparison (the builders' objects compare by value). */
    private static List<Object> read(HasMetadata w) {
        if (w instanceof Deployment d) {
            return java.util.Arrays.asList(d.getMetadata().getManagedFields(), d.getMetadata().getDeletionTimestamp(),
                    d.getSpec(), d.getStatus().getReplicas());
        }
        StatefulSet s = (StatefulSet) w;
        return java.util.Arrays.asList(s.getMetadata().getManagedFields(), s.getMetadata().getDeletionTimestamp(),
                s.getSpec(), s.getStatus().getReplicas());
    }

    private static PodTemplateSpec template(PodTemplateSpec t) {
        if (t == null || t.getSpec() == null) {
            return null;
        }
        List<Container> containers = t.getSpec().getContainers() == null ? List.of() : t.getSpec().getContainers().stream()
                .map(c -> new ContainerBuilder().withName(c.getName()).withEnv(c.getEnv()).build()).toList();
        return new PodTemplateSpecBuilder().withNewSpec().withContainers(containers).endSpec().build();
    }

}
