package dev.vigil.kube;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;

import java.util.stream.Stream;

/** The informer cache of Vigil's ConfigMap dependents: {@link ConfigMaps#digested} copies, so bodies are not held. */
public final class DigestedConfigMapStore implements ItemStore<ConfigMap> {
    private final PrunedItemStore<ConfigMap> store = new PrunedItemStore<>(ConfigMaps::digested);

    @Override
    public String getKey(ConfigMap obj) {
        return store.getKey(obj);
    }

    @Override
    public ConfigMap put(String key, ConfigMap obj) {
        return store.put(key, obj);
    }

    @Override
    public ConfigMap remove(String key) {
        return store.remove(key);
    }

    @Override
    public Stream<String> keySet() {
        return store.keySet();
    }

    @Override
    public Stream<ConfigMap> values() {
        return store.values();
    }

    @Override
    public int size() {
        return store.size();
    }

    @Override
    public ConfigMap get(String key) {
        return store.get(key);
    }
}
