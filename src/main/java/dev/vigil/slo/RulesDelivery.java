package dev.vigil.slo;

import dev.vigil.config.SloSettings;
import dev.vigil.kube.ContextKey;

/**
 * What the reconciler decided about rule delivery, handed to the rule dependents: whether the PrometheusRule CRD is
 * installed (then the ConfigMap is not wanted), the settings the rule objects are labelled by, and the platform
 * templates as this reconcile read them.
 */
public record RulesDelivery(boolean prometheusRuleCrd, SloSettings settings, PlatformTemplates templates) {
    public static final ContextKey<RulesDelivery> KEY = ContextKey.of(RulesDelivery.class);
}
