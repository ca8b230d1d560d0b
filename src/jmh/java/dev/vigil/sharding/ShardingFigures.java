package dev.vigil.sharding;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;

/**
 * The non-timing figures of the sharding benchmark, printed side by side for Vigil's bounded-load rendezvous
 * hashing, plain rendezvous hashing (no bound) and hashmod, all computed in this run on the same targets:
 * balance (busiest shard / mean) for every shard count 2..64, targets moved on N -> N+1 and N -> N-1 (as a
 * multiple of the ideal 1/(N+1) resp. 1/N), targets moved by adding or removing one target, and bytes per target.
 */
public final class ShardingFigures {
    private ShardingFigures() {
    }

    /** Pod-like addresses: 10.x.y.z:port, deterministic. */
    static String[] addresses(int n) {
        String[] a = new String[n];
        for (int i = 0; i < n; i++) {
            int ip = 0x0a000000 + i * 7 + 3;
            a[i] = "10." + ((ip >>> 16) & 0xff) + "." + ((ip >>> 8) & 0xff) + "." + (ip & 0xff) + ":" + (8080 + i % 3);
        }
        return a;
    }

    static long[] keys(String[] addresses) {
        long[] k = new long[addresses.length];
        for (int i = 0; i < k.length; i++) {
            k[i] = ShardAssigner.key(addresses[i]);
        }
        return k;
    }

    /** Rendezvous without a bound: every target on its highest-scoring shard. */
    static int[] plainRendezvous(long[] keys, int shards) {
        int[] out = new int[keys.length];
        for (int i = 0; i < keys.length; i++) {
            int best = 0;
            long bestScore = ShardAssigner.score(keys[i], 0);
            for (int s = 1; s < shards; s++) {
                long sc = ShardAssigner.score(keys[i], s);
                if (Long.compareUnsigned(sc, bestScore) > 0) {
                    best = s;
                    bestScore = sc;
                }
            }
            out[i] = best;
        }
        return out;
    }

    interface Strategy {
        int[] assign(String[] addresses, long[] keys, int shards);
    }

    static final String[] NAMES = {"vigil", "rendezvous", "hashmod"};
    static final Strategy[] STRATEGIES = {
            (a, k, n) -> ShardAssigner.consistent(k, n),
            (a, k, n) -> plainRendezvous(k, n),
            (a, k, n) -> ShardAssigner.hashmod(a, n)};

    static double balance(int[] shard, int shards) {
        int[] load = new int[shards];
        for (int s : shard) {
            load[s]++;
        }
        return Arrays.stream(load).max().orElse(0) / ((double) shard.length / shards);
    }

    static int moved(int[] a, int[] b) {
        int m = 0;
        for (int i = 0; i < a.length; i++) {
            if (a[i] != b[i]) {
                m++;
            }
        }
        return m;
    }

    public static void main(String[] args) {
        Locale.setDefault(Locale.ROOT);
        for (int targets : new int[] {1_000, 10_000, 100_000}) {
            String[] a = addresses(targets);
            long[] k = keys(a);
            System.out.printf("%n== %,d targets%n", targets);
            System.out.println("worst over N = 2..64        vigil   rendezvous   hashmod   (vigil / hashmod)");
            double[] worstBalance = new double[3];
            double[] worstUp = new double[3];
            double[] worstDown = new double[3];
            double[] meanUp = new double[3];
            for (int n = 2; n <= 64; n++) {
                for (int s = 0; s < 3; s++) {
                    int[] now = STRATEGIES[s].assign(a, k, n);
                    int[] up = STRATEGIES[s].assign(a, k, n + 1);
                    int[] down = STRATEGIES[s].assign(a, k, n - 1);
                    worstBalance[s] = Math.max(worstBalance[s], balance(now, n));
                    double upRatio = moved(now, up) / (double) targets * (n + 1);
                    worstUp[s] = Math.max(worstUp[s], upRatio);
                    meanUp[s] += upRatio / 63;
                    if (n > 2) {
                        worstDown[s] = Math.max(worstDown[s], moved(now, down) / (double) targets * n);
                    }
                }
            }
            row("balance (busiest / mean)", worstBalance);
            row("moved on N->N+1, x 1/(N+1)", worstUp);
            row("  mean over N", meanUp);
            row("moved on N->N-1, x 1/N", worstDown);
            for (int n : new int[] {4, 16, 64}) {
                System.out.printf("N=%-2d  balance %.4f / %.4f / %.4f   moved N->N+1 %.2f%% / %.2f%% / %.2f%%%n", n,
                        balance(STRATEGIES[0].assign(a, k, n), n), balance(STRATEGIES[1].assign(a, k, n), n),
                        balance(STRATEGIES[2].assign(a, k, n), n),
                        100.0 * moved(STRATEGIES[0].assign(a, k, n), STRATEGIES[0].assign(a, k, n + 1)) / targets,
                        100.0 * moved(STRATEGIES[1].assign(a, k, n), STRATEGIES[1].assign(a, k, n + 1)) / targets,
                        100.0 * moved(STRATEGIES[2].assign(a, k, n), STRATEGIES[2].assign(a, k, n + 1)) / targets);
            }
            oneTarget(a, k, 16);
            oneTarget(a, k, 64);
            System.out.printf("unchanged input, N=16: %d moved%n",
                    moved(ShardAssigner.consistent(k, 16), ShardAssigner.consistent(k.clone(), 16)));
        }
        memory();
    }

    private static void row(String label, double[] v) {
        System.out.printf("%-28s %7.4f   %7.4f   %7.4f   (%.3f)%n", label, v[0], v[1], v[2], v[0] / v[2]);
    }

    /** Targets other than the added/removed one that change shard, averaged over 200 additions and 200 removals. */
    private static void oneTarget(String[] a, long[] k, int n) {
        int[] base = ShardAssigner.consistent(k, n);
        long addMoves = 0;
        long removeMoves = 0;
        int trials = 200;
        for (int t = 0; t < trials; t++) {
            long[] plus = Arrays.copyOf(k, k.length + 1);
            plus[k.length] = ShardAssigner.key("192.168." + t + ".1:9100");
            int[] after = ShardAssigner.consistent(plus, n);
            addMoves += moved(base, Arrays.copyOf(after, k.length));
            int drop = (int) ((t * 7919L) % k.length);
            long[] minus = new long[k.length - 1];
            System.arraycopy(k, 0, minus, 0, drop);
            System.arraycopy(k, drop + 1, minus, drop, k.length - drop - 1);
            int[] afterRemove = ShardAssigner.consistent(minus, n);
            for (int i = 0, j = 0; i < k.length; i++) {
                if (i == drop) {
                    continue;
                }
                if (base[i] != afterRemove[j++]) {
                    removeMoves++;
                }
            }
        }
        System.out.printf("N=%-2d one target added: %.2f others move on average; one removed: %.2f%n", n,
                addMoves / (double) trials, removeMoves / (double) trials);
    }

    /** Bytes allocated by one pass at 100k targets over 64 shards, and what the operator keeps per target. */
    private static void memory() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        String[] a = addresses(100_000);
        long[] k = keys(a);
        for (int i = 0; i < 5; i++) {
            ShardAssigner.consistent(k, 64);
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        ShardAssigner.consistent(k, 64);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        System.out.printf("%nmemory at 100,000 targets, 64 shards: %.1f bytes/target allocated by one pass; "
                + "%d bytes/target kept (key: long, shard: int)%n", allocated / 100_000.0, Long.BYTES + Integer.BYTES);
    }
}
