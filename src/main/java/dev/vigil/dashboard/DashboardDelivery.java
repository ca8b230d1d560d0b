package dev.vigil.dashboard;

import dev.vigil.config.DashboardSettings;
import dev.vigil.kube.ContextKey;
import dev.vigil.kube.CrdPresence;
import dev.vigil.selection.LabelSelectors;
import dev.vigil.status.Conditions;
import dev.vigil.status.Reasons;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;

import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Where a reconcile delivers dashboards, decided once per reconcile and handed to the ConfigMap dependents'
 * conditions: as GrafanaDashboards when the operator is configured with a Grafana instance selector and the
 * Grafana operator's CRD is installed; as ConfigMaps for the Grafana chart's sidecar otherwise (also when configured
 * but the CRD is missing: the dashboards stay available, and the switch happens when the CRD appears).
 */
public record DashboardDelivery(boolean grafanaDashboard, boolean grafanaDashboardCrd, DashboardSettings settings) {
    public static final ContextKey<DashboardDelivery> KEY = ContextKey.of(DashboardDelivery.class);

    public static DashboardDelivery decide(DashboardSettings settings, CrdPresence crds) {
        boolean crd = crds.present(GrafanaOperatorDashboard.CRD);
        return new DashboardDelivery(settings.grafanaOperatorConfigured() && crd, crd, settings);
    }

    static <P extends HasMetadata> DashboardDelivery of(Context<P> context) {
        return KEY.require(context);
    }

    public <P extends HasMetadata> void putInto(Context<P> context) {
        KEY.put(context, this);
    }

    /**
     * The GrafanaDashboard side of delivery, after the ConfigMap dependents ran, and the {@code DashboardDelivered}
     * condition saying where {@code owner}'s dashboard went: its GrafanaDashboard {@code name} is written while
     * dashboards go that way and the owner wants one, removed otherwise; nothing to do while the CRD is absent. A 404
     * means the CRD went meanwhile: the presence cache is dropped so that the retry sees it and writes the ConfigMap.
     */
    public void deliver(KubernetesClient client, CrdPresence crds, HasMetadata owner, String name, boolean wanted,
            Supplier<GenericKubernetesResource> desired, Conditions conditions) {
        String problem = null;
        if (grafanaDashboardCrd) {
            try {
                GenericKubernetesResource wantedObject = grafanaDashboard && wanted ? desired.get() : null;
                problem = GrafanaOperatorDashboard.sync(client, owner, name, wantedObject);
            } catch (KubernetesClientException e) {
                if (e.getCode() == 404) {
                    crds.forget(GrafanaOperatorDashboard.CRD);
                }
                throw e;
            }
        }
        if (!wanted) {
            return;
        }
        if (problem != null) {
            conditions.set(Reasons.DASHBOARD_DELIVERED, false, Reasons.DASHBOARD_NAME_TAKEN, problem);
        } else if (grafanaDashboard) {
            String selector = LabelSelectors.toString(new TreeMap<>(settings.grafanaInstanceSelector()));
            conditions.set(Reasons.DASHBOARD_DELIVERED, true, Reasons.GRAFANA_DASHBOARD_APPLIED, "GrafanaDashboard " + name
                    + " for the Grafana instances labelled " + selector);
        } else {
            conditions.set(Reasons.DASHBOARD_DELIVERED, true, Reasons.DASHBOARD_CONFIGMAP_WRITTEN, "ConfigMap " + name
                    + " for the Grafana chart's dashboard sidecar" + (settings.grafanaOperatorConfigured()
                            ? " (a Grafana instance selector is set, but the GrafanaDashboard CRD is not installed)" : ""));
        }
    }
}
