package dev.vigil.sharding;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * Assigns scrape targets to shards: a pure, deterministic function of the target keys and the shard count, so every
 * operator replica computes the same answer.
 *
 * <p>{@link #consistent} is rendezvous (highest-random-weight) hashing with bounded loads: each target prefers shards
 * in the order of its scores mix(key, shard); a shard that would hold more than its capacity keeps the targets that
 * score highest on it, and the others go on to their next preference (deferred acceptance). No shard holds more than
 * {@link #capacity} targets. Plain rendezvous alone moves the fewest targets but leaves the busiest shard about 20%
 * over the mean at 64 shards and 10k targets; the bound fixes the balance at the cost of a few extra moves (both
 * measured in the benchmark, docs/benchmarks.md).
 *
 * <p>{@link #hashmod} is what Prometheus' {@code hashmod} relabel action computes (MD5 of the address, last 8 bytes
 * big-endian, modulo N), kept for parity with the Prometheus operator.
 */
public final class ShardAssigner {
    private ShardAssigner() {
    }

    /** A target's 64-bit key: FNV-1a over the UTF-8 address, then a mixing finalizer. */
    public static long key(String address) {
        long h = 0xcbf29ce484222325L;
        for (byte b : address.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return mix(h);
    }

    /** splitmix64's finalizer: every input bit affects every output bit. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** The rendezvous score of a target on a shard. */
    static long score(long key, int shard) {
        return mix(key ^ ((shard + 1) * 0x9e3779b97f4a7c15L));
    }

    /**
     * The most targets a shard may hold: the mean plus a slack of 10% of the mean, or, where that is less than one
     * standard deviation of a shard's load under plain hashing (sqrt(mean), below 100 targets per shard), that
     * deviation, capped at 25% of the mean. A tight bound with few targets per shard would turn away many targets
     * whenever the shard count changes; the slack grows smoothly with the mean, so adding one target never changes
     * the bound by more than one.
     */
    public static int capacity(int targets, int shards) {
        double mean = (double) targets / shards;
        double slack = Math.max(0.10 * mean, Math.min(0.25 * mean, Math.sqrt(mean)));
        int ceil = (targets + shards - 1) / shards;
        return Math.max(ceil, (int) Math.floor(mean + slack + 1e-9));
    }

    /**
     * Bounded-load rendezvous hashing by deferred acceptance: every target asks its shards in its order of
     * preference; a full shard keeps whichever of its holders and the newcomer score highest on it. The outcome is
     * the target-optimal stable assignment, which is unique: it does not depend on the order targets are considered
     * in, and a change of the shard count moves a target only when it must.
     *
     * @param keys   target keys ({@link #key}); a duplicate key is a duplicate target and is placed independently
     * @param shards shard count, at least 1
     * @return the shard of each target, by index
     */
    public static int[] consistent(long[] keys, int shards) {
        if (shards < 1) {
            throw new IllegalArgumentException("shards must be at least 1");
        }
        int n = keys.length;
        int[] out = new int[n];
        if (shards == 1 || n == 0) {
            return out;
        }
        int cap = capacity(n, shards);
        ShardHeap[] held = new ShardHeap[shards];
        for (int s = 0; s < shards; s++) {
            held[s] = new ShardHeap(keys, s, cap);
        }
        int[] asked = new int[n];
        int[][] preferences = new int[n][];
        int[] free = new int[n];
        int top = 0;
        for (int i = n - 1; i >= 0; i--) {
            free[top++] = i;
        }
        while (top > 0) {
            int t = free[--top];
            int s = choice(keys[t], shards, asked[t], preferences, t);
            asked[t]++;
            int turnedAway = held[s].offer(t);
            if (turnedAway >= 0) {
                free[top++] = turnedAway;
            }
        }
        for (int s = 0; s < shards; s++) {
            held[s].assignTo(out);
        }
        return out;
    }

    /** The target's k-th preferred shard; the full order is computed only for targets turned away at least once. */
    private static int choice(long key, int shards, int k, int[][] preferences, int t) {
        if (k == 0) {
            int best = 0;
            long bestScore = score(key, 0);
            for (int s = 1; s < shards; s++) {
                long sc = score(key, s);
                if (Long.compareUnsigned(sc, bestScore) > 0) {
                    best = s;
                    bestScore = sc;
                }
            }
            return best;
        }
        if (preferences[t] == null) {
            Integer[] order = new Integer[shards];
            for (int s = 0; s < shards; s++) {
                order[s] = s;
            }
            Arrays.sort(order, (a, b) -> Long.compareUnsigned(score(key, b), score(key, a)));
            int[] prefs = new int[shards];
            for (int s = 0; s < shards; s++) {
                prefs[s] = order[s];
            }
            preferences[t] = prefs;
        }
        return preferences[t][k];
    }

    /** The targets one shard holds: a min-heap by their score on this shard (ties: smaller key, then index, loses). */
    private static final class ShardHeap {
        private final long[] keys;
        private final int shard;
        private final int cap;
        private final int[] heap;
        private final long[] scores;
        private int size;

        ShardHeap(long[] keys, int shard, int cap) {
            this.keys = keys;
            this.shard = shard;
            this.cap = cap;
            this.heap = new int[Math.min(cap, keys.length)];
            this.scores = new long[heap.length];
        }

        /** Takes the target if there is room or it outranks the weakest held; returns who was turned away, or -1. */
        int offer(int t) {
            long sc = score(keys[t], shard);
            if (size < cap) {
                heap[size] = t;
                scores[size] = sc;
                up(size++);
                return -1;
            }
            if (less(sc, t, scores[0], heap[0])) {
                return t;
            }
            int out = heap[0];
            heap[0] = t;
            scores[0] = sc;
            down(0);
            return out;
        }

        private boolean less(long sa, int a, long sb, int b) {
            int c = Long.compareUnsigned(sa, sb);
            if (c != 0) {
                return c < 0;
            }
            c = Long.compareUnsigned(keys[a], keys[b]);
            return c != 0 ? c < 0 : a < b;
        }

        private void up(int i) {
            while (i > 0) {
                int p = (i - 1) / 2;
                if (!less(scores[i], heap[i], scores[p], heap[p])) {
                    return;
                }
                swap(i, p);
                i = p;
            }
        }

        private void down(int i) {
            while (true) {
                int l = 2 * i + 1;
                int r = l + 1;
                int m = i;
                if (l < size && less(scores[l], heap[l], scores[m], heap[m])) {
                    m = l;
                }
                if (r < size && less(scores[r], heap[r], scores[m], heap[m])) {
                    m = r;
                }
                if (m == i) {
                    return;
                }
                swap(i, m);
                i = m;
            }
        }

        private void swap(int a, int b) {
            int t = heap[a];
            heap[a] = heap[b];
            heap[b] = t;
            long s = scores[a];
            scores[a] = scores[b];
            scores[b] = s;
        }

        void assignTo(int[] out) {
            for (int i = 0; i < size; i++) {
                out[heap[i]] = shard;
            }
        }
    }

    /** Prometheus' hashmod: MD5 of the address, its last 8 bytes as a big-endian unsigned number, modulo N. */
    public static int hashmod(String address, int shards) {
        try {
            byte[] md5 = MessageDigest.getInstance("MD5").digest(address.getBytes(StandardCharsets.UTF_8));
            long v = 0;
            for (int i = 8; i < 16; i++) {
                v = (v << 8) | (md5[i] & 0xff);
            }
            return (int) Long.remainderUnsigned(v, shards);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is part of every JDK", e);
        }
    }

    public static int[] hashmod(String[] addresses, int shards) {
        int[] out = new int[addresses.length];
        for (int i = 0; i < addresses.length; i++) {
            out[i] = hashmod(addresses[i], shards);
        }
        return out;
    }
}
