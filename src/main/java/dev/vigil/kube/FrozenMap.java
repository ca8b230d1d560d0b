package dev.vigil.kube;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;

/**
 * An immutable map of strings in two arrays, in the order it was built from. What {@link Compact} keeps of a cached
 * object's labels, annotations, selectors and data: JSON makes each a {@code LinkedHashMap} (a 16-slot table and a
 * 40-byte node per entry, ~300 bytes for four labels), this is ~90 bytes, and the caches of 10,000 services hold
 * 138,000 of them. Lookups scan the keys; these maps have a handful of entries.
 */
final class FrozenMap extends AbstractMap<String, String> {
    private final String[] keys;
    private final String[] values;

    private FrozenMap(String[] keys, String[] values) {
        this.keys = keys;
        this.values = values;
    }

    /** A frozen copy of {@code map} when every key and value is a string (each passed through {@code share}); else null. */
    static FrozenMap of(Map<?, ?> map, UnaryOperator<String> share) {
        String[] k = new String[map.size()];
        String[] v = new String[map.size()];
        int i = 0;
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (i == k.length || !(e.getKey() instanceof String key) || !(e.getValue() instanceof String value)) {
                return null;
            }
            k[i] = share.apply(key);
            v[i] = share.apply(value);
            i++;
        }
        return i == k.length ? new FrozenMap(k, v) : null;
    }

    private int indexOf(Object key) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i].equals(key)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public int size() {
        return keys.length;
    }

    @Override
    public boolean containsKey(Object key) {
        return indexOf(key) >= 0;
    }

    @Override
    public String get(Object key) {
        int i = indexOf(key);
        return i < 0 ? null : values[i];
    }

    @Override
    public void forEach(BiConsumer<? super String, ? super String> action) {
        for (int i = 0; i < keys.length; i++) {
            action.accept(keys[i], values[i]);
        }
    }

    @Override
    public Set<Map.Entry<String, String>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Map.Entry<String, String>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < keys.length;
                    }

                    @Override
                    public Map.Entry<String, String> next() {
                        if (next >= keys.length) {
                            throw new NoSuchElementException();
                        }
                        int i = next++;
                        return new SimpleImmutableEntry<>(keys[i], values[i]);
                    }
                };
            }

            @Override
            public int size() {
                return keys.length;
            }
        };
    }
}
