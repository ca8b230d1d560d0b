package dev.vigil.dashboard;

import dev.vigil.naming.Labels;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import java.util.Map;

/**
 * How dashboards are delivered (application.properties / environment / chart values):
 * <ul>
 * <li>{@code vigil.dashboards.configmap-labels}: labels the Grafana chart's sidecar selects dashboards by, default
 * {@code grafana_dashboard=1} (the chart's {@code sidecar.dashboards.label} and {@code labelValue});</li>
 * <li>{@code vigil.dashboards.folder-annotation}: the annotation naming the folder, default {@code grafana_folder}
 * (the chart's {@code sidecar.dashboards.folderAnnotation});</li>
 * <li>{@code vigil.dashboards.grafana-operator.instance-selector}: labels of the Grafana instances (Grafana
 * operator {@code Grafana} resources) that import Vigil's dashboards, {@code key=value,...}. Empty (the default):
 * dashboards are ConfigMaps. Set, and the {@code GrafanaDashboard} CRD installed: they are GrafanaDashboards;</li>
 * <li>{@code vigil.dashboards.grafana-operator.allow-cross-namespace-import}: whether those GrafanaDashboards may be
 * imported by a Grafana in another namespace than the service's, default true (Grafana usually runs apart from the
 * apps).</li>
 * </ul>
 */
public record DashboardSettings(Map<String, String> configMapLabels, String folderAnnotation,
        Map<String, String> grafanaInstanceSelector, boolean allowCrossNamespaceImport) {
    public static final String DEFAULT_LABELS = "grafana_dashboard=1";
    public static final String DEFAULT_FOLDER_ANNOTATION = "grafana_folder";

    public DashboardSettings(Map<String, String> configMapLabels, String folderAnnotation) {
        this(configMapLabels, folderAnnotation, Map.of(), true);
    }

    public static DashboardSettings defaults() {
        return new DashboardSettings(Labels.parse(DEFAULT_LABELS), DEFAULT_FOLDER_ANNOTATION);
    }

    public static DashboardSettings current() {
        Config c = ConfigProvider.getConfig();
        return new DashboardSettings(
                Labels.parse(c.getOptionalValue("vigil.dashboards.configmap-labels", String.class).orElse(DEFAULT_LABELS)),
                c.getOptionalValue("vigil.dashboards.folder-annotation", String.class).orElse(DEFAULT_FOLDER_ANNOTATION),
                Labels.parse(c.getOptionalValue("vigil.dashboards.grafana-operator.instance-selector", String.class).orElse("")),
                c.getOptionalValue("vigil.dashboards.grafana-operator.allow-cross-namespace-import", Boolean.class)
                        .orElse(true));
    }

    /** Whether the operator is configured to deliver GrafanaDashboards (when their CRD exists). */
    public boolean grafanaOperatorConfigured() {
        return !grafanaInstanceSelector.isEmpty();
    }
}
