package dev.vigil.slo;

import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.config.SloSettings;
import dev.vigil.kube.OptionalCrdObject;
import dev.vigil.naming.Labels;
import dev.vigil.naming.Names;
import dev.vigil.naming.Owners;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

import java.util.Map;
import java.util.Objects;

/**
 * A service's SLO rules as a PrometheusRule (monitoring.coreos.com/v1), when the Prometheus operator's CRD exists.
 *
 * <p>An {@link OptionalCrdObject} (its CRD may be missing, so it cannot be a JOSDK dependent): read back by name on
 * each reconcile, applied when it differs, with an owner reference for garbage collection.
 */
public final class SloPrometheusRule {
    public static final String GROUP = "monitoring.coreos.com";
    public static final String VERSION = "v1";
    public static final String KIND = "PrometheusRule";
    public static final String PLURAL = "prometheusrules";
    public static final String CRD = PLURAL + "." + GROUP;
    static final ResourceDefinitionContext CONTEXT = new ResourceDefinitionContext.Builder()
            .withGroup(GROUP).withVersion(VERSION).withKind(KIND).withPlural(PLURAL).withNamespaced(true).build();

    private SloPrometheusRule() {
    }

    public static GenericKubernetesResource build(InstrumentedService service, SloSettings settings, PlatformTemplates templates) {
        Map<String, String> labels = Labels.slo(service.getMetadata().getName());
        labels.putAll(settings.prometheusRuleLabels());
        return new GenericKubernetesResourceBuilder()
                .withApiVersion(GROUP + "/" + VERSION)
                .withKind(KIND)
                .withNewMetadata()
                .withName(Names.sloRules(service.getMetadata().getName()))
                .withNamespace(service.getMetadata().getNamespace())
                .withLabels(labels)
                .withOwnerReferences(Owners.controller(service))
                .endMetadata()
                .withAdditionalProperties(Map.of("spec", SloRules.rulesFile(service, templates)))
                .build();
    }

    /** The one write routine of optional-CRD objects; every field of a PrometheusRule's spec is Vigil's. */
    static final OptionalCrdObject OBJECT = new OptionalCrdObject(CONTEXT, Objects::equals, OptionalCrdObject::never);

    /**
     * Brings the cluster's PrometheusRule in line with the service: applied when missing or different, deleted when
     * the service has no SLO. A PrometheusRule of that name that Vigil does not own is left untouched, and the
     * returned problem says so; null when the rules are delivered.
     */
    public static String sync(KubernetesClient client, InstrumentedService service, SloSettings settings,
            PlatformTemplates templates) {
        String name = Names.sloRules(service.getMetadata().getName());
        GenericKubernetesResource desired = service.getSpec().slos.isEmpty() ? null : build(service, settings, templates);
        if (OBJECT.reconcile(client, service, name, desired) == OptionalCrdObject.Result.NAME_TAKEN) {
            return "PrometheusRule " + name + " already exists and is not owned by this InstrumentedService; it was "
                    + "left untouched and the SLO rules are not delivered (delete or rename it)";
        }
        return null;
    }
}
