package dev.vigil.slo;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.naming.Labels;
import dev.vigil.naming.Names;
import dev.vigil.naming.Owners;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

import java.util.Map;
import java.util.Objects;

/**
 * A service's SLO rules as a PrometheusRule (monitoring.coreos.com/v1), when the Prometheus operator's CRD exists.
 *
 * <p>Not a JOSDK dependent: a dependent's informer is built even while its activation condition is false, and for
 * an unknown kind that fails on discovery. So the reconciler applies it directly (server-side apply, Vigil's field
 * manager) when it differs from what is in the cluster, with an owner reference for garbage collection, and reads
 * it back on each reconcile instead of watching it.
 */
public final class SloPrometheusRule {
    public static final String GROUP = "monitoring.coreos.com";
    public static final String VERSION = "v1";
    public static final String KIND = "PrometheusRule";
    public static final String PLURAL = "prometheusrules";
    public static final String CRD = PLURAL + "." + GROUP;
    static final ResourceDefinitionContext CONTEXT = new ResourceDefinitionContext.Builder()
            .withGroup(GROUP).withVersion(VERSION).withKind(KIND).withPlural(PLURAL).withNamespaced(true).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private SloPrometheusRule() {
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
                .withOwnerReferences(Owners.controller(service))
                .endMetadata()
                .withAdditionalProperties(Map.of("spec", SloRules.rulesFile(service)))
                .build();
    }

    /**
     * Brings the cluster's PrometheusRule in line with the service: applied when missing or different, deleted when
     * the service has no SLO. Returns whether it wrote.
     */
    public static boolean sync(KubernetesClient client, InstrumentedService service, SloSettings settings, String fieldManager) {
        Resource<GenericKubernetesResource> existing = client.genericKubernetesResources(CONTEXT)
                .inNamespace(service.getMetadata().getNamespace())
                .withName(Names.sloRules(service.getMetadata().getName()));
        GenericKubernetesResource current = existing.get();
        if (service.getSpec().slos.isEmpty()) {
            if (current != null && Owners.ownedBy(current, service)) {
                existing.delete();
                return true;
            }
            return false;
        }
        GenericKubernetesResource desired = build(service, settings);
        if (current != null && same(current, desired, service)) {
            return false;
        }
        client.genericKubernetesResources(CONTEXT).inNamespace(service.getMetadata().getNamespace()).resource(desired)
                .fieldManager(fieldManager).forceConflicts().serverSideApply();
        return true;
    }

    static boolean same(GenericKubernetesResource current, GenericKubernetesResource desired, InstrumentedService service) {
        Object currentSpec = JSON.convertValue(current.getAdditionalProperties().get("spec"), Object.class);
        Object desiredSpec = JSON.convertValue(desired.getAdditionalProperties().get("spec"), Object.class);
        Map<String, String> labels = current.getMetadata().getLabels() == null ? Map.of() : current.getMetadata().getLabels();
        return Objects.equals(currentSpec, desiredSpec)
                && labels.entrySet().containsAll(desired.getMetadata().getLabels().entrySet())
                && Owners.ownedBy(current, service);
    }
}
