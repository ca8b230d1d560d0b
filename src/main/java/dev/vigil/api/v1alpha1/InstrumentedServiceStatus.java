package dev.vigil.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.LabelSelector;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class InstrumentedServiceStatus {
    @JsonPropertyDescription("The metadata.generation this status describes.")
    public Long observedGeneration;

    @JsonPropertyDescription("Ready, WorkloadFound and Collected conditions.")
    public List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("The workload as Vigil found it.")
    public WorkloadStatus workload;

    @JsonPropertyDescription("The TelemetryCollector fleet that collects this service.")
    public CollectorRef collector;

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class WorkloadStatus {
        @JsonPropertyDescription("Deployment or StatefulSet.")
        public String kind;

        @JsonPropertyDescription("Name of the workload.")
        public String name;

        @JsonPropertyDescription("The workload's pod selector; the fleet scrapes the pods it selects.")
        public LabelSelector selector;

        @JsonPropertyDescription("Desired replicas of the workload.")
        public Integer replicas;

        @Override
        public boolean equals(Object o) {
            return o instanceof WorkloadStatus w && Objects.equals(kind, w.kind) && Objects.equals(name, w.name)
                    && Objects.equals(selector, w.selector) && Objects.equals(replicas, w.replicas);
        }

        @Override
        public int hashCode() {
            return Objects.hash(kind, name, selector, replicas);
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class CollectorRef {
        @JsonPropertyDescription("Namespace of the fleet.")
        public String namespace;

        @JsonPropertyDescription("Name of the fleet.")
        public String name;

        public CollectorRef() {
        }

        public CollectorRef(String namespace, String name) {
            this.namespace = namespace;
            this.name = name;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof CollectorRef c && Objects.equals(namespace, c.namespace) && Objects.equals(name, c.name);
        }

        @Override
        public int hashCode() {
            return Objects.hash(namespace, name);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InstrumentedServiceStatus s && Objects.equals(observedGeneration, s.observedGeneration)
                && Objects.equals(conditions, s.conditions) && Objects.equals(workload, s.workload)
                && Objects.equals(collector, s.collector);
    }

    @Override
    public int hashCode() {
        return Objects.hash(observedGeneration, conditions, workload, collector);
    }
}
