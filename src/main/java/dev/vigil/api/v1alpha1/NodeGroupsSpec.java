package dev.vigil.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

import java.util.ArrayList;
import java.util.List;

/**
 * An agent fleet's node groups (spec.agent.nodeGroups): the nodes grouped by cloud provider (their
 * spec.providerID) and optionally by a label, one DaemonSet per group with only the resource detection that fits.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.byLabel) || !has(self.overrides) || self.overrides.all(o, !has(o.labelValue))",
        message = "overrides[].labelValue needs nodeGroups.byLabel: without it, groups are by provider only")
public class NodeGroupsSpec {
    public static final String DEFAULT_DETECTION_TIMEOUT = "2s";
    /** The node label Vigil keeps on every node while an agent fleet has node groups: the node's provider. */
    public static final String PROVIDER_LABEL = "vigil.dev/provider";

    @Size(min = 1, max = 317)
    @Pattern("^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$")
    @JsonPropertyDescription("A node label that splits each provider's nodes further, e.g. "
            + "node.kubernetes.io/instance-type or a node pool label: one group per provider and value of the label "
            + "(nodes without it form the provider's own group). Unset: one group per provider.")
    public String byLabel;

    @Default(DEFAULT_DETECTION_TIMEOUT)
    @Pattern("^([1-9]|[12][0-9]|30)s$")
    @JsonPropertyDescription("How long an agent waits at start for its node's metadata (every detector together, "
            + "1s..30s). A detector that has not answered by then is skipped: the agent starts without its "
            + "attributes, never fails or hangs for want of them.")
    public String detectionTimeout;

    @Size(max = 32)
    @ValidationRule(value = "self.all(x, self.filter(y, y.provider == x.provider && "
            + "(has(y.labelValue) ? y.labelValue : '') == (has(x.labelValue) ? x.labelValue : '')).size() == 1)",
            message = "each provider (and labelValue) may have one override only")
    @JsonPropertyDescription("What some groups get besides their detection: extra resource attributes, an extra "
            + "OTLP exporter, other resources. An override with a labelValue applies to that group only and "
            + "replaces its provider's override without one.")
    public List<NodeGroupOverride> overrides = new ArrayList<>();

    public static String detectionTimeout(NodeGroupsSpec spec) {
        return spec == null || spec.detectionTimeout == null ? DEFAULT_DETECTION_TIMEOUT : spec.detectionTimeout;
    }
}
