package dev.vigil.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LabelSelector;

/** An app team's log rule: which of its namespace's pods it applies to, and what it does ({@link LogRule}). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"serviceRef", "podSelector"})
@ValidationRule(value = "has(self.serviceRef) != has(self.podSelector)",
        message = "set exactly one of serviceRef and podSelector")
public class LogParserRuleSpec extends LogRule {
    @JsonPropertyDescription("The InstrumentedService (in this namespace) whose workload's pods' logs the rule parses.")
    public LocalRef serviceRef;

    @JsonPropertyDescription("Pods of this namespace by label: the rule parses the logs of the Deployments and "
            + "StatefulSets of this namespace whose pod template carries these labels. Never another namespace's.")
    public LabelSelector podSelector;

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class LocalRef {
        @Required
        @Size(min = 1, max = 253)
        @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
        @JsonPropertyDescription("Name of the InstrumentedService in this namespace.")
        public String name;
    }
}
