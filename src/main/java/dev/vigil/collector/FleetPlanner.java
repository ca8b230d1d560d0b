package dev.vigil.collector;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.MetricsSpec;
import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.config.CollectorSettings;
import dev.vigil.logs.DefaultRules;
import dev.vigil.naming.Names;
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
        JsonNode fragment = fleet.getSpec().config;
        if (fragment != null && !fragment.isNull() && !fragment.isObject()) {
            return new Outcome(null, List.of("spec.config: must be a map of collector configuration sections"));
        }
        Map<String, Object> config = CollectorConfig.withFragment(CollectorConfig.generate(fleet, settings),
                fragment == null || fragment.isNull() ? null : Yaml.MAPPER.convertValue(fragment, FRAGMENT));
        List<String> problems = new ArrayList<>(CollectorConfigValidator.validate(config));
        if (fleet.getSpec().agent()) {
            problems.addAll(DefaultRules.problems(fleet.getSpec().agent));
        }
        if (!problems.isEmpty()) {
            return new Outcome(null, problems);
        }
        String yaml = Yaml.write(config);
        return new Outcome(new FleetPlan(yaml, Names.sha256Hex(yaml).substring(0, 16), services,
                fleet.getSpec().shardsOrDefault()), List.of());
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
            out.add(CollectorDaemonSet.build(fleet, plan));
            return out;
        }
        out.add(CollectorHeadlessService.build(fleet));
        out.add(CollectorOtlpService.build(fleet));
        out.add(CollectorStatefulSet.build(fleet, plan));
        out.add(CollectorPodDisruptionBudget.build(fleet));
        return out;
    }
}
