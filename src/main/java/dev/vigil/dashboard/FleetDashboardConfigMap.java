package dev.vigil.dashboard;

import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.config.DashboardSettings;
import dev.vigil.kube.DigestedConfigMapStore;
import dev.vigil.kube.VigilConfigMap;
import dev.vigil.naming.Labels;
import dev.vigil.naming.Names;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

/** A fleet's dashboard in the ConfigMap {@code <fleet>-collector-dashboard}, like a service's (see ServiceDashboardConfigMap). */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.SELECT_DASHBOARD, itemStore = DigestedConfigMapStore.class))
public class FleetDashboardConfigMap extends VigilConfigMap<TelemetryCollector> {
    @Override
    protected ConfigMap desired(TelemetryCollector fleet, Context<TelemetryCollector> context) {
        return build(fleet, DashboardDelivery.of(context).settings());
    }

    public static String key(TelemetryCollector fleet) {
        return fleet.getMetadata().getNamespace() + "-" + fleet.getMetadata().getName() + "-collectors.json";
    }

    public static ConfigMap build(TelemetryCollector fleet, DashboardSettings settings) {
        return ServiceDashboardConfigMap.configMap(Names.fleetDashboard(fleet.getMetadata().getName()), fleet,
                fleet.getSpec().dashboard, key(fleet), Grafana.compactJson(FleetDashboard.build(fleet)), settings);
    }

    /** Reconcile precondition: the dashboard is not switched off, and not delivered as a GrafanaDashboard. */
    public static class Wanted implements Condition<ConfigMap, TelemetryCollector> {
        @Override
        public boolean isMet(DependentResource<ConfigMap, TelemetryCollector> dependent, TelemetryCollector fleet,
                Context<TelemetryCollector> context) {
            return !fleet.getSpec().agent() && ServiceDashboardConfigMap.enabled(fleet.getSpec().dashboard)
                    && !DashboardDelivery.of(context).grafanaDashboard();
        }
    }
}
