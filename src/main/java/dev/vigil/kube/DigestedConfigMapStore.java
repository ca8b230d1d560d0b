package dev.vigil.kube;

import io.fabric8.kubernetes.api.model.ConfigMap;

/**
 * The informer cache of Vigil's ConfigMap dependents: {@link ConfigMaps#digested} copies: metadata and the
 * data's digest, so bodies are not held.
 * A class of its own because an informer annotation names its store by a class with a no-argument constructor.
 */
public final class DigestedConfigMapStore extends PrunedItemStore<ConfigMap> {
    public DigestedConfigMapStore() {
        super(ConfigMaps::digested);
    }

    /** What this store keeps of {@code cm}; also what a Vigil ConfigMap's write leaves in JOSDK's temporary cache. */
    static ConfigMap kept(ConfigMap cm) {
        return PrunedItemStore.kept(ConfigMaps::digested, cm);
    }
}
