package dev.vigil.dashboard;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import java.util.Map;

/**
 * How dashboards are delivered (application.properties / environment / chart values):
 * <ul>
 * <li>{@code vigil.dashboards.configmap-labels}: labels the Grafana chart's sidecar selects dashboards by, default
 * {@code grafana_dashboard=1} (the chart's {@code sidecar.dashboards.label} and {@code labelValue});</li>
 * <li>{@code vigil.dashboards.folder-annotation}: the annotation naming the folder, default {@code grafana_folder}
 * (the chart's {@code sidecar.dashboards.folderAnnotation}).</li>
 * </ul>
 */
public record DashboardSettings(Map<String, String> configMapLabels, String folderAnnotation) {
    public static final String DEFAULT_LABELS = "grafana_dashboard=1";
    public static final String DEFAULT_FOLDER_ANNOTATION = "grafana_folder";

    public static DashboardSettings defaults() {
        return new DashboardSettings(labels(DEFAULT_LABELS), DEFAULT_FOLDER_ANNOTATION);
    }

    public static DashboardSettings current() {
        Config c = ConfigProvider.getConfig();
        return new DashboardSettings(
                labels(c.getOptionalValue("vigil.dashboards.configmap-labels", String.class).orElse(DEFAULT_LABELS)),
                c.getOptionalValue("vigil.dashboards.folder-annotation", String.class).orElse(DEFAULT_FOLDER_ANNOTATION));
    }

    static Map<String, String> labels(String text) {
        return dev.vigil.naming.Labels.parse(text);
    }
}
