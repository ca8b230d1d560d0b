package dev.vigil.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.model.annotation.LabelSelector;
import io.fabric8.kubernetes.model.annotation.StatusReplicas;

import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class TelemetryCollectorStatus extends StatusValue {
    @JsonPropertyDescription("The metadata.generation this status describes.")
    public Long observedGeneration;

    @JsonPropertyDescription("Ready, ConfigValid, ShardsWithinCap and DashboardDelivered (where the Grafana dashboard "
            + "went, unless switched off) conditions.")
    public List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("Ready shards over desired shards, e.g. 3/3 (mode shards).")
    public String shards;

    @JsonPropertyDescription("Ready node agents over the nodes that should run one, e.g. 3/3 (mode agent).")
    public String agents;

    @StatusReplicas
    @JsonPropertyDescription("Collector pods that exist (scale subresource).")
    public Integer replicas;

    @JsonPropertyDescription("Collector pods that are ready.")
    public Integer readyReplicas;

    @LabelSelector
    @JsonPropertyDescription("Label selector of the collector pods, as a string (scale subresource).")
    public String selector;

    @JsonPropertyDescription("Each node group's ready agents over its nodes, e.g. \"aws 3/3, gcp 1/2\" (mode agent with "
            + "spec.agent.nodeGroups).")
    public String groups;

    @JsonPropertyDescription("The node groups (mode agent with spec.agent.nodeGroups), by name: each one's provider, "
            + "label value, nodes, ready agents and DaemonSet. A group is listed while it has a node.")
    public List<NodeGroupStatus> nodeGroups;

    @JsonPropertyDescription("Number of InstrumentedServices this fleet collects."
            + " Written at most every 5 s when nothing else in status changes.")
    public Integer services;

    @JsonPropertyDescription("SHA-256 of the collector configuration that is deployed.")
    public String configHash;

    @JsonPropertyDescription("Targets each shard scrapes (owned, not counting hand-offs), by shard index."
            + " Written at most every 5 s when nothing else in status changes.")
    public List<Integer> shardTargets;

    @JsonPropertyDescription("Busiest shard's targets divided by the mean, e.g. \"1.04\" (1 is perfectly even)."
            + " Written at most every 5 s when nothing else in status changes.")
    public String imbalance;

    @JsonPropertyDescription("Targets being handed off between shards right now (scraped by both until the overlap ends)."
            + " Written at most every 5 s when nothing else in status changes.")
    public Integer handoffs;

    @JsonPropertyDescription("The default rules (spec.agent.defaultRules) whose records the agents report a step could "
            + "not parse (each went on unparsed), since the fleet's observedGeneration (mode agent); absent while there "
            + "is none.")
    public List<DefaultRuleFailures> defaultRuleParseFailures;

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class DefaultRuleFailures extends StatusValue {
        @JsonPropertyDescription("The default rule's name.")
        public String name;
        @JsonPropertyDescription("Records a step of the rule could not parse, summed over the agents.")
        public Long parseFailures;
        @JsonPropertyDescription("When an agent last reported one (RFC 3339).")
        public String lastParseFailureTime;

        public DefaultRuleFailures() {
        }

        public DefaultRuleFailures(String name, Long parseFailures, String lastParseFailureTime) {
            this.name = name;
            this.parseFailures = parseFailures;
            this.lastParseFailureTime = lastParseFailureTime;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class NodeGroupStatus extends StatusValue {
        @JsonPropertyDescription("The group's name: the provider, then the label value (DNS-safe).")
        public String name;
        @JsonPropertyDescription("aws, azure, gcp or onprem (from the nodes' spec.providerID).")
        public String provider;
        @JsonPropertyDescription("The nodes' value of spec.agent.nodeGroups.byLabel; absent: without it, or no byLabel.")
        public String labelValue;
        @JsonPropertyDescription("Nodes in the group (matching spec.nodeSelector).")
        public Integer nodes;
        @JsonPropertyDescription("Ready agents of the group's DaemonSet.")
        public Integer ready;
        @JsonPropertyDescription("The group's DaemonSet.")
        public String daemonSet;
    }
}
