package dev.vigil.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Another writer changed fields Vigil applies (a user's {@code kubectl apply --server-side --force-conflicts}, a
 * {@code kubectl scale}, a controller of someone else's): Vigil applies its own values again, which takes back only its
 * own fields, and says so in one log line naming the writer and the fields. The same takeover by the same writer is
 * logged once per {@link #QUIET} (two writers that fight over a field would otherwise fill the log with each round;
 * the next line counts the rounds in between).
 *
 * <p>Who owns what comes from the object's managedFields: the fields of {@code desired} that a field manager other
 * than Vigil's own ({@code vigil-*}) holds in {@code actual}. Lists are compared as a whole (a writer that changed
 * one container's image owns {@code spec.template.spec.containers} here), and status subresource entries are left
 * out (Vigil never applies another object's status).
 */
public final class FieldTakeovers {
    private static final Logger LOG = Logger.getLogger(FieldTakeovers.class);
    /** How long the same takeover (object, writer, fields) is not logged again. */
    static final Duration QUIET = Duration.ofMinutes(10);
    private static final int MAX_REMEMBERED = 1_000;
    private static final Set<String> NOT_APPLIED = Set.of("name", "namespace", "managedFields", "resourceVersion", "uid",
            "creationTimestamp", "generation", "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds", "generateName");

    private record Logged(Instant at, int suppressed) {
    }

    private final Map<String, Logged> logged = new ConcurrentHashMap<>();
    private final Clock clock;

    /** The process's instance, used by Vigil's dependents. */
    public static final FieldTakeovers LOGGER = new FieldTakeovers(Clock.systemUTC());

    FieldTakeovers(Clock clock) {
        this.clock = clock;
    }

    /**
     * Logs, when another writer holds fields {@code desired} sets, that Vigil takes them back. Returns the line logged
     * (empty when nothing was taken or the same takeover was logged less than {@link #QUIET} ago).
     */
    public String noteBeforeApply(HasMetadata actual, HasMetadata desired) {
        Map<String, Set<String>> taken = taken(actual, desired);
        if (taken.isEmpty()) {
            return "";
        }
        String object = actual.getKind() + " " + (actual.getMetadata().getNamespace() == null ? ""
                : actual.getMetadata().getNamespace() + "/") + actual.getMetadata().getName();
        Instant now = clock.instant();
        if (logged.size() > MAX_REMEMBERED) {
            logged.values().removeIf(l -> l.at().isBefore(now.minus(QUIET)));
        }
        StringBuilder lines = new StringBuilder();
        for (Map.Entry<String, Set<String>> e : taken.entrySet()) {
            String key = object + "\u0000" + e.getKey() + "\u0000" + e.getValue();
            Logged before = logged.get(key);
            if (before != null && now.isBefore(before.at().plus(QUIET))) {
                logged.put(key, new Logged(before.at(), before.suppressed() + 1));
                continue;
            }
            String line = object + ": field manager " + e.getKey() + " has set " + String.join(", ", e.getValue())
                    + ", which Vigil manages; applying Vigil's values again (the writer's other fields stay theirs)"
                    + (before != null && before.suppressed() > 0 ? "; " + before.suppressed()
                            + " more time(s) since this was last logged" : "");
            logged.put(key, new Logged(now, 0));
            LOG.warn(line);
            lines.append(line).append('\n');
        }
        return lines.toString();
    }

    /** Field manager → the fields of {@code desired} it holds in {@code actual} (dotted paths), Vigil's managers aside. */
    static Map<String, Set<String>> taken(HasMetadata actual, HasMetadata desired) {
        Map<String, Set<String>> out = new TreeMap<>();
        List<ManagedFieldsEntry> entries = actual.getMetadata() == null ? null : actual.getMetadata().getManagedFields();
        if (entries == null || entries.isEmpty()) {
            return out;
        }
        List<List<String>> wanted = new ArrayList<>();
        @SuppressWarnings("unchecked")
        Map<String, Object> tree = Serialization.jsonMapper().convertValue(desired, Map.class);
        for (Map.Entry<String, Object> e : tree.entrySet()) {
            if (e.getKey().equals("metadata") && e.getValue() instanceof Map<?, ?> meta) {
                for (Map.Entry<?, ?> m : meta.entrySet()) {
                    if (!NOT_APPLIED.contains(String.valueOf(m.getKey()))) {
                        leaves(List.of("metadata", String.valueOf(m.getKey())), m.getValue(), wanted);
                    }
                }
            } else if (!e.getKey().equals("status") && !e.getKey().equals("apiVersion") && !e.getKey().equals("kind")) {
                leaves(List.of(e.getKey()), e.getValue(), wanted);
            }
        }
        for (ManagedFieldsEntry entry : entries) {
            String manager = entry.getManager();
            if (manager == null || manager.startsWith("vigil-") || entry.getSubresource() != null && !entry.getSubresource().isEmpty()
                    || entry.getFieldsV1() == null) {
                continue;
            }
            List<List<String>> held = new ArrayList<>();
            owned(List.of(), entry.getFieldsV1().getAdditionalProperties(), held);
            for (List<String> h : held) {
                for (List<String> w : wanted) {
                    if (prefix(h, w) || prefix(w, h)) {
                        out.computeIfAbsent(manager, m -> new TreeSet<>()).add(String.join(".", h.size() >= w.size() ? h : w));
                    }
                }
            }
        }
        return out;
    }

    /** The leaf paths of a desired object's tree: scalars, lists (as a whole) and empty maps. */
    private static void leaves(List<String> path, Object value, List<List<String>> out) {
        if (value instanceof Map<?, ?> map && !map.isEmpty()) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                leaves(append(path, String.valueOf(e.getKey())), e.getValue(), out);
            }
        } else if (value != null) {
            out.add(path);
        }
    }

    /** The leaf paths of a fieldsV1 tree ({@code f:name} keys), cut at the first list element ({@code k:}, {@code v:}, {@code i:}). */
    private static void owned(List<String> path, Map<String, Object> fields, List<List<String>> out) {
        if (fields == null || fields.isEmpty()) {
            if (!path.isEmpty()) {
                out.add(path);
            }
            return;
        }
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            String key = e.getKey();
            if (key.equals(".")) {
                continue;
            }
            if (!key.startsWith("f:")) {
                if (!path.isEmpty()) {
                    out.add(path);
                }
                return;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> sub = e.getValue() instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
            owned(append(path, key.substring(2)), sub, out);
        }
    }

    private static List<String> append(List<String> path, String name) {
        List<String> p = new ArrayList<>(path.size() + 1);
        p.addAll(path);
        p.add(name);
        return p;
    }

    private static boolean prefix(List<String> shorter, List<String> longer) {
        return shorter.size() <= longer.size() && longer.subList(0, shorter.size()).equals(shorter);
    }
}
