package dev.vigil.collector;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.MetricsSpec;
import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.config.CollectorSettings;
import dev.vigil.logs.DefaultRules;
import dev.vigil.naming.Names;
import dev.vigil.nodegroups.NodeGroup;
import dev.vigil.serialization.Yaml;
import dev.vigil.sharding.ScrapeTarget;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Decides, without I/O, what a fleet should look like: its config (or why it can't have one) and its objects. */
public final class FleetPlanner {
    private static final TypeReference<Map<String, Object>> FRAGMENT = new TypeReference<>() {
    };

    private FleetPlanner() {
    }

    public record Outcome(FleetPlan plan, List<String> problems) {
        public boolean valid() {
            return problems.isEmpty();
        }
    }

    /** @param services how many InstrumentedServices the fleet collects (for status) */
    public static Outcome plan(TelemetryCollector fleet, int services, CollectorSettings settings) {
        return plan(fleet, services, settings, List.of());
    }

    /**
     * @param groups the fleet's node groups (NodeGroups.plan) when it has spec.agent.nodeGroups; each gets its own
     *               config, checked like the fleet's (a problem names the group)
     */
    public static Outcome plan(TelemetryCollector fleet, int services, CollectorSettings settings, List<NodeGroup> groups) {
        JsonNode node = fleet.getSpec().config;
        if (node != null && !node.isNull() && !node.isObject()) {
            return new Outcome(null, List.of("spec.config: must be a map of collector configuration sections"));
        }
        Map<String, Object> fragment = node == null || node.isNull() ? null : Yaml.MAPPER.convertValue(node, FRAGMENT);
        Map<String, Object> config = CollectorConfig.withFragment(CollectorConfig.generate(fleet, settings), fragment);
        List<String> problems = new ArrayList<>(CollectorConfigValidator.validate(config));
        if (fleet.getSpec().agent()) {
            problems.addAll(DefaultRules.problems(fleet.getSpec().agent));
        }
        boolean grouped = NodeGroupsPart.grouped(fleet);
        List<FleetPlan.Group> planned = new ArrayList<>();
        StringBuilder hashes = new StringBuilder();
        for (NodeGroup g : grouped ? groups : List.<NodeGroup>of()) {
            Map<String, Object> own = CollectorConfig.withFragment(CollectorConfig.generate(fleet, settings, g), fragment);
            CollectorConfigValidator.validate(own).forEach(p -> problems.add("node group " + g.name() + ": " + p));
            String yaml = Yaml.write(own);
            String hash = Names.sha256Hex(yaml).substring(0, 16);
            planned.add(new FleetPlan.Group(g, "collector-" + g.name() + ".yaml", yaml, hash));
            hashes.append(g.name()).append('=').append(hash).append('\n');
        }
        if (!problems.isEmpty()) {
            return new Outcome(null, problems);
        }
        String yaml = Yaml.write(config);
        String hash = Names.sha256Hex(grouped ? yaml + hashes : yaml).substring(0, 16);
        return new Outcome(new FleetPlan(yaml, hash, services, fleet.getSpec().shardsOrDefault(),
                grouped ? List.copyOf(planned) : null), List.of());
    }

    /** The scrape target of a service, once its workload has been resolved (status.workload.selector is set). */
    public static Optional<ScrapeTarget> target(InstrumentedService service) {
        if (service.getStatus() == null || service.getStatus().workload == null
                || service.getStatus().workload.selector == null) {
            return Optional.empty();
        }
        return Optional.of(target(service, service.getStatus().workload.selector));
    }

    public static ScrapeTarget target(InstrumentedService service, LabelSelector podSelector) {
        MetricsSpec m = service.getSpec().metrics;
        return new ScrapeTarget(service.getMetadata().getNamespace(), service.getMetadata().getName(), podSelector,
                m.port, m.pathOrDefault(), m.schemeOrDefault().name(), m.interval);
    }

    /** Every object of a valid plan, in apply order; what the operator creates and what the offline render prints. */
    public static List<HasMetadata> objects(TelemetryCollector fleet, FleetPlan plan) {
        List<HasMetadata> out = new ArrayList<>();
        out.add(CollectorServiceAccount.build(fleet));
        out.add(CollectorRole.build(fleet));
        out.add(CollectorRoleBinding.build(fleet));
        out.add(CollectorConfigMap.build(fleet, plan));
        if (fleet.getSpec().agent()) {
            out.addAll(CollectorDaemonSet.build(fleet, plan).values());
            return out;
        }
        out.add(CollectorHeadlessService.build(fleet));
        out.add(CollectorOtlpService.build(fleet));
        out.add(CollectorStatefulSet.build(fleet, plan));
        out.add(CollectorPodDisruptionBudget.build(fleet));
        return out;
    }
}
