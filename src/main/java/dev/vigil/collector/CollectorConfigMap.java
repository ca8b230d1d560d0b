package dev.vigil.collector;

import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.kube.DigestedConfigMapStore;
import dev.vigil.kube.VigilConfigMap;
import dev.vigil.naming.Labels;
import dev.vigil.naming.Names;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

import java.util.Map;
import java.util.TreeMap;

/** The collector configuration file of a fleet (with node groups: one file per group, collector-<group>.yaml). */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.SELECT_COLLECTOR, itemStore = DigestedConfigMapStore.class))
public class CollectorConfigMap extends VigilConfigMap<TelemetryCollector> {
    public static final String KEY = "collector.yaml";

    @Override
    protected ConfigMap desired(TelemetryCollector fleet, Context<TelemetryCollector> context) {
        return build(fleet, FleetPlan.KEY.require(context));
    }

    public static ConfigMap build(TelemetryCollector fleet, FleetPlan plan) {
        String name = fleet.getMetadata().getName();
        return new ConfigMapBuilder()
                .withNewMetadata()
                .withName(Names.collectorConfigMap(name))
                .withNamespace(fleet.getMetadata().getNamespace())
                .withLabels(Labels.collector(name))
                .endMetadata()
                .withData(new TreeMap<>(plan.files()))
                .build();
    }
}
