package dev.vigil.reconcile;

import io.fabric8.kubernetes.api.model.HasMetadata;

import java.util.List;

/** Runs a reconciler's parts through their phases (see {@link Part}). */
public final class Parts {
    private Parts() {
    }

    /**
     * Plans every part; unless one rejected the spec, prepares every part, runs the managed dependents and delivers
     * every part; otherwise holds every part. Returns all the outcomes together.
     */
    public static <C extends ReconcileContext<?, ?>> PartOutcome run(List<? extends Part<C>> parts, C ctx) {
        PartOutcome planned = PartOutcome.NONE;
        for (Part<C> p : parts) {
            planned = planned.and(p.plan(ctx));
            if (planned.rejected()) {
                ctx.markRejected();
            }
        }
        if (planned.rejected()) {
            parts.forEach(p -> p.hold(ctx));
            return planned;
        }
        parts.forEach(p -> p.prepare(ctx));
        ctx.josdk().managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();
        String kind = HasMetadata.getKind(ctx.primary().getClass());
        FailPoints.reached(kind + ":after-dependents");
        PartOutcome delivered = planned;
        for (Part<C> p : parts) {
            delivered = delivered.and(p.deliver(ctx));
        }
        FailPoints.reached(kind + ":before-status");
        return delivered;
    }
}
