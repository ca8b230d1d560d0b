package dev.vigil.slo;

import dev.vigil.config.SloSettings;
import dev.vigil.kube.ContextKey;

/**
 * What the reconciler decided about rule delivery, handed to the rule dependents: whether the PrometheusRule CRD is
 * installed (then the ConfigMap is not wanted), and the settings the rule objects are labelled by.
 */
public record RulesDelivery(boolean prometheusRuleCrd, SloSettings settings) {
    public static final ContextKey<RulesDelivery> KEY = ContextKey.of(RulesDelivery.class);
}
