package dev.vigil.collector;

import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.logs.AgentOperators;
import dev.vigil.logs.AgentRules;
import dev.vigil.reconcile.Part;
import dev.vigil.reconcile.PartOutcome;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * An agent fleet's log operators (dev.vigil.logs.AgentOperators, from the services it collects), published for its
 * agents to poll (dev.vigil.logs.LogRulesEndpoint) once the rest of the fleet is written; and the fleet plan its
 * DaemonSet is built from. Not run while the config is rejected: the agents keep what they are served.
 */
final class AgentsPart implements Part<FleetContext> {
    /** What this reconcile serves the fleet's agents. */
    record Operators(List<Map<String, Object>> list) {
    }

    private final AgentRules rules;

    AgentsPart(AgentRules rules) {
        this.rules = rules;
    }

    @Override
    public PartOutcome plan(FleetContext ctx) {
        if (ctx.rejected()) {
            return PartOutcome.NONE;
        }
        ConfigPart.Planned planned = ctx.requireDecision(ConfigPart.Planned.class);
        rules.retain(planned.fleets().stream().filter(f -> f.getSpec().agent()).map(ResourceID::fromResource)
                .collect(Collectors.toSet()));
        if (!ctx.fleet().getSpec().agent()) {
            return PartOutcome.NONE;
        }
        ctx.decided(FleetPlan.class, planned.outcome().plan());
        ctx.decided(Operators.class, new Operators(AgentOperators.of(planned.collected())));
        return PartOutcome.NONE;
    }

    @Override
    public void prepare(FleetContext ctx) {
        if (ctx.fleet().getSpec().agent()) {
            FleetPlan.KEY.put(ctx.josdk(), ctx.requireDecision(FleetPlan.class));
        }
    }

    @Override
    public PartOutcome deliver(FleetContext ctx) {
        TelemetryCollector fleet = ctx.fleet();
        if (fleet.getSpec().agent()) {
            rules.publish(ResourceID.fromResource(fleet), ctx.requireDecision(Operators.class).list());
        }
        return PartOutcome.NONE;
    }
}
