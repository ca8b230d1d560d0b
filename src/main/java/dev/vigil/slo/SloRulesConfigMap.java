package dev.vigil.slo;

import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.config.SloSettings;
import dev.vigil.kube.DigestedConfigMapStore;
import dev.vigil.kube.VigilConfigMap;
import dev.vigil.naming.Labels;
import dev.vigil.naming.Names;
import dev.vigil.serialization.Yaml;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

import java.util.Map;

/**
 * A service's SLO rules as a Prometheus rules file in a ConfigMap, for clusters without the PrometheusRule CRD: a
 * rule reloader (or a Prometheus that mounts it) selects it by the {@link SloSettings#configMapLabel()} label.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.SELECT_SLO_RULES, itemStore = DigestedConfigMapStore.class))
public class SloRulesConfigMap extends VigilConfigMap<InstrumentedService> {
    @Override
    protected ConfigMap desired(InstrumentedService service, Context<InstrumentedService> context) {
        RulesDelivery delivery = RulesDelivery.KEY.require(context);
        return delivery.rulesFile()
                .map(rulesFile -> build(service, delivery.settings(), rulesFile))
                .orElseGet(() -> build(service, delivery.settings(), delivery.templates()));
    }

    public static String key(InstrumentedService service) {
        return service.getMetadata().getNamespace() + "." + service.getMetadata().getName() + ".rules.yaml";
    }

    public static ConfigMap build(InstrumentedService service, SloSettings settings, PlatformTemplates templates) {
        return build(service, settings, Yaml.write(SloRules.rulesFile(service, templates)));
    }

    /** @param rulesFile the service's rules file as YAML ({@link SloRules#rulesFile}) */
    static ConfigMap build(InstrumentedService service, SloSettings settings, String rulesFile) {
        Map<String, String> labels = Labels.slo(service.getMetadata().getName());
        labels.putAll(settings.configMapLabels());
        return new ConfigMapBuilder()
                .withNewMetadata()
                .withName(Names.sloRules(service.getMetadata().getName()))
                .withNamespace(service.getMetadata().getNamespace())
                .withLabels(labels)
                .endMetadata()
                .withData(Map.of(key(service), rulesFile))
                .build();
    }

    /** Reconcile precondition: the service has SLOs and the PrometheusRule CRD is not installed. */
    public static class Wanted implements Condition<ConfigMap, InstrumentedService> {
        @Override
        public boolean isMet(DependentResource<ConfigMap, InstrumentedService> dependent, InstrumentedService service,
                Context<InstrumentedService> context) {
            return !service.getSpec().slos.isEmpty() && !RulesDelivery.KEY.require(context).prometheusRuleCrd();
        }
    }
}
