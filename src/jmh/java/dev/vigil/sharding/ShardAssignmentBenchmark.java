package dev.vigil.sharding;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Time of one full assignment pass: Vigil's bounded-load rendezvous hashing against hashmod (what the Prometheus
 * operator's relabelling computes per target) on the same targets. Goal: 100k targets in at most 50 ms.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx2g", "-XX:+UseParallelGC"})
public class ShardAssignmentBenchmark {
    @Param({"1000", "10000", "100000"})
    int targets;

    @Param({"4", "16", "64"})
    int shards;

    String[] addresses;
    long[] keys;

    @Setup
    public void setUp() {
        addresses = ShardingFigures.addresses(targets);
        keys = ShardingFigures.keys(addresses);
    }

    /** Keys computed from the addresses inside the pass, as the operator does for each new target list. */
    @Benchmark
    public int[] boundedRendezvous() {
        return ShardAssigner.consistent(ShardingFigures.keys(addresses), shards);
    }

    @Benchmark
    public int[] hashmod() {
        return ShardAssigner.hashmod(addresses, shards);
    }
}
