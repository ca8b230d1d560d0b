package dev.vigil.reconcile;

import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/** The end of every reconcile: patch status only when it differs from what is stored, and come back when asked to. */
public final class StatusPatch {
    private StatusPatch() {
    }

    public static <S, P extends CustomResource<?, S>> UpdateControl<P> of(P primary, S old, S next,
            Optional<Duration> recheck) {
        UpdateControl<P> control;
        if (Objects.equals(next, old)) {
            control = UpdateControl.noUpdate();
        } else {
            primary.setStatus(next);
            control = UpdateControl.patchStatus(primary);
        }
        return recheck.map(control::rescheduleAfter).orElse(control);
    }
}
