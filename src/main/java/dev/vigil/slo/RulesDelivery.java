package dev.vigil.slo;

import dev.vigil.api.v1alpha1.InstrumentedService;
import io.javaoperatorsdk.operator.api.reconciler.Context;

/** What the reconciler decided about rule delivery, handed to the rule dependents' conditions. */
public record RulesDelivery(boolean prometheusRuleCrd) {
    public static final String KEY = "vigil.slo.rules-delivery";

    static RulesDelivery of(Context<InstrumentedService> context) {
        return context.managedWorkflowAndDependentResourceContext().get(KEY, RulesDelivery.class)
                .orElse(new RulesDelivery(false));
    }
}
