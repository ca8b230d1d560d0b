package dev.vigil.slo;

import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.naming.Labels;
import dev.vigil.naming.Names;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.GroupVersionKind;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.Updater;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.GenericKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.GroupVersionKindPlural;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

import java.util.Map;

/** A service's SLO rules as a PrometheusRule (monitoring.coreos.com/v1), when the Prometheus operator's CRD exists. */
public class SloPrometheusRule extends GenericKubernetesDependentResource<InstrumentedService>
        implements Creator<GenericKubernetesResource, InstrumentedService>, Updater<GenericKubernetesResource, InstrumentedService>,
        GarbageCollected<InstrumentedService> {
    public static final String GROUP = "monitoring.coreos.com";
    public static final String VERSION = "v1";
    public static final String KIND = "PrometheusRule";
    public static final String PLURAL = "prometheusrules";
    public static final String CRD = PLURAL + "." + GROUP;

    public SloPrometheusRule() {
        super(GroupVersionKindPlural.gvkWithPlural(new GroupVersionKind(GROUP, VERSION, KIND), PLURAL));
    }

    @Override
    protected GenericKubernetesResource desired(InstrumentedService service, Context<InstrumentedService> context) {
        return build(service, SloSettings.current());
    }

    public static GenericKubernetesResource build(InstrumentedService service, SloSettings settings) {
        Map<String, String> labels = Labels.slo(service.getMetadata().getName());
        labels.putAll(settings.prometheusRuleLabels());
        return new GenericKubernetesResourceBuilder()
                .withApiVersion(GROUP + "/" + VERSION)
                .withKind(KIND)
                .withNewMetadata()
                .withName(Names.sloRules(service.getMetadata().getName()))
                .withNamespace(service.getMetadata().getNamespace())
                .withLabels(labels)
                .endMetadata()
                .withAdditionalProperties(Map.of("spec", SloRules.rulesFile(service)))
                .build();
    }

    /** Activation condition: the CRD is installed (its informer can only start then). */
    public static class CrdInstalled implements Condition<GenericKubernetesResource, InstrumentedService> {
        @Override
        public boolean isMet(DependentResource<GenericKubernetesResource, InstrumentedService> dependent,
                InstrumentedService service, Context<InstrumentedService> context) {
            return RulesDelivery.of(context).prometheusRuleCrd();
        }
    }

    /** Reconcile precondition: the service has SLOs. */
    public static class Wanted implements Condition<GenericKubernetesResource, InstrumentedService> {
        @Override
        public boolean isMet(DependentResource<GenericKubernetesResource, InstrumentedService> dependent,
                InstrumentedService service, Context<InstrumentedService> context) {
            return !service.getSpec().slos.isEmpty();
        }
    }
}
