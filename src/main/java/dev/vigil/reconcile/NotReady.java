package dev.vigil.reconcile;

/**
 * Why a part says its resource is not Ready. When several parts say so, the most severe {@link Rank} wins (then the
 * first part in reconcile order), and its reason and message become the Ready condition's.
 *
 * @param warn whether turning not-ready for this reason deserves a Warning event (waiting for a rollout does not)
 */
public record NotReady(Rank rank, String reason, String message, boolean warn) {
    /** How bad it is, most severe first. */
    public enum Rank {
        /** The spec cannot be honoured: nothing is written this reconcile (every part holds). */
        REJECTED,
        /** Something the resource points at does not exist. */
        MISSING,
        /** Writing what was decided failed. */
        DELIVERY_FAILED,
        /** The resource is not served by anything yet (e.g. no fleet collects the service). */
        NOT_SERVED,
        /** Everything is in place and converging (e.g. collectors rolling out). */
        WAITING
    }

    public static NotReady of(Rank rank, String reason, String message) {
        return new NotReady(rank, reason, message, rank != Rank.WAITING);
    }
}
