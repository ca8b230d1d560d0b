package dev.vigil.kube;

import io.javaoperatorsdk.operator.api.reconciler.Context;

import java.util.Optional;

/**
 * A typed entry of JOSDK's workflow context: what a reconcile decided, handed to a dependent's {@code desired()} so
 * that it stays a function of (primary, decision). Each capability declares the key of its own decision record next
 * to the dependents that read it, so no string keys or casts are spread around, and no capability has to import the
 * reconciler's package to see what it was given.
 */
public record ContextKey<T>(Class<T> type) {
    public static <T> ContextKey<T> of(Class<T> type) {
        return new ContextKey<>(type);
    }

    public void put(Context<?> context, T value) {
        context.managedWorkflowAndDependentResourceContext().put(type.getName(), value);
    }

    public Optional<T> get(Context<?> context) {
        return context.managedWorkflowAndDependentResourceContext().get(type.getName(), type);
    }

    /** The entry; its absence is a programming error (the reconciler puts it before running the dependents). */
    public T require(Context<?> context) {
        return get(context).orElseThrow(() -> new IllegalStateException(type.getSimpleName()
                + " is missing from the workflow context"));
    }
}
