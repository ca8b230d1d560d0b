package dev.vigil.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

import java.util.List;
import java.util.Set;

/**
 * What an informer keeps of an object's metadata when Vigil's decisions do not read it: the managedFields entries of
 * other field managers (for a Deployment that is the user's and the controller-manager's record of every field,
 * often larger than the object) and kubectl's last-applied-configuration annotation (a second copy of the object).
 * At 10,000 services these were most of what the primary and workload caches held.
 */
public final class LeanMetadata {
    /** Written by client-side {@code kubectl apply}; nothing in Vigil reads it. */
    public static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

    private static final Set<String> NONE = Set.of();

    private LeanMetadata() {
    }

    /**
     * Drops, in place, the managedFields entries of every field manager but {@code keep} (none kept when empty) and the
     * last-applied annotation. Informers hand each object to their store fresh from the wire, so nothing else holds it.
     */
    public static <T extends HasMetadata> T pruned(T obj, Set<String> keep) {
        var meta = obj.getMetadata();
        if (meta == null) {
            return obj;
        }
        if (meta.getManagedFields() != null && !meta.getManagedFields().isEmpty()) {
            meta.setManagedFields(managedFields(meta, keep));
        }
        if (meta.getAnnotations() != null && meta.getAnnotations().containsKey(LAST_APPLIED)) {
            var annotations = new java.util.LinkedHashMap<>(meta.getAnnotations());
            annotations.remove(LAST_APPLIED);
            meta.setAnnotations(annotations);
        }
        return obj;
    }

    /**
     * A new metadata of what a cached view needs: identity (name, namespace, uid, resourceVersion, generation), times
     * (creation, deletion) and labels. No annotations, owners, finalizers or managedFields, and none of the maps and
     * lists an {@code ObjectMeta} read from the wire carries: the views of 10,000 services keep 10,000 of these.
     */
    public static ObjectMeta identity(ObjectMeta meta) {
        return identity(meta, NONE);
    }

    /** {@link #identity(ObjectMeta)} with the managedFields entries of the field managers {@code keep}. */
    public static ObjectMeta identity(ObjectMeta meta, Set<String> keep) {
        if (meta == null) {
            return null;
        }
        return new ObjectMetaBuilder().withName(meta.getName()).withNamespace(meta.getNamespace()).withUid(meta.getUid())
                .withResourceVersion(meta.getResourceVersion()).withGeneration(meta.getGeneration())
                .withCreationTimestamp(meta.getCreationTimestamp()).withDeletionTimestamp(meta.getDeletionTimestamp())
                .withLabels(meta.getLabels()).withManagedFields(managedFields(meta, keep)).build();
    }

    /** The managedFields entries of the field managers {@code keep}; null when there are none. */
    private static List<ManagedFieldsEntry> managedFields(ObjectMeta meta, Set<String> keep) {
        if (meta.getManagedFields() == null || keep.isEmpty()) {
            return null;
        }
        List<ManagedFieldsEntry> kept = meta.getManagedFields().stream().filter(f -> keep.contains(f.getManager())).toList();
        return kept.isEmpty() ? null : kept;
    }

    /** An informer store of objects without any managedFields or the last-applied annotation. */
    public static final class Store<T extends HasMetadata> extends PrunedItemStore<T> {
        public Store() {
            super(obj -> pruned(obj, NONE));
        }
    }
}
