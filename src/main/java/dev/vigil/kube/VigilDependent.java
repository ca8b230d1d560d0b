package dev.vigil.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;

/**
 * An object Vigil owns and server-side applies (the fleets' StatefulSets, DaemonSets, Services, RBAC objects and
 * budgets; the services' discovery bindings). Before each apply that puts fields back, {@link FieldTakeovers} logs
 * which other writer held which of them, once per takeover. (Vigil's ConfigMaps, written whole by update and cached
 * without managedFields, are {@link VigilConfigMap}s.)
 */
public abstract class VigilDependent<R extends HasMetadata, P extends HasMetadata> extends CRUDKubernetesDependentResource<R, P> {
    protected VigilDependent(Class<R> type) {
        super(type);
    }

    @Override
    public R update(R actual, R desired, P primary, Context<P> context) {
        FieldTakeovers.LOGGER.noteBeforeApply(actual, desired);
        return super.update(actual, desired, primary, context);
    }
}
