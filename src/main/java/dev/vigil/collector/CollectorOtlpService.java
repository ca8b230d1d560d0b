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

/** ClusterIP Service that applications send OTLP traces and metrics to, and ask for their sampling strategy. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_BY + "=" + Labels.MANAGED_BY_VALUE))
public class CollectorOtlpService extends VigilDependent<Service, TelemetryCollector> {
    public CollectorOtlpService() {
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
                .withName(Names.collectorOtlpService(name))
                .withNamespace(fleet.getMetadata().getNamespace())
                .withLabels(Labels.collector(name))
                .endMetadata()
                .withNewSpec()
                .withType("ClusterIP")
                .withSelector(Labels.collectorSelector(name))
                .withPorts(
                        new ServicePortBuilder().withName("otlp-grpc").withProtocol("TCP").withAppProtocol("grpc")
                                .withPort(CollectorConfig.OTLP_GRPC_PORT)
                                .withTargetPort(new IntOrString(CollectorConfig.OTLP_GRPC_PORT)).build(),
                        new ServicePortBuilder().withName("otlp-http").withProtocol("TCP").withAppProtocol("http")
                                .withPort(CollectorConfig.OTLP_HTTP_PORT)
                                .withTargetPort(new IntOrString(CollectorConfig.OTLP_HTTP_PORT)).build(),
                        // The services' sampling strategies, for the apps' SDKs (TraceSamplingContribution).
                        new ServicePortBuilder().withName("sampling-grpc").withProtocol("TCP").withAppProtocol("grpc")
                                .withPort(CollectorConfig.SAMPLING_GRPC_PORT)
                                .withTargetPort(new IntOrString(CollectorConfig.SAMPLING_GRPC_PORT)).build(),
                        new ServicePortBuilder().withName("sampling-http").withProtocol("TCP").withAppProtocol("http")
                                .withPort(CollectorConfig.SAMPLING_HTTP_PORT)
                                .withTargetPort(new IntOrString(CollectorConfig.SAMPLING_HTTP_PORT)).build())
                .endSpec()
                .build();
    }
}
