package dev.vigil.kube;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/** ConfigMap matching and caching shared by Vigil's ConfigMap dependents. */
public final class ConfigMaps {
    /** Marks a value the cache holds as a digest of the real one. */
    static final String DIGEST_PREFIX = "vigil-digest:sha256:";

    private ConfigMaps() {
    }

    /**
     * Data equal, and every label and annotation of {@code desired} present on {@code actual}. Exact on the data:
     * JOSDK's default matcher tolerates keys the cluster has but the desired state lacks, which would leave a
     * removed key behind. {@code actual} may be the cache's {@link #digested} copy or a whole object (the one an
     * update just returned): a value matches when it equals the desired value or that value's digest.
     */
    public static boolean same(ConfigMap actual, ConfigMap desired) {
        Map<String, String> labels = actual.getMetadata().getLabels() == null ? Map.of() : actual.getMetadata().getLabels();
        Map<String, String> annotations = actual.getMetadata().getAnnotations() == null ? Map.of() : actual.getMetadata().getAnnotations();
        Map<String, String> wantedLabels = desired.getMetadata().getLabels() == null ? Map.of() : desired.getMetadata().getLabels();
        Map<String, String> wantedAnnotations = desired.getMetadata().getAnnotations() == null ? Map.of()
                : desired.getMetadata().getAnnotations();
        return sameData(actual.getData() == null ? Map.of() : actual.getData(),
                desired.getData() == null ? Map.of() : desired.getData())
                && labels.entrySet().containsAll(wantedLabels.entrySet())
                && annotations.entrySet().containsAll(wantedAnnotations.entrySet());
    }

    private static boolean sameData(Map<String, String> actual, Map<String, String> desired) {
        if (!actual.keySet().equals(desired.keySet())) {
            return false;
        }
        for (Map.Entry<String, String> e : desired.entrySet()) {
            String have = actual.get(e.getKey());
            if (!Objects.equals(have, e.getValue()) && !(have != null && e.getValue() != null && have.equals(digest(e.getValue())))) {
                return false;
            }
        }
        return true;
    }

    /**
     * What an informer keeps of a Vigil ConfigMap: its metadata without managedFields ({@link LeanMetadata}), and of each value only a
     * digest. Dependents only compare their desired data with it (a dashboard's JSON or a fleet's config is not held
     * in memory once per informer); an update replaces the data whole, so the digests are never written back.
     */
    public static ConfigMap digested(ConfigMap cm) {
        Map<String, String> data = null;
        if (cm.getData() != null) {
            data = new TreeMap<>();
            for (Map.Entry<String, String> e : cm.getData().entrySet()) {
                data.put(e.getKey(), e.getValue() == null ? null : digest(e.getValue()));
            }
        }
        return LeanMetadata.pruned(new ConfigMapBuilder(cm).withData(data).build(), Set.of());
    }

    static String digest(String value) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return DIGEST_PREFIX + Base64.getEncoder().withoutPadding().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
