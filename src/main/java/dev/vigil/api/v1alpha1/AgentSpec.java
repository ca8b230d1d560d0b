package dev.vigil.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

import java.util.ArrayList;
import java.util.List;

/** Where an agent fleet's collectors find things on their nodes (spec.mode agent). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AgentSpec {
    public static final String DEFAULT_POD_LOGS_DIR = "/var/log/pods";
    public static final String DEFAULT_STATE_DIR = "/var/lib/vigil";

    @Size(min = 2, max = 256)
    @Pattern("^(/[A-Za-z0-9._-]+)+$")
    @ValidationRule(value = "!self.split('/').exists(p, p == '..' || p == '.')", message = "podLogsDir must not contain . or .. segments")
    @JsonPropertyDescription("The nodes' pod log directory: the kubelet's podLogsDir (KubeletConfiguration), where it "
            + "writes <namespace>_<pod>_<uid>/<container>/<restart>.log. Mounted read-only into the agents. "
            + "Default /var/log/pods.")
    public String podLogsDir;

    @Size(min = 2, max = 200)
    @Pattern("^(/[A-Za-z0-9._-]+)+$")
    @ValidationRule(value = "!self.split('/').exists(p, p == '..' || p == '.')", message = "stateDir must not contain . or .. segments")
    @JsonPropertyDescription("The node directory under which the agents keep their read offsets and the last served "
            + "log operators, in <stateDir>/<namespace>/<fleet> (created if missing), so a restarted agent resumes "
            + "where it stopped. Default /var/lib/vigil.")
    public String stateDir;

    @Size(max = 16)
    @ValidationRule(value = "self.all(x, self.filter(y, y.name == x.name).size() == 1)",
            message = "each default rule needs a name of its own")
    @JsonPropertyDescription("The platform team's default log rules: each applies to every record the agents read "
            + "that no LogParserRule applies to (a pod's container that an app team's rule parses is that rule's "
            + "alone), in this order. Checked like a LogParserRule, samples included; a fleet whose default rules "
            + "fail is rejected (ConfigValid=False) and its agents keep what they run.")
    public List<DefaultLogRule> defaultRules = new ArrayList<>();

    @JsonPropertyDescription("Group the nodes by cloud provider (spec.providerID: aws, azure, gcp, else onprem) and "
            + "optionally by a label, with one DaemonSet per group whose agents detect only their own provider's "
            + "metadata (ec2, azure or gcp, plus env and system; onprem: env and system) and set it as resource "
            + "attributes (cloud.provider, cloud.region, host.*). Groups come and go with their nodes. Vigil labels "
            + "the fleet's nodes " + NodeGroupsSpec.PROVIDER_LABEL + "=<provider> (its own field manager) for the "
            + "groups' node affinity. Unset: one DaemonSet for all nodes, without detection.")
    public NodeGroupsSpec nodeGroups;

    public static String podLogsDir(AgentSpec spec) {
        return spec == null || spec.podLogsDir == null ? DEFAULT_POD_LOGS_DIR : spec.podLogsDir;
    }

    public static List<DefaultLogRule> defaultRules(AgentSpec spec) {
        return spec == null ? List.of() : spec.defaultRules;
    }

    /** spec.agent.nodeGroups, or null (no agent spec, or no node groups). */
    public static NodeGroupsSpec nodeGroups(AgentSpec spec) {
        return spec == null ? null : spec.nodeGroups;
    }

    public static String stateDir(AgentSpec spec) {
        return spec == null || spec.stateDir == null ? DEFAULT_STATE_DIR : spec.stateDir;
    }
}
