package dev.vigil.config;

import dev.vigil.naming.Labels;

import java.util.Map;

/**
 * How dashboards are delivered (see {@link VigilConfig.Dashboards}): the labels and folder annotation the Grafana
 * chart's sidecar reads, and — for the Grafana operator — the instance selector and cross-namespace import.
 */
public record DashboardSettings(Map<String, String> configMapLabels, String folderAnnotation,
        Map<String, String> grafanaInstanceSelector, boolean allowCrossNamespaceImport) {
    public static final String DEFAULT_LABELS = "grafana_dashboard=1";
    public static final String DEFAULT_FOLDER_ANNOTATION = "grafana_folder";

    public DashboardSettings(Map<String, String> configMapLabels, String folderAnnotation) {
        this(configMapLabels, folderAnnotation, Map.of(), true);
    }

    public static DashboardSettings defaults() {
        return Settings.defaults().dashboards();
    }

    static DashboardSettings from(VigilConfig.Dashboards c) {
        return new DashboardSettings(Labels.parse(c.configmapLabels()), c.folderAnnotation(),
                Labels.parse(c.grafanaOperator().instanceSelector().orElse("")),
                c.grafanaOperator().allowCrossNamespaceImport());
    }

    /** Whether the operator is configured to deliver GrafanaDashboards (when their CRD exists). */
    public boolean grafanaOperatorConfigured() {
        return !grafanaInstanceSelector.isEmpty();
    }
}
