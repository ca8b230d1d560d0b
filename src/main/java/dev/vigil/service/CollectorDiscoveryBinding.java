package dev.vigil.service;

import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.kube.VigilDependent;
import dev.vigil.naming.Labels;
import dev.vigil.naming.Names;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

import java.util.Optional;

/**
 * When a fleet in another namespace collects a service, the fleet's collectors need to discover the service's
 * pods: this RoleBinding, in the service's namespace and owned by the service, binds the fleet's ServiceAccount to
 * the discovery ClusterRole the chart installs (pods: get, list, watch). It disappears when the fleet is in the
 * service's own namespace (the fleet's Role covers that) or when no fleet collects the service.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_BY + "=" + Labels.MANAGED_BY_VALUE))
public class CollectorDiscoveryBinding extends VigilDependent<RoleBinding, InstrumentedService> {
    public CollectorDiscoveryBinding() {
        super(RoleBinding.class);
    }

    @Override
    protected RoleBinding desired(InstrumentedService service, Context<InstrumentedService> context) {
        FleetChoice fleet = FleetChoice.KEY.require(context);
        return build(service, fleet, fleet.discoveryClusterRole());
    }

    /** The binding's identity depends on the service alone, so it can be found (and removed) with no fleet chosen. */
    @Override
    protected ResourceID targetSecondaryResourceID(InstrumentedService service, Context<InstrumentedService> context) {
        return new ResourceID(Names.collectorDiscoveryBinding(service.getMetadata().getName()),
                service.getMetadata().getNamespace());
    }


    public static RoleBinding build(InstrumentedService service, FleetChoice fleet, String clusterRole) {
        return new RoleBindingBuilder()
                .withNewMetadata()
                .withName(Names.collectorDiscoveryBinding(service.getMetadata().getName()))
                .withNamespace(service.getMetadata().getNamespace())
                .withLabels(Labels.collector(fleet.name()))
                .endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", clusterRole)
                .addNewSubject().withKind("ServiceAccount").withName(fleet.serviceAccount())
                .withNamespace(fleet.namespace()).endSubject()
                .build();
    }

    /** Reconcile precondition: a fleet from another namespace collects the service. */
    public static class CollectedFromAnotherNamespace implements Condition<RoleBinding, InstrumentedService> {
        @Override
        public boolean isMet(DependentResource<RoleBinding, InstrumentedService> dependent, InstrumentedService service,
                Context<InstrumentedService> context) {
            Optional<FleetChoice> fleet = FleetChoice.KEY.get(context);
            return fleet.isPresent() && !fleet.get().namespace().equals(service.getMetadata().getNamespace());
        }
    }
}
