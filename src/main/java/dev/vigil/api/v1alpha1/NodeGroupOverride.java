package dev.vigil.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

import java.util.Map;

/** What the node groups of one provider (or one provider and label value) get besides their detection. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NodeGroupOverride {
    /** Where a node runs, from its spec.providerID. */
    public enum Provider { aws, azure, gcp, onprem }

    @Required
    @JsonPropertyDescription("The provider of the groups this applies to: aws (providerID aws://), azure (azure://), "
            + "gcp (gce://) or onprem (no providerID, or any other).")
    public Provider provider;

    @Size(max = 63)
    @Pattern("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
    @JsonPropertyDescription("With nodeGroups.byLabel: the label value of the one group this applies to. Unset: "
            + "every group of the provider without an override of its own.")
    public String labelValue;

    @Size(max = 32)
    @ValidationRule(value = "self.all(k, k.matches('^[A-Za-z_][A-Za-z0-9_.-]{0,127}$'))",
            message = "attribute keys are 1-128 letters, digits, '_', '.', '-', starting with a letter or '_'")
    @JsonPropertyDescription("Resource attributes set on everything the group's agents send, over detected ones of "
            + "the same key, e.g. {deployment.environment.name: prod}.")
    public Map<String, @Size(max = 256) String> attributes;

    @ValidationRule(value = "!has(self.bearerTokenSecretRef)",
            message = "a group's extra exporter takes no bearer token; use spec.exporters.otlp for an authenticated one")
    @JsonPropertyDescription("An extra OTLP exporter for the group's logs, besides spec.exporters (e.g. a "
            + "provider's own log store).")
    public ExportersSpec.Otlp otlp;

    @JsonPropertyDescription("Compute resources of the group's agent containers, instead of spec.resources.")
    public ResourceRequirements resources;
}
