package dev.vigil.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;

import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * An informer's cache that keeps only what the operator's decisions read of each object (e.g. of a Node its name,
 * labels, providerID and taints, not its image list or managedFields), so a large cluster costs the operator little
 * memory. Objects read from it are for deciding, never for writing back.
 */
public class PrunedItemStore<T extends HasMetadata> implements ItemStore<T> {
    private final BasicItemStore<T> store = new BasicItemStore<>(Cache::metaNamespaceKeyFunc);
    private final UnaryOperator<T> prune;

    public PrunedItemStore(UnaryOperator<T> prune) {
        this.prune = prune;
    }

    @Override
    public String getKey(T obj) {
        return store.getKey(obj);
    }

    @Override
    public T put(String key, T obj) {
        // The key ("namespace/name") is the same text in every cache of the object: one copy of it.
        return store.put(Compact.shared(key), kept(prune, obj));
    }

    /** What a store pruning with {@code prune} keeps of {@code obj}: the pruned object, compacted. */
    static <T> T kept(UnaryOperator<T> prune, T obj) {
        return Compact.compact(prune.apply(obj));
    }

    @Override
    public T remove(String key) {
        return store.remove(key);
    }

    @Override
    public Stream<String> keySet() {
        return store.keySet();
    }

    @Override
    public Stream<T> values() {
        return store.values();
    }

    @Override
    public int size() {
        return store.size();
    }

    @Override
    public T get(String key) {
        return store.get(key);
    }
}
