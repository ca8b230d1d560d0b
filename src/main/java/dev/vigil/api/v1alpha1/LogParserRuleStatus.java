package dev.vigil.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Condition;

import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class LogParserRuleStatus extends StatusValue {
    @JsonPropertyDescription("The metadata.generation this status describes.")
    public Long observedGeneration;

    @JsonPropertyDescription("Ready (valid, and served at this generation by every agent fleet that collects its "
            + "pods' logs) and Valid (the checks and the samples) conditions.")
    public List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("The generation the agents are served: the current one, or while it is invalid the last "
            + "valid one.")
    public Long servedGeneration;

    @JsonPropertyDescription("The rule the agents are served (servedGeneration's spec, without its samples): after an "
            + "operator restart, a rule whose current generation is invalid goes on being served from here.")
    public JsonNode servedRule;

    @JsonPropertyDescription("Records a step of the served generation could not parse (each went on unparsed), summed "
            + "over the agents as they report with their polls, since that generation was served; absent while there "
            + "is none.")
    public Long parseFailures;

    @JsonPropertyDescription("When an agent last reported a record the served generation could not parse (RFC 3339).")
    public String lastParseFailureTime;

    @JsonPropertyDescription("The workloads whose pods' logs the rule parses, as Kind/name.")
    public List<String> workloads = new ArrayList<>();

    @JsonPropertyDescription("The agent fleets that run the rule and the generation each is served.")
    public List<FleetGeneration> fleets = new ArrayList<>();

    @JsonPropertyDescription("The agent fleets that run the rule, as namespace/name, comma-separated (printer column).")
    public String fleetNames;

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class FleetGeneration {
        @JsonPropertyDescription("The agent fleet (TelemetryCollector) namespace.")
        public String namespace;
        @JsonPropertyDescription("The agent fleet's name.")
        public String name;
        @JsonPropertyDescription("The rule generation that fleet's agents are served.")
        public Long generation;

        public FleetGeneration() {
        }

        public FleetGeneration(String namespace, String name, Long generation) {
            this.namespace = namespace;
            this.name = name;
            this.generation = generation;
        }
    }
}
