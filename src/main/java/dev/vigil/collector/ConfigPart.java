package dev.vigil.collector;

import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.config.CollectorSettings;
import dev.vigil.reconcile.NotReady;
import dev.vigil.reconcile.Part;
import dev.vigil.reconcile.PartOutcome;
import dev.vigil.selection.FleetSelection;
import dev.vigil.sharding.ScrapeTarget;
import dev.vigil.status.Conditions;
import dev.vigil.status.EventRecorder;
import dev.vigil.status.Reasons;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The fleet's collector configuration and the services it collects: planned and checked (Vigil's own check, then
 * the real collector's {@code validate} when configured); a config that fails rejects the spec, so every running
 * object stays as it was (ConfigValid=False, one Warning event when it turns invalid).
 */
final class ConfigPart implements Part<FleetContext> {
    /** The services this fleet collects and the plan for its config, for the shard planning. */
    record Planned(List<ScrapeTarget> targets, List<InstrumentedService> collected, List<TelemetryCollector> fleets,
            FleetPlanner.Outcome outcome) {
    }

    private final Supplier<List<InstrumentedService>> services;
    private final Function<String, Map<String, String>> namespaceLabels;
    private final CollectorBinaryValidator binaryValidator;
    private final CollectorSettings settings;
    private final EventRecorder events;

    ConfigPart(Supplier<List<InstrumentedService>> services, Function<String, Map<String, String>> namespaceLabels,
            CollectorBinaryValidator binaryValidator, CollectorSettings settings, EventRecorder events) {
        this.services = services;
        this.namespaceLabels = namespaceLabels;
        this.binaryValidator = binaryValidator;
        this.settings = settings;
        this.events = events;
    }

    @Override
    public PartOutcome plan(FleetContext ctx) {
        TelemetryCollector fleet = ctx.fleet();
        List<TelemetryCollector> fleets = ctx.josdk().getPrimaryCache().list().toList();
        List<ScrapeTarget> targets = new ArrayList<>();
        List<InstrumentedService> collected = new ArrayList<>();
        for (InstrumentedService s : services.get()) {
            Optional<TelemetryCollector> chosen = FleetSelection.chooseFleet(s, fleets, namespaceLabels,
                    fleet.getSpec().modeOrDefault());
            if (chosen.isPresent() && ResourceID.fromResource(chosen.get()).equals(ResourceID.fromResource(fleet))) {
                if (fleet.getSpec().agent()) {
                    collected.add(s);
                } else {
                    FleetPlanner.target(s).ifPresent(t -> {
                        targets.add(t);
                        collected.add(s);
                    });
                }
            }
        }
        FleetPlanner.Outcome outcome = FleetPlanner.plan(fleet, collected.size(), settings,
                ctx.decision(NodeGroupsPart.Planned.class).map(NodeGroupsPart.Planned::groups).orElse(List.of()));
        if (outcome.valid() && binaryValidator.enabled()) {
            List<String> problems = binaryValidator.validate(outcome.plan());
            if (!problems.isEmpty()) {
                outcome = new FleetPlanner.Outcome(null, problems);
            }
        }
        ctx.decided(Planned.class, new Planned(targets, collected, fleets, outcome));
        if (outcome.valid()) {
            return PartOutcome.NONE;
        }
        String message = "collector configuration rejected, running collectors left unchanged: "
                + String.join("; ", outcome.problems());
        ctx.conditions().set(Reasons.CONFIG_VALID, false, Reasons.INVALID_CONFIG, message);
        return PartOutcome.notReady(NotReady.of(NotReady.Rank.REJECTED, Reasons.INVALID_CONFIG, message));
    }

    /** Rejected: the deployed config and its services are what status keeps reporting; one Warning event. */
    @Override
    public void hold(FleetContext ctx) {
        var old = ctx.old();
        ctx.next().services = old == null ? null : old.services;
        ctx.next().configHash = old == null ? null : old.configHash;
        var was = old == null ? null : Conditions.find(old.conditions, Reasons.CONFIG_VALID);
        if (was == null || !Reasons.INVALID_CONFIG.equals(was.getReason())) {
            var c = Conditions.find(ctx.conditions().build(), Reasons.CONFIG_VALID);
            events.warning(ctx.fleet(), Reasons.INVALID_CONFIG, c.getMessage());
        }
    }

    @Override
    public PartOutcome deliver(FleetContext ctx) {
        FleetPlan plan = ctx.requireDecision(Planned.class).outcome().plan();
        ctx.next().services = plan.services();
        ctx.next().configHash = plan.configHash();
        ctx.conditions().set(Reasons.CONFIG_VALID, true, Reasons.CONFIG_ACCEPTED, "collector configuration is valid");
        return PartOutcome.NONE;
    }
}
