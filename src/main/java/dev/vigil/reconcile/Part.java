package dev.vigil.reconcile;

/**
 * One capability's share of a reconcile (SLOs, pools, dashboards, shard planning, ...), in three phases that
 * {@link Parts#run} drives for every part in order:
 * <ol>
 * <li>{@link #plan}: read, measure and decide, fill its status fields and conditions; no writes. A
 * {@link NotReady.Rank#REJECTED} outcome from any part means nothing is written this reconcile.</li>
 * <li>When nothing was rejected: {@link #prepare} hands its decisions to its JOSDK dependents (workflow context),
 * the dependents run, then {@link #deliver} makes the writes that are not dependents.</li>
 * <li>Otherwise {@link #hold}: keep what it reported about the objects it would have written, which stay as they
 * were.</li>
 * </ol>
 * Parts are shared by concurrent reconciles: what one reconcile decided lives in the context, never in the part.
 */
public interface Part<C extends ReconcileContext<?, ?>> {
    default PartOutcome plan(C ctx) {
        return PartOutcome.NONE;
    }

    default void prepare(C ctx) {
    }

    default PartOutcome deliver(C ctx) {
        return PartOutcome.NONE;
    }

    default void hold(C ctx) {
    }
}
