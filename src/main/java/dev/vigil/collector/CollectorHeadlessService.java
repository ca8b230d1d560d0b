package dev.vigil.collector;

import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.kube.VigilDependent;
import dev.vigil.naming.Labels;
import dev.vigil.naming.Names;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** Headless Service that gives every shard a stable DNS name (the StatefulSet's serviceName). */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_BY + "=" + Labels.MANAGED_BY_VALUE))
public class CollectorHeadlessService extends VigilDependent<Service, TelemetryCollector> {
    public CollectorHeadlessService() {
        super(Service.class);
    }

    @Override
    protected Service desired(TelemetryCollector fleet, Context<TelemetryCollector> context) {
        return build(fleet);
    }

    public static Service build(TelemetryCollector fleet) {
        String name = fleet.getMetadata().getName();
        return new ServiceBuilder()
                .withNewMetadata()
                .withName(Names.collectorHeadlessService(name))
                .withNamespace(fleet.getMetadata().getNamespace())
                .withLabels(Labels.collector(name))
                .endMetadata()
                .withNewSpec()
                .withClusterIP("None")
                .withPublishNotReadyAddresses(true)
                .withSelector(Labels.collectorSelector(name))
                .withPorts(new ServicePortBuilder().withName("metrics").withProtocol("TCP")
                        .withPort(CollectorConfig.METRICS_PORT)
                        .withTargetPort(new IntOrString(CollectorConfig.METRICS_PORT)).build())
                .endSpec()
                .build();
    }
}
