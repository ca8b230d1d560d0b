package dev.vigil.collector;

import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.kube.ContextKey;
import dev.vigil.kube.DigestedConfigMapStore;
import dev.vigil.kube.VigilConfigMap;
import dev.vigil.naming.Labels;
import dev.vigil.report.SloRollup;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

import java.util.List;

/**
 * The SLO report roll-up of the services a fleet collects, {@code <fleet>-slo-rollup} in the fleet's namespace (see
 * {@link SloRollup}); there while at least one of them has a report.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.SELECT_SLO_ROLLUP, itemStore = DigestedConfigMapStore.class))
public class FleetSloRollupConfigMap extends VigilConfigMap<TelemetryCollector> {
    /** The services the fleet collects, as this reconcile planned them. */
    public record Collected(List<InstrumentedService> services) {
    }

    static final ContextKey<Collected> KEY = ContextKey.of(Collected.class);

    @Override
    protected ConfigMap desired(TelemetryCollector fleet, Context<TelemetryCollector> context) {
        return SloRollup.build(fleet, KEY.require(context).services());
    }

    /** Reconcile precondition: a collected service has a report (otherwise the roll-up is removed). */
    public static class Wanted implements Condition<ConfigMap, TelemetryCollector> {
        @Override
        public boolean isMet(DependentResource<ConfigMap, TelemetryCollector> dependent, TelemetryCollector fleet,
                Context<TelemetryCollector> context) {
            return !fleet.getSpec().agent() && KEY.get(context).map(c -> SloRollup.wanted(c.services())).orElse(false);
        }
    }
}
