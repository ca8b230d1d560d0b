package dev.vigil.kube;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.naming.Owners;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import org.jboss.logging.Logger;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;

/**
 * One kind of object that belongs to an optional integration (a PrometheusRule, a GrafanaDashboard): a kind whose CRD
 * may not be installed, so it cannot be a JOSDK dependent (a dependent's informer is built even while its activation
 * condition is false, and for an unknown kind that fails on discovery). {@link #reconcile} is the one write routine
 * for all of them: read by name, apply by server-side apply ({@value FieldManagers#OPERATOR}) when missing or
 * different, delete when no longer wanted, and never touch an object of that name Vigil does not own.
 */
public final class OptionalCrdObject {
    private static final Logger LOG = Logger.getLogger(OptionalCrdObject.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What {@link #reconcile} did. */
    public enum Result {
        /** The object was as wanted (or absent and not wanted): no write. */
        UNCHANGED,
        APPLIED,
        DELETED,
        /** An object of that name exists and is not owned by the owner: left untouched, nothing delivered. */
        NAME_TAKEN
    }

    private final ResourceDefinitionContext context;
    private final BiPredicate<Map<String, Object>, Map<String, Object>> sameSpec;
    private final BiPredicate<Map<String, Object>, Map<String, Object>> needsNewObject;

    /**
     * @param sameSpec       (current spec, desired spec): whether the cluster's spec already is what Vigil wants
     *                       (a CRD's defaults may add fields Vigil does not set)
     * @param needsNewObject (current spec, desired spec): whether the change is one the CRD will not let an update
     *                       make (an immutable field): the object is deleted and created anew
     */
    public OptionalCrdObject(ResourceDefinitionContext context, BiPredicate<Map<String, Object>, Map<String, Object>> sameSpec,
            BiPredicate<Map<String, Object>, Map<String, Object>> needsNewObject) {
        this.context = context;
        this.sameSpec = sameSpec;
        this.needsNewObject = needsNewObject;
    }

    public String kind() {
        return context.getKind();
    }

    /**
     * Brings the object {@code name} in {@code owner}'s namespace in line with {@code desired}, or removes an owned
     * one when {@code desired} is null.
     */
    public Result reconcile(KubernetesClient client, HasMetadata owner, String name, GenericKubernetesResource desired) {
        Resource<GenericKubernetesResource> existing = client.genericKubernetesResources(context)
                .inNamespace(owner.getMetadata().getNamespace()).withName(name);
        GenericKubernetesResource current = existing.get();
        if (current != null && !Owners.ownedBy(current, owner)) {
            return desired == null ? Result.UNCHANGED : Result.NAME_TAKEN;
        }
        if (desired == null) {
            if (current == null) {
                return Result.UNCHANGED;
            }
            existing.delete();
            return Result.DELETED;
        }
        if (current != null && same(current, desired)) {
            return Result.UNCHANGED;
        }
        if (current != null && needsNewObject.test(spec(current), spec(desired))) {
            LOG.infof("%s %s/%s: a field that cannot be updated changed; recreating it", kind(),
                    owner.getMetadata().getNamespace(), name);
            existing.delete();
            existing.waitUntilCondition(Objects::isNull, 30, TimeUnit.SECONDS);
        }
        client.genericKubernetesResources(context).inNamespace(owner.getMetadata().getNamespace()).resource(desired)
                .fieldManager(FieldManagers.OPERATOR).forceConflicts().serverSideApply();
        return Result.APPLIED;
    }

    /** The spec as wanted, and every label Vigil sets present (others may add labels). Ownership is checked before. */
    public boolean same(GenericKubernetesResource current, GenericKubernetesResource desired) {
        Map<String, String> labels = current.getMetadata().getLabels() == null ? Map.of() : current.getMetadata().getLabels();
        Map<String, String> wanted = desired.getMetadata().getLabels() == null ? Map.of() : desired.getMetadata().getLabels();
        return sameSpec.test(spec(current), spec(desired)) && labels.entrySet().containsAll(wanted.entrySet());
    }

    /** The object's spec as plain maps and lists (as the API server returned it, or as built). */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> spec(GenericKubernetesResource r) {
        Object spec = r.getAdditionalProperties().get("spec");
        return spec == null ? Map.of() : JSON.convertValue(spec, Map.class);
    }

    /** For kinds whose every field can be updated in place. */
    public static boolean never(Map<String, Object> current, Map<String, Object> desired) {
        return false;
    }
}
