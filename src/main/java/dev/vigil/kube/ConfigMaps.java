package dev.vigil.kube;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * ConfigMap matching and caching shared by Vigil's ConfigMap dependents. Vigil writes each of its ConfigMaps with a
 * digest of the data in an annotation, and then needs only the metadata to tell whether the data is still what it
 * wrote: its informers watch these ConfigMaps as metadata ({@link MetadataAnswers}), so neither the apiserver's
 * encoding nor the operator's parsing of a dashboard's JSON or a fleet's config is paid per event.
 */
public final class ConfigMaps {
    /** The digest of the data, written with it (a SHA-256 over every key and value, in key order). */
    public static final String DATA_DIGEST = "vigil.dev/data-digest";
    /**
     * Set only on the cache's copy, never written: the field manager of another writer who changed the data since
     * Vigil's last write (read from managedFields, since a metadata answer has no data to compare).
     */
    static final String EDITED_BY = "vigil.dev/cache-data-edited-by";
    private static final String DIGEST_PREFIX = "sha256:";
    /**
     * The kind of a metadata-only answer, which Fabric8 reads into a ConfigMap with its kind kept. Only the kind tells
     * it apart: such a ConfigMap has empty data, as a ConfigMap without data has.
     */
    static final String METADATA_ONLY = "PartialObjectMetadata";

    private ConfigMaps() {
    }

    /**
     * The data is what {@code desired} holds (by its digest), nobody else changed it since, and every label and
     * annotation of {@code desired} is present on {@code actual}. Exact on the data: a removed key changes the
     * digest (JOSDK's default matcher tolerates keys the cluster has but the desired state lacks). {@code actual} is
     * the cache's {@link #digested} copy, or the answer to a write as JOSDK's temporary cache holds it (digested too).
     */
    public static boolean same(ConfigMap actual, ConfigMap desired) {
        return sameData(actual, desired) && editedBy(actual) == null;
    }

    /** {@link #same}, but for another writer's mark: the digest, labels and annotations alone. */
    static boolean sameData(ConfigMap actual, ConfigMap desired) {
        Map<String, String> labels = orEmpty(actual.getMetadata().getLabels());
        Map<String, String> annotations = orEmpty(actual.getMetadata().getAnnotations());
        return dataDigest(desired.getData()).equals(annotations.get(DATA_DIGEST))
                && labels.entrySet().containsAll(orEmpty(desired.getMetadata().getLabels()).entrySet())
                && annotations.entrySet().containsAll(orEmpty(desired.getMetadata().getAnnotations()).entrySet());
    }

    /** The field manager the cache's copy names as having changed the data after Vigil; null when none did. */
    static String editedBy(ConfigMap cached) {
        return orEmpty(cached.getMetadata().getAnnotations()).get(EDITED_BY);
    }

    private static Map<String, String> orEmpty(Map<String, String> map) {
        return map == null ? Map.of() : map;
    }

    /**
     * What an informer keeps of a Vigil ConfigMap: its metadata without managedFields ({@link LeanMetadata}) and no
     * data. The data's digest annotation says what the data is: when the object came whole (e.g. from a server that
     * ignores the metadata-only Accept header) it is computed from the data itself, so a hand edit shows as a
     * mismatch; when it came as metadata only ({@link #METADATA_ONLY}), it is the annotation Vigil wrote, and a hand
     * edit shows in managedFields as a writer that owns data fields but not the digest ({@link #EDITED_BY}). The
     * copy is a ConfigMap whatever the answer's kind, and is the base of Vigil's next update, which replaces the
     * data whole and drops {@link #EDITED_BY} ({@link #toWrite}).
     */
    public static ConfigMap digested(ConfigMap cm) {
        Map<String, String> annotations = new LinkedHashMap<>(orEmpty(cm.getMetadata().getAnnotations()));
        annotations.remove(EDITED_BY);
        if (!METADATA_ONLY.equals(cm.getKind())) {
            annotations.put(DATA_DIGEST, dataDigest(cm.getData()));
        } else {
            String editor = dataEditor(cm.getMetadata().getManagedFields());
            if (editor != null) {
                annotations.put(EDITED_BY, editor);
            }
        }
        ConfigMap kept = new ConfigMapBuilder().withApiVersion("v1").withKind("ConfigMap").withImmutable(cm.getImmutable())
                .withData(null).withMetadata(cm.getMetadata()).editMetadata()
                .withAnnotations(annotations.isEmpty() ? null : annotations).endMetadata().build();
        return LeanMetadata.pruned(kept, Set.of());
    }

    /**
     * {@code cm} as Vigil writes it: with its data's digest, and without the cache's own marks. {@code cm} is a new
     * object (desired, or the update JOSDK merged from the cached copy), changed in place.
     */
    static ConfigMap toWrite(ConfigMap cm) {
        Map<String, String> annotations = new LinkedHashMap<>(orEmpty(cm.getMetadata().getAnnotations()));
        annotations.remove(EDITED_BY);
        annotations.put(DATA_DIGEST, dataDigest(cm.getData()));
        cm.getMetadata().setAnnotations(annotations);
        return cm;
    }

    /**
     * The field manager of a managedFields entry that owns a data field but not the digest annotation, i.e. that
     * changed the data and left Vigil's digest in place; null when there is none. The writer of the digest owns the
     * data it wrote with it (Vigil writes both in one update), and an update that changes a field takes the field
     * from whoever owned it, so Vigil's writing the data back clears the mark.
     */
    static String dataEditor(List<ManagedFieldsEntry> entries) {
        if (entries == null) {
            return null;
        }
        for (ManagedFieldsEntry e : entries) {
            Map<String, Object> fields = e.getFieldsV1() == null ? Map.of() : e.getFieldsV1().getAdditionalProperties();
            if (ownsDataField(fields) && !ownsDigest(fields)) {
                return e.getManager() == null ? "" : e.getManager();
            }
        }
        return null;
    }

    private static boolean ownsDataField(Map<String, Object> fields) {
        return fields.get("f:data") instanceof Map<?, ?> data && data.keySet().stream().anyMatch(k -> !".".equals(k));
    }

    private static boolean ownsDigest(Map<String, Object> fields) {
        return fields.get("f:metadata") instanceof Map<?, ?> metadata
                && metadata.get("f:annotations") instanceof Map<?, ?> annotations
                && annotations.containsKey("f:" + DATA_DIGEST);
    }

    /** The digest of {@code data}: SHA-256 over each key and value with their lengths, in key order. */
    static String dataDigest(Map<String, String> data) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Map.Entry<String, String> e : new TreeMap<>(orEmpty(data)).entrySet()) {
                update(sha, e.getKey());
                update(sha, e.getValue() == null ? "" : e.getValue());
            }
            return DIGEST_PREFIX + Base64.getEncoder().withoutPadding().encodeToString(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void update(MessageDigest sha, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        sha.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
        sha.update((byte) ':');
        sha.update(bytes);
    }
}
