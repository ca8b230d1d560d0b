package dev.vigil.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ShardingSpec {
    public enum Strategy { consistent, hashmod }

    @Default("consistent")
    @JsonPropertyDescription("consistent: bounded-load consistent hashing, so that resharding moves few targets; "
            + "hashmod: hash of the target address modulo the shard count, as the Prometheus operator does.")
    public Strategy strategy;

    @Min(1)
    @Max(10)
    @Default("2")
    @JsonPropertyDescription("While resharding, a moved target is scraped by both its old and new shard for this many "
            + "scrape intervals before the old shard drops it.")
    public Integer handoffIntervals;

    @Min(1)
    @Max(1000000)
    @JsonPropertyDescription("Optional cap on targets per shard; a shard above it raises a Warning condition.")
    public Integer maxTargetsPerShard;
}
