package dev.vigil.kube;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.api.config.BaseConfigurationService;
import io.javaoperatorsdk.operator.api.config.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ResourceOperations;
import io.javaoperatorsdk.operator.processing.event.source.informer.ManagedInformerEventSource;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a written ConfigMap leaves in JOSDK's temporary cache: the informer's digested copy, not the body (JOSDK 5.3.2
 * can keep that entry for good; at 9,000 services it held 61 MB of dashboards' JSON and SLO rule files).
 */
@EnableKubernetesMockClient(crud = true)
class VigilConfigMapTest {
    private static final String DASHBOARD = "{\"title\": \"" + "panel ".repeat(2_000) + "\"}";
    KubernetesClient client;

    static final class Dashboard extends VigilConfigMap<ConfigMap> {
    }

    /**
     * JOSDK's ResourceOperations hands {@code operation}'s answer to the event source's temporary cache
     * (ManagedInformerEventSource.eventFilteringUpdateAndCacheResource) and returns it; this records that answer.
     */
    static final class Recording<P extends HasMetadata> extends ResourceOperations<P> {
        final List<HasMetadata> cached = new ArrayList<>();
        /** Answer as the real apiserver does to an update that changes nothing: with the version written against. */
        boolean unchangedOnServer;

        Recording(Context<P> context) {
            super(context);
        }

        @Override
        public <R extends HasMetadata> R resourcePatch(R resource, UnaryOperator<R> operation, ManagedInformerEventSource<R, P, ?> source) {
            R answer = operation.apply(resource);
            if (unchangedOnServer) {
                answer.getMetadata().setResourceVersion(resource.getMetadata().getResourceVersion());
            }
            cached.add(answer);
            return answer;
        }

        @Override
        public <R extends HasMetadata> R resourcePatch(R resource, UnaryOperator<R> operation) {
            return resourcePatch(resource, operation, null);
        }
    }

    @SuppressWarnings("unchecked")
    private Context<ConfigMap> context(Recording<ConfigMap>[] operations) {
        var configuration = (ControllerConfiguration<ConfigMap>) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[]{ControllerConfiguration.class}, (p, m, a) -> switch (m.getName()) {
                    case "getConfigurationService" -> new BaseConfigurationService();
                    case "getName" -> "test";
                    default -> throw new UnsupportedOperationException(m.getName());
                });
        Context<ConfigMap>[] self = new Context[1];
        self[0] = (Context<ConfigMap>) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{Context.class},
                (p, m, a) -> switch (m.getName()) {
                    case "getClient" -> client;
                    case "getControllerConfiguration" -> configuration;
                    case "resourceOperations" -> operations[0] == null ? operations[0] = new Recording<>(self[0]) : operations[0];
                    default -> throw new UnsupportedOperationException(m.getName());
                });
        return self[0];
    }

    private static ConfigMap owner() {
        return new ConfigMapBuilder().withNewMetadata().withName("owner").withNamespace("shop").withUid("u-1").endMetadata().build();
    }

    private static ConfigMap desired(String body) {
        return new ConfigMapBuilder().withNewMetadata().withName("svc-dashboard").withNamespace("shop").endMetadata()
                .withData(Map.of("shop-svc.json", body)).build();
    }

    @Test
    @SuppressWarnings("unchecked")
    void aWriteLeavesTheDigestInTheTemporaryCacheAndTheBodyOnTheServer() {
        Recording<ConfigMap>[] operations = new Recording[1];
        Context<ConfigMap> context = context(operations);
        ConfigMap owner = owner();
        var dependent = new Dashboard();

        ConfigMap created = dependent.create(desired(DASHBOARD), owner, context);
        ConfigMap updated = dependent.update(created, desired(DASHBOARD + " "), owner, context);

        assertThat(operations[0].cached).hasSize(2).containsExactly(created, updated);
        for (var cm : List.of(created, updated)) {
            assertThat(((ConfigMap) cm).getData()).isNull();
            assertThat(cm.getMetadata().getAnnotations().get(ConfigMaps.DATA_DIGEST)).startsWith("sha256:").hasSizeLessThan(60);
        }
        assertThat(ConfigMaps.same(updated, desired(DASHBOARD + " "))).as("matches what was written").isTrue();
        assertThat(ConfigMaps.same(updated, desired(DASHBOARD))).isFalse();
        assertThat(updated.getMetadata().getResourceVersion()).isNotEqualTo(created.getMetadata().getResourceVersion());
        // The server has the body, with the owner JOSDK's metadata adds.
        ConfigMap stored = client.configMaps().inNamespace("shop").withName("svc-dashboard").get();
        assertThat(stored.getData().get("shop-svc.json")).isEqualTo(DASHBOARD + " ");
        assertThat(stored.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(o -> assertThat(o.getUid()).isEqualTo("u-1"));
        // with the digest of what it holds, so that the metadata alone tells whether it is current
        assertThat(stored.getMetadata().getAnnotations())
                .containsEntry(ConfigMaps.DATA_DIGEST, ConfigMaps.dataDigest(Map.of("shop-svc.json", DASHBOARD + " ")));
    }

    /**
     * The cache says another writer changed the data (managedFields), but it had put back Vigil's values: the update
     * changes nothing and the apiserver answers with the same resourceVersion. managedFields still names that writer,
     * and without memory of that answer every reconcile would write again.
     */
    @Test
    @SuppressWarnings("unchecked")
    void anEditThatLeftVigilsDataIsWrittenOnceNotOnEveryReconcile() {
        Recording<ConfigMap>[] operations = new Recording[1];
        Context<ConfigMap> context = context(operations);
        ConfigMap owner = owner();
        var dependent = new Dashboard();
        ConfigMap created = dependent.create(desired("{}"), owner, context);
        // the informer's copy after `kubectl patch` set the value back: same digest, another writer's mark
        ConfigMap marked = new ConfigMapBuilder(created).editMetadata().addToAnnotations(ConfigMaps.EDITED_BY, "kubectl-patch")
                .endMetadata().build();
        var result = dependent.match(marked, desired("{}"), owner, context);
        assertThat(result.matched()).as("written back first").isFalse();

        operations[0].unchangedOnServer = true;
        ConfigMap answer = dependent.update(marked, desired("{}"), owner, context);
        assertThat(answer.getMetadata().getResourceVersion()).isEqualTo(marked.getMetadata().getResourceVersion());
        assertThat(dependent.match(marked, desired("{}"), owner, context).matched()).as("that version is Vigil's").isTrue();
        assertThat(dependent.match(answer, desired("{}"), owner, context).matched()).isTrue();
        assertThat(dependent.match(marked, desired("{\"v\": 2}"), owner, context).matched()).as("a new desired state").isFalse();

        // a later edit is a new version: written back again
        ConfigMap later = new ConfigMapBuilder(marked).editMetadata().withResourceVersion("9999").endMetadata().build();
        assertThat(dependent.match(later, desired("{}"), owner, context).matched()).isFalse();
        // after a restart (a new dependent) the memory is gone: one more write of that version
        assertThat(new Dashboard().match(marked, desired("{}"), owner, context).matched()).isFalse();
    }

    /**
     * An update from a cache one write behind (the object changed since the informer's copy): the answer is a 409,
     * and the write goes again against the stored version instead of failing the reconcile. In a 1,000-service run
     * such a failed reconcile set the fleet Ready=False and back, and sent every service through reconcile twice.
     */
    @Test
    @SuppressWarnings("unchecked")
    void anUpdateFromAStaleCacheIsWrittenOverTheStoredVersion() {
        Recording<ConfigMap>[] operations = new Recording[1];
        Context<ConfigMap> context = context(operations);
        ConfigMap owner = owner();
        var dependent = new Dashboard();
        ConfigMap created = dependent.create(desired("{}"), owner, context);
        dependent.update(created, desired("{\"v\": 1}"), owner, context);

        ConfigMap updated = dependent.update(created, desired("{\"v\": 2}"), owner, context);

        assertThat(client.configMaps().inNamespace("shop").withName("svc-dashboard").get().getData())
                .containsEntry("shop-svc.json", "{\"v\": 2}");
        assertThat(ConfigMaps.same(updated, desired("{\"v\": 2}"))).isTrue();
    }
}
