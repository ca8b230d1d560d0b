package dev.vigil.collector;

import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.kube.VigilDependent;
import dev.vigil.naming.Labels;
import dev.vigil.naming.Names;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** Read access to pods in the fleet's namespace, which the collectors' Kubernetes service discovery needs. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_BY + "=" + Labels.MANAGED_BY_VALUE))
public class CollectorRole extends VigilDependent<Role, TelemetryCollector> {
    public CollectorRole() {
        super(Role.class);
    }

    @Override
    protected Role desired(TelemetryCollector fleet, Context<TelemetryCollector> context) {
        return build(fleet);
    }

    public static Role build(TelemetryCollector fleet) {
        String name = fleet.getMetadata().getName();
        return new RoleBuilder()
                .withNewMetadata()
                .withName(Names.collectorRole(name))
                .withNamespace(fleet.getMetadata().getNamespace())
                .withLabels(Labels.collector(name))
                .endMetadata()
                .withRules(new PolicyRuleBuilder().withApiGroups("").withResources("pods")
                        .withVerbs("get", "list", "watch").build())
                .build();
    }
}
