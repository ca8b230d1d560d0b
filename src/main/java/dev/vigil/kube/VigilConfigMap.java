package dev.vigil.kube;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.GenericResourceUpdater;
import org.jboss.logging.Logger;

import java.net.HttpURLConnection;
import java.util.function.UnaryOperator;

/**
 * A ConfigMap Vigil owns and writes whole. Each subclass declares its informer with its own component's selector
 * ({@code Labels.SELECT_*}) and the {@link DigestedConfigMapStore}: an informer caches only its own kind of
 * ConfigMap, and of each only the metadata and digests of the data (at 1,000 services, every informer selecting all
 * Vigil ConfigMaps held 14,759 copies of about 2,000 ConfigMaps, dashboards' JSON included).
 */
public abstract class VigilConfigMap<P extends HasMetadata> extends CRUDKubernetesDependentResource<ConfigMap, P> {
    private static final Logger LOG = Logger.getLogger(VigilConfigMap.class);

    protected VigilConfigMap() {
        super(ConfigMap.class);
    }

    /**
     * JOSDK keeps what a write returned in a temporary cache until the informer shows that version or a later one.
     * When the informer's event comes first (a busy apiserver), JOSDK 5.3.2 caches it anyway and drops it only at the
     * object's next change, which for a settled ConfigMap never comes: at 9,000 services 9,800 dashboards' JSON and
     * 9,900 SLO rule files (61 MB) stayed in memory that way. So the write is JOSDK's own (the same metadata, the same
     * filtering of its own event) but what it hands the temporary cache, and returns, is what the informer keeps.
     */
    @Override
    public ConfigMap create(ConfigMap desired, P primary, Context<P> context) {
        if (useSSA(context)) {
            return super.create(desired, primary, context);
        }
        addMetadata(false, null, desired, primary, context);
        return write(desired, context, r -> context.getClient().resource(r).create());
    }

    /**
     * As {@link #create}, for an update. The update carries the cached object's resourceVersion; when the cache is a
     * step behind (the object was written again since), the apiserver answers 409 and the update goes once more
     * against the stored version. Vigil writes the whole object and only the leader writes, so nothing is lost by it;
     * failing the reconcile instead set a fleet Ready=False until the retry (at 1,000 services: twice, each sending
     * every service through reconcile).
     */
    @Override
    public ConfigMap update(ConfigMap actual, ConfigMap desired, P primary, Context<P> context) {
        if (useSSA(context)) {
            return super.update(actual, desired, primary, context);
        }
        addMetadata(false, actual, desired, primary, context);
        ConfigMap updated = GenericResourceUpdater.updateResource(actual, desired, context);
        return write(updated, context, r -> updateOverConflict(context.getClient(), r));
    }

    private static ConfigMap updateOverConflict(KubernetesClient client, ConfigMap resource) {
        try {
            return client.resource(resource).update();
        } catch (KubernetesClientException e) {
            if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                throw e;
            }
            LOG.debugf("ConfigMap %s/%s changed since the cached copy; writing over the stored version",
                    resource.getMetadata().getNamespace(), resource.getMetadata().getName());
            // Without a resourceVersion, Fabric8 reads the stored one and updates against it.
            ConfigMap again = new ConfigMapBuilder(resource).editMetadata().withResourceVersion(null).endMetadata().build();
            return client.resource(again).update();
        }
    }

    private ConfigMap write(ConfigMap resource, Context<P> context, UnaryOperator<ConfigMap> call) {
        var ops = context.resourceOperations();
        UnaryOperator<ConfigMap> cachedAnswer = r -> cached(call.apply(r));
        // As JOSDK's own dependents: this dependent's informer, or (none registered yet) the one JOSDK finds by type.
        return eventSource().map(es -> ops.resourcePatch(resource, cachedAnswer, es))
                .orElseGet(() -> ops.resourcePatch(resource, cachedAnswer));
    }

    /** What the informer's {@link DigestedConfigMapStore} keeps of a ConfigMap. */
    static ConfigMap cached(ConfigMap answer) {
        return answer == null ? null : DigestedConfigMapStore.kept(answer);
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
