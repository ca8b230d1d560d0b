package dev.vigil.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Size;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class DashboardSpec {
    @Default("true")
    @JsonPropertyDescription("Generate a Grafana dashboard for this service.")
    public Boolean enabled;

    @Size(min = 1, max = 128)
    @Default("Vigil")
    @JsonPropertyDescription("Grafana folder the dashboard goes into.")
    public String folder;
}
