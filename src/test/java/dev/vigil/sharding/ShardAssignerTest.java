package dev.vigil.sharding;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Properties of the assignment over many random target sets and shard counts (seeded, so a failure reproduces):
 * every target gets exactly one shard in range, no shard exceeds the capacity, the answer depends only on the
 * targets and the count (not on the order they come in), an unchanged input moves nothing, and growing or
 * shrinking by one shard moves a bounded share. The quantitative figures (balance, movement against hashmod, time)
 * are the benchmark's (docs/benchmarks.md).
 */
class ShardAssignerTest {
    record Case(long seed, int targets, int shards) {
        @Override
        public String toString() {
            return targets + " targets, " + shards + " shards (seed " + seed + ")";
        }
    }

    static Stream<Case> cases() {
        Random r = new Random(20261129);
        List<Case> out = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            int targets = i < 10 ? i : 1 + r.nextInt(i < 50 ? 3000 : 30000);
            out.add(new Case(r.nextLong(), targets, 1 + r.nextInt(64)));
        }
        return out.stream();
    }

    static String[] addresses(long seed, int n) {
        Random r = new Random(seed);
        String[] a = new String[n];
        for (int i = 0; i < n; i++) {
            a[i] = "10." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(256) + ":" + (1024 + r.nextInt(60000));
        }
        return a;
    }

    static long[] keys(String[] addresses) {
        return Arrays.stream(addresses).mapToLong(ShardAssigner::key).toArray();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyTargetOnExactlyOneShardWithinCapacity(Case c) {
        long[] keys = keys(addresses(c.seed(), c.targets()));
        int[] shard = ShardAssigner.consistent(keys, c.shards());
        assertThat(shard).hasSize(c.targets());
        int[] load = new int[c.shards()];
        for (int s : shard) {
            assertThat(s).isBetween(0, c.shards() - 1);
            load[s]++;
        }
        int cap = ShardAssigner.capacity(c.targets(), c.shards());
        assertThat(IntStream.of(load).max().orElse(0)).isLessThanOrEqualTo(cap);
        assertThat(IntStream.of(load).sum()).isEqualTo(c.targets());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void theAnswerDoesNotDependOnTheOrderOfTheTargets(Case c) {
        String[] a = addresses(c.seed(), c.targets());
        int[] shard = ShardAssigner.consistent(keys(a), c.shards());
        Integer[] perm = IntStream.range(0, a.length).boxed().toArray(Integer[]::new);
        java.util.Collections.shuffle(Arrays.asList(perm), new Random(c.seed() + 1));
        String[] shuffled = new String[a.length];
        for (int i = 0; i < a.length; i++) {
            shuffled[i] = a[perm[i]];
        }
        int[] again = ShardAssigner.consistent(keys(shuffled), c.shards());
        java.util.Map<String, Long> count = Arrays.stream(a).collect(
                java.util.stream.Collectors.groupingBy(x -> x, java.util.stream.Collectors.counting()));
        for (int i = 0; i < a.length; i++) {
            // Copies of one address are interchangeable; every other target must land where it did.
            if (count.get(shuffled[i]) == 1) {
                assertThat(again[i]).as("%s", shuffled[i]).isEqualTo(shard[perm[i]]);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void nothingMovesWhenNothingChanges(Case c) {
        long[] keys = keys(addresses(c.seed(), c.targets()));
        assertThat(ShardAssigner.consistent(keys, c.shards())).isEqualTo(ShardAssigner.consistent(keys.clone(), c.shards()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void oneMoreOrOneLessShardMovesABoundedShare(Case c) {
        if (c.targets() < 10_000 || c.shards() < 2) {
            return; // the movement bound is a claim from 10k targets up (docs/benchmarks.md has the small fleets)
        }
        long[] keys = keys(addresses(c.seed(), c.targets()));
        int n = c.shards();
        int[] now = ShardAssigner.consistent(keys, n);
        int[] up = ShardAssigner.consistent(keys, n + 1);
        int[] down = ShardAssigner.consistent(keys, n - 1);
        assertThat(moved(now, up) / (double) keys.length).isLessThanOrEqualTo(1.25 / (n + 1));
        assertThat(moved(now, down) / (double) keys.length).isLessThanOrEqualTo(1.25 / n);
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

    @Test
    void capacityIsTheMeanPlusASlackThatGrowsSmoothly() {
        assertThat(ShardAssigner.capacity(10_000, 64)).isEqualTo(171);   // 156.25 + 15.6
        assertThat(ShardAssigner.capacity(1_000, 64)).isEqualTo(19);     // 15.6 + 3.9 (a quarter of the mean)
        assertThat(ShardAssigner.capacity(1_000, 16)).isEqualTo(70);     // 62.5 + 7.9 (sqrt of the mean)
        assertThat(ShardAssigner.capacity(7, 3)).isEqualTo(3);           // never below the mean rounded up
        for (int t = 1; t < 20_000; t++) {
            assertThat(ShardAssigner.capacity(t + 1, 16) - ShardAssigner.capacity(t, 16)).isBetween(0, 1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.CsvSource({
            // address, md5 (hex), residues modulo 2, 3, 4, 5, 7 of its last 8 bytes read big-endian (python hashlib)
            "10.0.0.1:9464, 9aa620763dd5fc60d62ad7552b3f820f, 1 0 3 2 6",
            "10.0.0.2:9464, d4cc0989d955f0085ce3cf743ac87d12, 0 2 2 3 6",
            "10.1.2.3:8080, a85ebe4a7934a03bdcc2d2487eb037ea, 0 0 2 2 5",
            "pod-a.shop.svc:9090, fe20cfef26eadd9ca606d42e36acd342, 0 0 2 3 3"})
    void hashmodIsPrometheusHashmod(String address, String md5, String residues) {
        String[] r = residues.split(" ");
        int[] moduli = {2, 3, 4, 5, 7};
        for (int i = 0; i < moduli.length; i++) {
            assertThat(ShardAssigner.hashmod(address, moduli[i])).as("%s mod %d", address, moduli[i]).isEqualTo(Integer.parseInt(r[i]));
        }
    }
}
