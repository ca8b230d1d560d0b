package dev.vigil.dashboard;

import dev.vigil.api.v1alpha1.DashboardSpec;
import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.config.DashboardSettings;
import dev.vigil.kube.DigestedConfigMapStore;
import dev.vigil.kube.VigilConfigMap;
import dev.vigil.naming.Labels;
import dev.vigil.naming.Names;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A service's dashboard in the ConfigMap {@code <service>-dashboard}, labelled for the Grafana chart's dashboard
 * sidecar ({@code grafana_dashboard: "1"} by default) with the folder annotation it reads; one key,
 * {@code <namespace>-<service>.json}. Owned by the service, removed with it or when its dashboard is disabled.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.SELECT_DASHBOARD, itemStore = DigestedConfigMapStore.class))
public class ServiceDashboardConfigMap extends VigilConfigMap<InstrumentedService> {
    public static final String DEFAULT_FOLDER = "Vigil";

    @Override
    protected ConfigMap desired(InstrumentedService service, Context<InstrumentedService> context) {
        return build(service, DashboardDelivery.of(context).settings());
    }

    public static String key(InstrumentedService service) {
        return service.getMetadata().getNamespace() + "-" + service.getMetadata().getName() + ".json";
    }

    public static ConfigMap build(InstrumentedService service, DashboardSettings settings) {
        return configMap(Names.dashboard(service.getMetadata().getName()), service, service.getSpec().dashboard,
                key(service), Grafana.compactJson(ServiceDashboard.build(service)), settings);
    }

    /** A dashboard's ConfigMap: the owner's dashboard labels plus the sidecar's, the folder annotation, one key. */
    static ConfigMap configMap(String name, io.fabric8.kubernetes.api.model.HasMetadata owner, DashboardSpec spec,
            String key, String json, DashboardSettings settings) {
        Map<String, String> labels = Labels.dashboard(owner.getMetadata().getName());
        labels.putAll(settings.configMapLabels());
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(settings.folderAnnotation(), spec == null || spec.folder == null ? DEFAULT_FOLDER : spec.folder);
        return new ConfigMapBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(owner.getMetadata().getNamespace())
                .withLabels(labels)
                .withAnnotations(annotations)
                .endMetadata()
                .withData(Map.of(key, json))
                .build();
    }

    /** Whether a resource's dashboard is wanted: unless {@code spec.dashboard.enabled} is false. */
    public static boolean enabled(DashboardSpec spec) {
        return spec == null || !Boolean.FALSE.equals(spec.enabled);
    }

    /** Reconcile precondition: the dashboard is not switched off, and not delivered as a GrafanaDashboard. */
    public static class Wanted implements Condition<ConfigMap, InstrumentedService> {
        @Override
        public boolean isMet(DependentResource<ConfigMap, InstrumentedService> dependent, InstrumentedService service,
                Context<InstrumentedService> context) {
            return enabled(service.getSpec().dashboard) && !DashboardDelivery.of(context).grafanaDashboard();
        }
    }
}
