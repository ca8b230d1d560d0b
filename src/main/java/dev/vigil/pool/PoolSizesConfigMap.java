package dev.vigil.pool;

import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.PoolSpec;
import dev.vigil.kube.ContextKey;
import dev.vigil.kube.DigestedConfigMapStore;
import dev.vigil.kube.VigilConfigMap;
import dev.vigil.naming.Labels;
import dev.vigil.naming.Names;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

import java.util.Map;
import java.util.TreeMap;

/**
 * The operator-owned ConfigMap {@code <service>-pools}: one key per pool (delivery type ConfigMap), its value the
 * size as a decimal number. The app watches it through the API (or reads it as a mounted file) and resizes its pool
 * live; nothing of the user's workload is touched.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.SELECT_POOL_SIZES, itemStore = DigestedConfigMapStore.class))
public class PoolSizesConfigMap extends VigilConfigMap<InstrumentedService> {
    /** The sizes a reconcile decided, by pool name, handed to this dependent through the workflow context. */
    public record Sizes(Map<String, Integer> byPool) {
        public static final ContextKey<Sizes> KEY = ContextKey.of(Sizes.class);
    }

    @Override
    protected ConfigMap desired(InstrumentedService service, Context<InstrumentedService> context) {
        return build(service, Sizes.KEY.get(context).map(Sizes::byPool).orElse(Map.of()));
    }

    public static ConfigMap build(InstrumentedService service, Map<String, Integer> sizes) {
        Map<String, String> data = new TreeMap<>();
        for (PoolSpec pool : service.getSpec().pools) {
            if (PoolRules.delivery(pool) == PoolSpec.Delivery.Type.ConfigMap && sizes.containsKey(pool.name)) {
                data.put(pool.name, Integer.toString(sizes.get(pool.name)));
            }
        }
        return new ConfigMapBuilder()
                .withNewMetadata()
                .withName(Names.poolSizes(service.getMetadata().getName()))
                .withNamespace(service.getMetadata().getNamespace())
                .withLabels(Labels.pools(service.getMetadata().getName()))
                .endMetadata()
                .withData(data)
                .build();
    }

    /** Reconcile precondition: a pool is delivered by ConfigMap and its size was decided in this reconcile. */
    public static class Wanted implements Condition<ConfigMap, InstrumentedService> {
        @Override
        public boolean isMet(DependentResource<ConfigMap, InstrumentedService> dependent, InstrumentedService service,
                Context<InstrumentedService> context) {
            return service.getSpec().pools.stream().anyMatch(p -> PoolRules.delivery(p) == PoolSpec.Delivery.Type.ConfigMap)
                    && Sizes.KEY.get(context).isPresent();
        }
    }
}
