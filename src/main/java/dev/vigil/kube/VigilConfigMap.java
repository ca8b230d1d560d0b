package dev.vigil.kube;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;

/**
 * A ConfigMap Vigil owns and writes whole. Each subclass declares its informer with its own component's selector
 * ({@code Labels.SELECT_*}) and the {@link DigestedConfigMapStore}: an informer caches only its own kind of
 * ConfigMap, and of each only the metadata and digests of the data (at 1,000 services, every informer selecting all
 * Vigil ConfigMaps held 14,759 copies of about 2,000 ConfigMaps, dashboards' JSON included).
 */
public abstract class VigilConfigMap<P extends HasMetadata> extends CRUDKubernetesDependentResource<ConfigMap, P> {
    protected VigilConfigMap() {
        super(ConfigMap.class);
    }

    /**
     * Exact on the data (a removed key goes; JOSDK's default matcher tolerates keys the cluster has but the desired
     * state lacks), against the cache's digests. ConfigMaps are written by update (JOSDK keeps server-side apply off
     * for them), so a mismatch replaces the data whole.
     */
    @Override
    public Matcher.Result<ConfigMap> match(ConfigMap actual, ConfigMap desired, P primary, Context<P> context) {
        return Matcher.Result.computed(ConfigMaps.same(actual, desired), desired);
    }
}
