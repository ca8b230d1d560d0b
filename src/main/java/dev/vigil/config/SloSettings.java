package dev.vigil.config;

import dev.vigil.naming.Labels;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The operator's SLO settings (see {@link VigilConfig.Slo}): labels of rule ConfigMaps and PrometheusRules, how often
 * budgets are measured, the promtool that checks rule files, and the ConfigMap (namespace/name) of the platform
 * team's SLO templates.
 */
public record SloSettings(Map<String, String> configMapLabels, Map<String, String> prometheusRuleLabels,
        Duration measureInterval, Optional<Path> promtoolBinary, Optional<String> templatesConfigMap) {
    public static final String DEFAULT_CONFIGMAP_LABELS = "vigil.dev/prometheus-rules=true";

    public SloSettings(Map<String, String> configMapLabels, Map<String, String> prometheusRuleLabels, Duration measureInterval) {
        this(configMapLabels, prometheusRuleLabels, measureInterval, Optional.empty(), Optional.empty());
    }

    public static SloSettings defaults() {
        return Settings.defaults().slo();
    }

    static SloSettings from(VigilConfig.Slo c) {
        return new SloSettings(Labels.parse(c.rulesConfigmapLabels()), Labels.parse(c.prometheusRuleLabels().orElse("")),
                c.measureInterval(), c.promtoolBinary().filter(b -> !b.isBlank()).map(Path::of),
                c.templatesConfigmap().filter(t -> !t.isBlank()));
    }
}
