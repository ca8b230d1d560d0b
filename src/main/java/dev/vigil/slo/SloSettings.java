package dev.vigil.slo;

import dev.vigil.naming.Labels;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import java.time.Duration;
import java.util.Map;

/**
 * The operator's SLO settings (application.properties / environment / chart values):
 * <ul>
 * <li>{@code vigil.slo.rules-configmap-labels}: labels on rule ConfigMaps, default {@code vigil.dev/prometheus-rules=true}</li>
 * <li>{@code vigil.slo.prometheus-rule-labels}: extra labels on PrometheusRules (a Prometheus' ruleSelector), default none</li>
 * <li>{@code vigil.slo.measure-interval}: how often budgets are measured, default 60s</li>
 * </ul>
 * Label lists are written {@code key=value,key=value}.
 */
public record SloSettings(Map<String, String> configMapLabels, Map<String, String> prometheusRuleLabels, Duration measureInterval) {
    public static final String DEFAULT_CONFIGMAP_LABELS = "vigil.dev/prometheus-rules=true";

    public static SloSettings defaults() {
        return new SloSettings(Labels.parse(DEFAULT_CONFIGMAP_LABELS), Map.of(), Duration.ofSeconds(60));
    }

    public static SloSettings current() {
        Config c = ConfigProvider.getConfig();
        return new SloSettings(
                Labels.parse(c.getOptionalValue("vigil.slo.rules-configmap-labels", String.class).orElse(DEFAULT_CONFIGMAP_LABELS)),
                Labels.parse(c.getOptionalValue("vigil.slo.prometheus-rule-labels", String.class).orElse("")),
                c.getOptionalValue("vigil.slo.measure-interval", Duration.class).orElse(Duration.ofSeconds(60)));
    }
}
