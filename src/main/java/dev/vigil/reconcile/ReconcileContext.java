package dev.vigil.reconcile;

import dev.vigil.status.Conditions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the parts of one reconcile share: the resource, its status as it was and as it is being built, the conditions
 * being built, JOSDK's context (for the dependents), and what earlier parts decided for later ones.
 *
 * @param <P> the primary resource
 * @param <S> its status type
 */
public abstract class ReconcileContext<P extends HasMetadata, S> {
    private final P primary;
    private final S old;
    private final S next;
    private final Conditions conditions;
    private final Context<P> josdk;
    private final Map<Class<?>, Object> decisions = new HashMap<>();
    private boolean rejected;

    protected ReconcileContext(P primary, S old, S next, Conditions conditions, Context<P> josdk) {
        this.primary = primary;
        this.old = old;
        this.next = next;
        this.conditions = conditions;
        this.josdk = josdk;
    }

    public P primary() {
        return primary;
    }

    /** The status as the API server has it; null for a new resource. */
    public S old() {
        return old;
    }

    /** The status being built; patched at the end when it differs from {@link #old()}. */
    public S next() {
        return next;
    }

    public Conditions conditions() {
        return conditions;
    }

    public Context<P> josdk() {
        return josdk;
    }

    public KubernetesClient client() {
        return josdk.getClient();
    }

    /** Whether a part planned before this one rejected the spec (then nothing is written this reconcile). */
    public boolean rejected() {
        return rejected;
    }

    void markRejected() {
        rejected = true;
    }

    /** Records a part's decision of this reconcile for its later phases (or later parts), one per type. */
    public <T> void decided(Class<T> type, T decision) {
        decisions.put(type, decision);
    }

    public <T> Optional<T> decision(Class<T> type) {
        return Optional.ofNullable(type.cast(decisions.get(type)));
    }

    public <T> T requireDecision(Class<T> type) {
        return decision(type).orElseThrow(() -> new IllegalStateException(type.getSimpleName() + " was not decided"));
    }
}
