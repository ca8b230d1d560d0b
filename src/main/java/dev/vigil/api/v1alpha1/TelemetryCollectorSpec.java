package dev.vigil.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.model.annotation.SpecReplicas;

import java.util.List;
import java.util.Map;


@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.mode != 'agent' || (self.shards == 1 && !has(self.sharding) && self.scrapeInterval == '30s'"
        + " && !has(self.prometheus) && !has(self.dashboard)"
        + " && !(has(self.exporters) && has(self.exporters.prometheusRemoteWrite)))",
        message = "an agent fleet (mode agent) runs one collector per node for logs; shards, sharding, scrapeInterval, "
                + "prometheus, dashboard and exporters.prometheusRemoteWrite apply to shard fleets only")
@ValidationRule(value = "self.mode == 'agent' || !has(self.agent)", message = "spec.agent applies to mode agent only")
public class TelemetryCollectorSpec {
    /**
     * The collector image the operator deploys when spec.image is not set: Vigil's own distribution (e2e/images/build.sh),
     * the binary the operator's image validates every config with; pinned, never "latest".
     */
    public static final String DEFAULT_IMAGE = "ghcr.io/vigil-dev/otelcol-vigil:0.165.0";
    public static final String DEFAULT_SCRAPE_INTERVAL = "30s";

    /** What the fleet's collectors are. */
    public enum Mode {
        shards, agent
    }

    @Default("shards")
    @ValidationRule(value = "self == oldSelf", message = "spec.mode cannot change: create another TelemetryCollector "
            + "for the other mode (a metrics fleet and an agent fleet can coexist)")
    @JsonPropertyDescription("What the fleet is. shards (the default): a StatefulSet of spec.shards collectors that "
            + "scrape the selected services' metrics and receive OTLP metrics and traces. agent: a DaemonSet, one "
            + "collector per node (spec.nodeSelector and spec.tolerations choose the nodes), that tails the container "
            + "logs of its node (/var/log/pods), keeps its read offsets on the node across restarts, parses them with "
            + "the rules the operator serves (reloaded in place, no restart) and exports them over OTLP. Immutable.")
    public Mode mode;

    @JsonPropertyDescription("Node agents (mode agent only): their paths on the nodes and the platform team's default log rules.")
    public AgentSpec agent;

    @SpecReplicas
    @Min(1)
    @Max(64)
    @Default("1")
    @JsonPropertyDescription("Number of collector shards (1..64). Each shard is one pod of the fleet's StatefulSet; "
            + "the pod ordinal is the shard index. Also reachable through the scale subresource "
            + "(kubectl scale tc/NAME --replicas=N).")
    public Integer shards = 1;

    @JsonPropertyDescription("How scrape targets are assigned to shards.")
    public ShardingSpec sharding;

    @Size(min = 1, max = 512)
    @Pattern("^[^\\s]+$")
    @Default(DEFAULT_IMAGE)
    @JsonPropertyDescription("Collector container image. The default is Vigil's own collector distribution, the binary "
            + "the operator validates the configuration with. Another image must contain the components the generated "
            + "configuration uses (otlp and prometheus receivers; batch, memory_limiter and resource processors; otlp, "
            + "otlphttp, debug, prometheusremotewrite and file exporters; health_check and bearertokenauth extensions) "
            + "and run the collector as its entrypoint.")
    public String image;

    @JsonPropertyDescription("Compute resources of each collector container. Defaults: requests 100m CPU / 256Mi memory, "
            + "limit 512Mi memory.")
    public ResourceRequirements resources;

    @Size(max = 32)
    @JsonPropertyDescription("Node labels a collector pod's node must have (the pod's nodeSelector), e.g. to keep "
            + "the fleet on a node pool of its own. Changing it rolls the collectors.")
    public Map<String, String> nodeSelector;

    @Size(max = 32)
    @JsonPropertyDescription("Taints the collector pods tolerate (the pod's tolerations), together with nodeSelector "
            + "to run the fleet on tainted nodes. Changing it rolls the collectors.")
    public List<Toleration> tolerations;

    @JsonPropertyDescription("Which InstrumentedServices this fleet collects.")
    public ServiceSelectorSpec serviceSelector;

    @Size(min = 2, max = 16)
    @Pattern("^([0-9]+(ms|s|m|h))+$")
    @Default(DEFAULT_SCRAPE_INTERVAL)
    @JsonPropertyDescription("Default scrape interval for targets whose InstrumentedService does not set one, as a "
            + "Prometheus duration (e.g. 15s, 1m).")
    public String scrapeInterval;

    @JsonPropertyDescription("Where the collectors send what they collect. With no exporter configured, data goes to "
            + "the debug exporter (collector logs).")
    public ExportersSpec exporters;

    @JsonPropertyDescription("The Prometheus-compatible query API Vigil reads SLO and pool metrics from.")
    public PrometheusSpec prometheus;

    @JsonPropertyDescription("The Grafana dashboard Vigil generates for the fleet.")
    public DashboardSpec dashboard;

    @JsonPropertyDescription("Optional raw collector configuration fragment, deep-merged into the generated "
            + "configuration (maps are merged key by key, lists and scalars replace). A fragment that makes the "
            + "configuration invalid sets ConfigValid=False and the running collectors are left unchanged.")
    public JsonNode config;

    public Mode modeOrDefault() {
        return mode == null ? Mode.shards : mode;
    }

    public boolean agent() {
        return modeOrDefault() == Mode.agent;
    }

    public int shardsOrDefault() {
        return shards == null ? 1 : shards;
    }

    public String imageOrDefault() {
        return image == null ? DEFAULT_IMAGE : image;
    }

    public String scrapeIntervalOrDefault() {
        return scrapeInterval == null ? DEFAULT_SCRAPE_INTERVAL : scrapeInterval;
    }

    public ShardingSpec.Strategy strategyOrDefault() {
        return sharding == null || sharding.strategy == null ? ShardingSpec.Strategy.consistent : sharding.strategy;
    }
}
