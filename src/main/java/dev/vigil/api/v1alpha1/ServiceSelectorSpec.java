package dev.vigil.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.LabelSelector;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ServiceSelectorSpec {
    @JsonPropertyDescription("Label selector over InstrumentedServices. Absent or empty selects every "
            + "InstrumentedService in the chosen namespaces.")
    public LabelSelector selector;

    @JsonPropertyDescription("Label selector over namespaces. Absent: only this fleet's own namespace; "
            + "empty ({}): every namespace.")
    public LabelSelector namespaceSelector;
}
