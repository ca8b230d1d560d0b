package dev.vigil.collector;

import dev.vigil.api.v1alpha1.AgentSpec;
import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.api.v1alpha1.LogParserRule;
import dev.vigil.logs.AgentOperators;
import dev.vigil.logs.AgentRules;
import dev.vigil.logs.FleetRules;
import dev.vigil.logs.RuleBook;
import dev.vigil.logs.RuleOperators;
import dev.vigil.reconcile.Part;
import dev.vigil.reconcile.PartOutcome;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * An agent fleet's log operators (dev.vigil.logs.AgentOperators, from the services it collects and the valid
 * LogParserRules it runs, dev.vigil.logs.FleetRules), published for its
 * agents to poll (dev.vigil.logs.LogRulesEndpoint) once the rest of the fleet is written; and the fleet plan its
 * DaemonSet is built from. Not run while the config is rejected: the agents keep what they are served.
 */
final class AgentsPart implements Part<FleetContext> {
    /** What this reconcile serves the fleet's agents. */
    record Operators(List<Map<String, Object>> list, Map<ResourceID, Long> rules) {
    }

    private final AgentRules rules;
    private final Supplier<List<LogParserRule>> parserRules;
    private final RuleBook book;

    AgentsPart(AgentRules rules, Supplier<List<LogParserRule>> parserRules, RuleBook book) {
        this.rules = rules;
        this.parserRules = parserRules;
        this.book = book;
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
        List<LogParserRule> all = parserRules.get();
        book.retain(all.stream().map(r -> r.getMetadata().getUid()).collect(Collectors.toSet()));
        List<RuleOperators.Served> served = FleetRules.of(planned.collected(), all, book);
        Map<ResourceID, Long> generations = new LinkedHashMap<>();
        served.forEach(r -> generations.put(new ResourceID(r.name(), r.namespace()), r.generation()));
        ctx.decided(Operators.class, new Operators(AgentOperators.of(planned.collected(), served,
                AgentSpec.defaultRules(ctx.fleet().getSpec().agent)), generations));
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
            Operators ops = ctx.requireDecision(Operators.class);
            rules.publish(ResourceID.fromResource(fleet), ops.list(), ops.rules());
        }
        return PartOutcome.NONE;
    }
}
