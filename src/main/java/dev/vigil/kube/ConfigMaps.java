package dev.vigil.kube;

import io.fabric8.kubernetes.api.model.ConfigMap;

import java.util.Map;
import java.util.Objects;

/** ConfigMap matching shared by Vigil's ConfigMap dependents. */
public final class ConfigMaps {
    private ConfigMaps() {
    }

    /**
     * Data equal, and every label and annotation of {@code desired} present on {@code actual}. Exact on the data:
     * JOSDK's default matcher tolerates keys the cluster has but the desired state lacks, which would leave a
     * removed key behind.
     */
    public static boolean same(ConfigMap actual, ConfigMap desired) {
        Map<String, String> labels = actual.getMetadata().getLabels() == null ? Map.of() : actual.getMetadata().getLabels();
        Map<String, String> annotations = actual.getMetadata().getAnnotations() == null ? Map.of() : actual.getMetadata().getAnnotations();
        Map<String, String> wantedLabels = desired.getMetadata().getLabels() == null ? Map.of() : desired.getMetadata().getLabels();
        Map<String, String> wantedAnnotations = desired.getMetadata().getAnnotations() == null ? Map.of()
                : desired.getMetadata().getAnnotations();
        return Objects.equals(actual.getData() == null ? Map.of() : actual.getData(), desired.getData())
                && labels.entrySet().containsAll(wantedLabels.entrySet())
                && annotations.entrySet().containsAll(wantedAnnotations.entrySet());
    }
}
