package dev.vigil.kube;

import io.fabric8.kubernetes.api.model.Condition;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes a cached object cheaper to hold without changing what it says: empty lists and maps become the shared
 * immutable empties, maps of strings a {@link FrozenMap}, lists lose their spare slots, and short strings (names of
 * kinds, namespaces, label keys and values, condition types, statuses, reasons, timestamps) and every condition's
 * text the JVM's one copy of each. Objects read from the apiserver are fresh from JSON: each has its own "True", its
 * own namespace, and every Kubernetes model object an empty map for unknown properties; at 10,000 services that was
 * 1.7 million strings and 800,000 maps, most of them empty or repeated.
 * <p>
 * Only for objects nothing writes to afterwards (informer caches: JOSDK hands reconcilers a copy of the primary, and
 * Vigil writes secondaries from objects it builds). Walks Kubernetes model objects and Vigil's API types only.
 */
public final class Compact {
    private static final int INTERN_UP_TO = 64;
    private static final int MAX_DEPTH = 24;
    private static final ClassValue<Field[]> FIELDS = new ClassValue<>() {
        @Override
        protected Field[] computeValue(Class<?> type) {
            List<Field> out = new ArrayList<>();
            for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    int mod = f.getModifiers();
                    // Final fields only if strings: a CustomResource keeps its kind's names (crdName, plural,
                    // singular...) in final fields, computed anew for each object.
                    if (Modifier.isStatic(mod) || f.getType().isPrimitive() || Modifier.isFinal(mod) && f.getType() != String.class) {
                        continue;
                    }
                    try {
                        f.setAccessible(true);
                        out.add(f);
                    } catch (RuntimeException e) {
                        // a field of a module that is not open (InaccessibleObjectException): left as it is
                    }
                }
            }
            return out.toArray(Field[]::new);
        }
    };

    private Compact() {
    }

    /** {@code obj}, compacted in place. */
    public static <T> T compact(T obj) {
        walk(obj, 0);
        return obj;
    }

    /** The JVM's one copy of a short string ({@code s} itself when long or null). */
    public static String shared(String s) {
        return s != null && s.length() <= INTERN_UP_TO ? s.intern() : s;
    }

    static boolean walkable(Class<?> type) {
        String name = type.getName();
        return !Enum.class.isAssignableFrom(type)
                && (name.startsWith("io.fabric8.kubernetes.api.model.") || name.startsWith("dev.vigil.api."));
    }

    private static void walk(Object obj, int depth) {
        if (obj == null || depth > MAX_DEPTH || !walkable(obj.getClass())) {
            return;
        }
        // A condition's text repeats across objects whatever its length ("TelemetryCollector platform sets no
        // spec.prometheus to measure the SLO" on every service of a fleet): one copy of each.
        boolean condition = obj instanceof Condition;
        try {
            for (Field f : FIELDS.get(obj.getClass())) {
                Object value = f.get(obj);
                Object smaller = condition && value instanceof String s ? s.intern() : compacted(value, f.getType(), depth);
                if (smaller != value) {
                    f.set(obj, smaller);
                }
            }
        } catch (IllegalAccessException e) {
            // setAccessible succeeded for every field listed; nothing to compact otherwise
        }
    }

    /** The value to keep in a field of {@code type} instead of {@code value} (the same one when nothing is saved). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object compacted(Object value, Class<?> type, int depth) {
        if (value == null) {
            return null;
        }
        if (value instanceof String s) {
            return shared(s);
        }
        if (value instanceof List<?> list) {
            if (list.isEmpty()) {
                return type.isInstance(List.of()) ? List.of() : value;
            }
            try {
                ((List) list).replaceAll(e -> e instanceof String s ? shared(s) : e);
            } catch (UnsupportedOperationException e) {
                // an immutable list: keep its strings
            }
            if (list instanceof ArrayList<?> grown) {
                // JSON lists are built by appending: ten slots for one owner reference or container.
                grown.trimToSize();
            }
            for (Object e : list) {
                walk(e, depth + 1);
            }
            return value;
        }
        if (value instanceof Map<?, ?> map) {
            if (map.isEmpty()) {
                return type.isInstance(Map.of()) ? Map.of() : value;
            }
            boolean plain = map.getClass() == LinkedHashMap.class || map.getClass() == HashMap.class;
            if (plain && type.isAssignableFrom(FrozenMap.class)) {
                // Labels, annotations, selectors, data: strings only, frozen in their order with shared keys and values.
                FrozenMap frozen = FrozenMap.of(map, Compact::shared);
                if (frozen != null) {
                    return frozen;
                }
            }
            if (plain && type.isInstance(map)) {
                // Keys too (label and annotation names, data keys): a map of the same kind and order, shared keys.
                Map<Object, Object> shared = map.getClass() == LinkedHashMap.class ? new LinkedHashMap<>(map.size() * 4 / 3 + 1)
                        : new HashMap<>(map.size() * 4 / 3 + 1);
                map.forEach((k, v) -> shared.put(k instanceof String s ? shared(s) : k, v instanceof String s ? shared(s) : v));
                value = shared;
                map = shared;
            } else {
                try {
                    ((Map) map).replaceAll((k, v) -> v instanceof String s ? shared(s) : v);
                } catch (UnsupportedOperationException e) {
                    // an immutable map: keep its strings
                }
            }
            for (Object v : map.values()) {
                if (v instanceof Map<?, ?> || v instanceof List<?>) {
                    continue;
                }
                walk(v, depth + 1);
            }
            return value;
        }
        walk(value, depth + 1);
        return value;
    }
}
