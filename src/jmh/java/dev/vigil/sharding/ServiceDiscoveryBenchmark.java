package dev.vigil.sharding;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
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

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One service-discovery answer as the endpoint makes it (ServiceDiscoveryEndpoint after admission): the shard's
 * target groups from the fleet's plan, JSON-encoded. Sample time, so JMH prints the p99; the collectors of a fleet
 * ask once per shard every 5 s, so 64 shards cost 64 answers per 5 s. The baseline in the same run: a fleet of
 * 1,000 targets on 3 shards.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx384m", "-XX:+UseSerialGC"})
public class ServiceDiscoveryBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Param({"1000:3", "10000:64"})
    String fleet;

    ShardPlans.FleetState state;
    int shards;
    int next;
    Instant now = Instant.parse("2026-12-01T10:00:00Z");

    @Setup
    public void setUp() {
        int targets = Integer.parseInt(fleet.split(":")[0]);
        shards = Integer.parseInt(fleet.split(":")[1]);
        List<ScrapeEndpoint> endpoints = new ArrayList<>();
        for (String address : ShardingFigures.addresses(targets)) {
            endpoints.add(new ScrapeEndpoint(ScrapeEndpoint.key("shop/svc", address), address,
                    Map.of("namespace", "shop", "pod", "pod-" + address, "job", "shop/svc")));
        }
        ShardPlans plans = new ShardPlans();
        ResourceID id = new ResourceID("platform", "shop");
        plans.update(id, endpoints, shards, ShardPlan.Strategy.CONSISTENT, now, Duration.ofSeconds(30));
        state = plans.get(id).orElseThrow();
    }

    @Benchmark
    public String answer() throws Exception {
        next = (next + 1) % shards;
        return JSON.writeValueAsString(ShardPlans.targetGroups(state, next, now));
    }
}
