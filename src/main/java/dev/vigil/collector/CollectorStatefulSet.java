package dev.vigil.collector;

import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.kube.VigilDependent;
import dev.vigil.naming.Labels;
import dev.vigil.naming.Names;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

import java.util.List;

/**
 * The collector pods: one per shard, the ordinal is the shard index. The config hash on the pod template makes a
 * config change roll the pods.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_BY + "=" + Labels.MANAGED_BY_VALUE))
public class CollectorStatefulSet extends VigilDependent<StatefulSet, TelemetryCollector> {
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
        CollectorPodTemplate.Shape shape = new CollectorPodTemplate.Shape(List.of(),
                List.of(CollectorPodTemplate.fieldRef(CollectorConfig.SHARD_ENV, "metadata.labels['" + Labels.POD_INDEX + "']")),
                List.of(CollectorPodTemplate.port("otlp-grpc", CollectorConfig.OTLP_GRPC_PORT),
                        CollectorPodTemplate.port("otlp-http", CollectorConfig.OTLP_HTTP_PORT),
                        CollectorPodTemplate.port("sampling-grpc", CollectorConfig.SAMPLING_GRPC_PORT),
                        CollectorPodTemplate.port("sampling-http", CollectorConfig.SAMPLING_HTTP_PORT)),
                new PodSecurityContextBuilder()
                        .withRunAsNonRoot(true)
                        .withRunAsUser(RUN_AS_USER)
                        .withRunAsGroup(RUN_AS_USER)
                        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                        .build(),
                List.of(), List.of());
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
                .withTemplate(CollectorPodTemplate.build(fleet, plan, shape))
                .endSpec()
                .build();
    }
}
