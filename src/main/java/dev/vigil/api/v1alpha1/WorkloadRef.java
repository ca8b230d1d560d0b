package dev.vigil.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class WorkloadRef {
    public enum Kind { Deployment, StatefulSet }

    @Default("Deployment")
    @JsonPropertyDescription("Deployment or StatefulSet.")
    public Kind kind;

    @Required
    @Size(min = 1, max = 253)
    @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
    @JsonPropertyDescription("Name of the workload in this namespace.")
    public String name;

    public Kind kindOrDefault() {
        return kind == null ? Kind.Deployment : kind;
    }
}
