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
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import org.jboss.logging.Logger;

import java.net.HttpURLConnection;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * A ConfigMap Vigil owns and writes whole, with its data's digest in an annotation. Each subclass declares its
 * informer with its own component's selector ({@code Labels.SELECT_*}) and the {@link DigestedConfigMapStore}: an
 * informer caches only its own kind of ConfigMap, and of each only the metadata (at 1,000 services, every informer
 * selecting all Vigil ConfigMaps held 14,759 copies of about 2,000 ConfigMaps, dashboards' JSON included). The
 * informer and the answers to writes carry only the metadata on the wire too ({@link MetadataAnswers}).
 */
public abstract class VigilConfigMap<P extends HasMetadata> extends CRUDKubernetesDependentResource<ConfigMap, P> {
    private static final Logger LOG = Logger.getLogger(VigilConfigMap.class);
    /** ConfigMap → the resourceVersion at which an update found the data already Vigil's. */
    private final Map<ResourceID, String> unchangedByEditor = new ConcurrentHashMap<>();

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
        ConfigMaps.toWrite(desired);
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
            return super.update(actual, ConfigMaps.toWrite(desired), primary, context);
        }
        addMetadata(false, actual, desired, primary, context);
        ConfigMap updated = ConfigMaps.toWrite(GenericResourceUpdater.updateResource(actual, desired, context));
        ConfigMap answer = write(updated, context, r -> updateOverConflict(context.getClient(), r));
        rewritten(actual, answer);
        return answer;
    }

    /**
     * Remembers an update that changed nothing on the server (the same resourceVersion came back) although the cache
     * said another writer had changed the data: the data was Vigil's after all (an edit that was undone, or an apply of
     * Vigil's own values). managedFields keeps naming that writer until the data changes, so without this the
     * ConfigMap would be written again on every reconcile. Kept in memory: after a restart it costs one such update.
     */
    private void rewritten(ConfigMap actual, ConfigMap answer) {
        ResourceID key = ResourceID.fromResource(actual);
        String version = answer == null ? null : answer.getMetadata().getResourceVersion();
        if (ConfigMaps.editedBy(actual) != null && version != null && version.equals(actual.getMetadata().getResourceVersion())) {
            unchangedByEditor.put(key, version);
        } else {
            unchangedByEditor.remove(key);
        }
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
        // The answer is kept only as its digested copy: it may as well come without the data.
        UnaryOperator<ConfigMap> cachedAnswer = r -> cached(MetadataAnswers.during(() -> call.apply(r)));
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
     * state lacks), by the digest the cache holds ({@link ConfigMaps#same}). ConfigMaps are written by update (JOSDK
     * keeps server-side apply off for them), so a mismatch replaces the data whole. Another writer's change of the data
     * is written over, and logged once per change.
     */
    @Override
    public Matcher.Result<ConfigMap> match(ConfigMap actual, ConfigMap desired, P primary, Context<P> context) {
        String editor = ConfigMaps.editedBy(actual);
        boolean same = ConfigMaps.sameData(actual, desired)
                && (editor == null || Objects.equals(actual.getMetadata().getResourceVersion(), unchangedByEditor.get(ResourceID.fromResource(actual))));
        if (!same && editor != null) {
            LOG.infof("ConfigMap %s/%s: its data was changed by %s; writing Vigil's back", actual.getMetadata().getNamespace(),
                    actual.getMetadata().getName(), editor.isEmpty() ? "another writer" : editor);
        }
        return Matcher.Result.computed(same, desired);
    }
}
