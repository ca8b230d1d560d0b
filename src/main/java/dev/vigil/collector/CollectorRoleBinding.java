package dev.vigil.collector;

import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.kube.VigilDependent;
import dev.vigil.naming.Labels;
import dev.vigil.naming.Names;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** Binds the collector Role to the collector ServiceAccount. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_BY + "=" + Labels.MANAGED_BY_VALUE))
public class CollectorRoleBinding extends VigilDependent<RoleBinding, TelemetryCollector> {
    public CollectorRoleBinding() {
        super(RoleBinding.class);
    }

    @Override
    protected RoleBinding desired(TelemetryCollector fleet, Context<TelemetryCollector> context) {
        return build(fleet);
    }

    public static RoleBinding build(TelemetryCollector fleet) {
        String name = fleet.getMetadata().getName();
        String namespace = fleet.getMetadata().getNamespace();
        return new RoleBindingBuilder()
                .withNewMetadata()
                .withName(Names.collectorRole(name))
                .withNamespace(namespace)
                .withLabels(Labels.collector(name))
                .endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "Role", Names.collectorRole(name))
                .addNewSubject().withKind("ServiceAccount").withName(Names.collectorServiceAccount(name))
                .withNamespace(namespace).endSubject()
                .build();
    }
}
