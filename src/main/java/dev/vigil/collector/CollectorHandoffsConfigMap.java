package dev.vigil.collector;

import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.kube.ContextKey;
import dev.vigil.kube.DigestedConfigMapStore;
import dev.vigil.kube.VigilConfigMap;
import dev.vigil.naming.Labels;
import dev.vigil.naming.Names;
import dev.vigil.sharding.Handoffs;
import dev.vigil.sharding.ShardPlan;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

import java.util.Map;

/**
 * A shard fleet's running hand-offs and the shard count they belong to ({@link Handoffs}), so that an operator that
 * restarts (or a replica that takes over) in the middle of a hand-off keeps both shards scraping the target until the
 * hand-off's end, and one that finds the spec resharded since hands off from the shards the collectors run. Written
 * only when these change: a hand-off starts or ends, the fleet reshards.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.SELECT_COLLECTOR, itemStore = DigestedConfigMapStore.class))
public class CollectorHandoffsConfigMap extends VigilConfigMap<TelemetryCollector> {
    public static final String KEY = "handoffs";
    /** The assignment the hand-offs belong to ({@link Handoffs#assignment}). */
    public static final String ASSIGNMENT = "assignment";
    static final ContextKey<ShardPlan> PLAN = ContextKey.of(ShardPlan.class);

    @Override
    protected ConfigMap desired(TelemetryCollector fleet, Context<TelemetryCollector> context) {
        return build(fleet, PLAN.require(context));
    }

    /** By name, without desired(): an agent fleet (which has no shard plan) is asked too, to delete it. */
    @Override
    protected ResourceID targetSecondaryResourceID(TelemetryCollector fleet, Context<TelemetryCollector> context) {
        return new ResourceID(Names.collectorHandoffs(fleet.getMetadata().getName()), fleet.getMetadata().getNamespace());
    }

    public static ConfigMap build(TelemetryCollector fleet, ShardPlan plan) {
        String name = fleet.getMetadata().getName();
        return new ConfigMapBuilder()
                .withNewMetadata()
                .withName(Names.collectorHandoffs(name))
                .withNamespace(fleet.getMetadata().getNamespace())
                .withLabels(Labels.collector(name))
                .endMetadata()
                .withData(Map.of(KEY, Handoffs.write(plan), ASSIGNMENT, Handoffs.assignment(plan)))
                .build();
    }
}
