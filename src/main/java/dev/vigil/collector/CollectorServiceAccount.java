package dev.vigil.collector;

import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.kube.VigilDependent;
import dev.vigil.naming.Labels;
import dev.vigil.naming.Names;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** The identity the collector pods run as (Kubernetes service discovery needs one). */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_BY + "=" + Labels.MANAGED_BY_VALUE))
public class CollectorServiceAccount extends VigilDependent<ServiceAccount, TelemetryCollector> {
    public CollectorServiceAccount() {
        super(ServiceAccount.class);
    }

    @Override
    protected ServiceAccount desired(TelemetryCollector fleet, Context<TelemetryCollector> context) {
        return build(fleet);
    }

    public static ServiceAccount build(TelemetryCollector fleet) {
        String name = fleet.getMetadata().getName();
        return new ServiceAccountBuilder()
                .withNewMetadata()
                .withName(Names.collectorServiceAccount(name))
                .withNamespace(fleet.getMetadata().getNamespace())
                .withLabels(Labels.collector(name))
                .endMetadata()
                .withAutomountServiceAccountToken(true)
                .build();
    }
}
