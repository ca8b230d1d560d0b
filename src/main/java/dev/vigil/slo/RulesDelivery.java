package dev.vigil.slo;

import dev.vigil.config.SloSettings;
import dev.vigil.kube.ContextKey;
import java.util.Optional;

/**
 * What the reconciler decided about rule delivery, handed to the rule dependents: whether the PrometheusRule CRD is
 * installed (then the ConfigMap is not wanted), the settings the rule objects are labelled by, the platform
 * templates as this reconcile read them, and the rules file as this reconcile wrote and checked it (written once: at
 * 1,000 services starting, writing it a second time for the ConfigMap was 6 % of the operator's Java CPU).
 */
public record RulesDelivery(boolean prometheusRuleCrd, SloSettings settings, PlatformTemplates templates,
        Optional<String> rulesFile) {
    public static final ContextKey<RulesDelivery> KEY = ContextKey.of(RulesDelivery.class);
}
