package dev.vigil.collector;

import dev.vigil.api.v1alpha1.AgentSpec;
import dev.vigil.api.v1alpha1.DefaultLogRule;
import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.api.v1alpha1.LogParserRule;
import dev.vigil.api.v1alpha1.TelemetryCollectorStatus;
import dev.vigil.logs.AgentOperators;
import dev.vigil.logs.AgentRules;
import dev.vigil.logs.FleetRules;
import dev.vigil.logs.ParseFailures;
import dev.vigil.logs.RuleBook;
import dev.vigil.logs.RuleOperators;
import dev.vigil.reconcile.Part;
import dev.vigil.reconcile.PartOutcome;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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

    /** How often an agent fleet with default rules looks at their parse failures again. */
    static final long FAILURES_SECONDS = 30;
    static final Duration FAILURES_RECHECK = Duration.ofSeconds(FAILURES_SECONDS);

    private final AgentRules rules;
    private final Supplier<List<LogParserRule>> parserRules;
    private final RuleBook book;
    private final ParseFailures failures;

    AgentsPart(AgentRules rules, Supplier<List<LogParserRule>> parserRules, RuleBook book, ParseFailures failures) {
        this.rules = rules;
        this.parserRules = parserRules;
        this.book = book;
        this.failures = failures;
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
            return defaultRuleFailures(ctx);
        }
        return PartOutcome.NONE;
    }

    /**
     * The default rules' parse failures as the agents report them (dev.vigil.logs.ParseFailures), since the fleet's
     * generation, going on from the status after a restart; looked at again every {@value #FAILURES_SECONDS} s.
     */
    private PartOutcome defaultRuleFailures(FleetContext ctx) {
        TelemetryCollector fleet = ctx.fleet();
        List<DefaultLogRule> defaults = AgentSpec.defaultRules(fleet.getSpec().agent);
        if (defaults.isEmpty()) {
            return PartOutcome.NONE;
        }
        long generation = fleet.getMetadata().getGeneration();
        TelemetryCollectorStatus old = ctx.old();
        boolean same = old != null && Objects.equals(old.observedGeneration, generation) && old.defaultRuleParseFailures != null;
        List<TelemetryCollectorStatus.DefaultRuleFailures> counted = new ArrayList<>();
        for (DefaultLogRule d : defaults) {
            Optional<TelemetryCollectorStatus.DefaultRuleFailures> was = same ? old.defaultRuleParseFailures.stream()
                    .filter(f -> d.name.equals(f.name)).findFirst() : Optional.empty();
            ParseFailures.Tally tally = failures.tallyDefault(ResourceID.fromResource(fleet), d.name, generation,
                    was.map(f -> f.parseFailures == null ? 0L : f.parseFailures).orElse(0L),
                    was.map(f -> ParseFailures.time(f.lastParseFailureTime)).orElse(null));
            if (tally.records() > 0) {
                counted.add(new TelemetryCollectorStatus.DefaultRuleFailures(d.name, tally.records(), tally.lastTime()));
            }
        }
        ctx.next().defaultRuleParseFailures = counted.isEmpty() ? null : counted;
        return PartOutcome.recheck(Optional.of(FAILURES_RECHECK));
    }
}
