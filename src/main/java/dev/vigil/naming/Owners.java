package dev.vigil.naming;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;

import java.util.Objects;

/** Owner references of objects Vigil writes outside JOSDK's dependents (optional-CRD integrations). */
public final class Owners {
    private Owners() {
    }

    /** The controller reference that lets the garbage collector remove {@code owned} with {@code owner}. */
    public static OwnerReference controller(HasMetadata owner) {
        return new OwnerReferenceBuilder().withApiVersion(owner.getApiVersion()).withKind(owner.getKind())
                .withName(owner.getMetadata().getName()).withUid(owner.getMetadata().getUid())
                .withController(true).withBlockOwnerDeletion(false).build();
    }

    /** Whether {@code owned} names {@code owner} (by uid) among its owners. */
    public static boolean ownedBy(HasMetadata owned, HasMetadata owner) {
        return owned.getMetadata().getOwnerReferences() != null && owned.getMetadata().getOwnerReferences().stream()
                .anyMatch(o -> Objects.equals(o.getUid(), owner.getMetadata().getUid()));
    }
}
