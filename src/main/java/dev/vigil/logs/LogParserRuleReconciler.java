package dev.vigil.logs;

import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.LogParserRule;
import dev.vigil.api.v1alpha1.LogParserRuleSpec;
import dev.vigil.api.v1alpha1.LogParserRuleStatus;
import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.kube.FieldManagers;
import dev.vigil.kube.PrunedItemStore;
import dev.vigil.kube.Unindexed;
import dev.vigil.reconcile.StatusPatch;
import dev.vigil.status.Conditions;
import dev.vigil.status.ErrorSummary;
import dev.vigil.status.EventRecorder;
import dev.vigil.status.Reasons;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A LogParserRule's verdict and where it runs. The rule is judged ({@link RuleBook}: checks, samples, the real
 * collector's validate); its workloads are resolved (the referenced service's, or the Deployments and StatefulSets of
 * its namespace whose pod template the selector matches) and recorded in status, where the agent fleets read them;
 * the fleets serve it ({@link AgentRules}), and status says which fleets serve which generation. The rule's spec is
 * never written; nothing is owned.
 */
@ControllerConfiguration(name = LogParserRuleReconciler.NAME, fieldManager = FieldManagers.OPERATOR)
public class LogParserRuleReconciler implements Reconciler<LogParserRule> {
    public static final String NAME = "logparserrule";
    /** While a fleet has yet to serve the current generation: the fleets publish within a reconcile of theirs. */
    static final Duration ROLLING_RECHECK = Duration.ofSeconds(2);
    /** Otherwise: a fleet coming, going or dropping the rule shows in status within this. */
    static final Duration RECHECK = Duration.ofSeconds(30);
    /**
     * After a start (or a leader change), how long a rule's status waits for the agent fleets to publish what they
     * serve before it reports them: without this, a restart would write every rule's status twice (no fleet, then
     * the fleet again).
     */
    static final Duration WARM_UP = Duration.ofSeconds(60);

    @Inject
    RuleBook book;
    @Inject
    AgentRules agentRules;
    @Inject
    EventRecorder events;
    @Inject
    ParseFailures failures;

    Clock clock = Clock.systemUTC();
    /** The first reconcile of this process (the controllers start reconciling once this replica leads). */
    private volatile Instant started;
    private InformerEventSource<TelemetryCollector, LogParserRule> fleets;
    private InformerEventSource<InstrumentedService, LogParserRule> services;
    private InformerEventSource<Deployment, LogParserRule> deployments;
    private InformerEventSource<StatefulSet, LogParserRule> statefulSets;

    @Override
    public List<EventSource<?, LogParserRule>> prepareEventSources(EventSourceContext<LogParserRule> context) {
        // Services and workloads are cached as what the rules read (RuleViews): a service's workloadRef, a
        // workload's pod template labels.
        services = new InformerEventSource<>(InformerEventSourceConfiguration
                .from(InstrumentedService.class, LogParserRule.class).withName("rule-services")
                .withItemStore(new PrunedItemStore<>(RuleViews::service))
                .withSecondaryToPrimaryMapper(s -> rulesOf(context, s, r -> r.getSpec().serviceRef != null
                        && s.getMetadata().getName().equals(r.getSpec().serviceRef.name)))
                .withPrimaryToSecondaryMapper((LogParserRule r) -> r.getSpec().serviceRef == null ? Set.of()
                        : Set.of(new ResourceID(r.getSpec().serviceRef.name, r.getMetadata().getNamespace())))
                .build(), context);
        deployments = new InformerEventSource<>(InformerEventSourceConfiguration
                .from(Deployment.class, LogParserRule.class).withName("rule-deployments")
                .withItemStore(new PrunedItemStore<>(RuleViews::deployment))
                .withSecondaryToPrimaryMapper(d -> rulesOf(context, d, r -> r.getSpec().podSelector != null))
                .withPrimaryToSecondaryMapper(Unindexed.inNamespace(() -> deployments))
                .build(), context);
        statefulSets = new InformerEventSource<>(InformerEventSourceConfiguration
                .from(StatefulSet.class, LogParserRule.class).withName("rule-statefulsets")
                .withItemStore(new PrunedItemStore<>(RuleViews::statefulSet))
                .withSecondaryToPrimaryMapper(s -> rulesOf(context, s, r -> r.getSpec().podSelector != null))
                .withPrimaryToSecondaryMapper(Unindexed.inNamespace(() -> statefulSets))
                .build(), context);
        fleets = new InformerEventSource<>(InformerEventSourceConfiguration
                .from(TelemetryCollector.class, LogParserRule.class).withName("rule-fleets")
                .withSecondaryToPrimaryMapper(f -> f.getSpec().agent()
                        ? context.getPrimaryCache().list().map(ResourceID::fromResource).collect(Collectors.toSet())
                        : Set.of())
                .withPrimaryToSecondaryMapper(Unindexed.every(() -> fleets))
                .build(), context);
        return List.of(services, deployments, statefulSets, fleets);
    }

    private static Set<ResourceID> rulesOf(EventSourceContext<LogParserRule> context, HasMetadata about,
            java.util.function.Predicate<LogParserRule> concerned) {
        return context.getPrimaryCache().list(about.getMetadata().getNamespace()).filter(concerned)
                .map(ResourceID::fromResource).collect(Collectors.toSet());
    }

    @Override
    public UpdateControl<LogParserRule> reconcile(LogParserRule rule, Context<LogParserRule> context) {
        LogParserRuleStatus old = rule.getStatus();
        if (old != null && java.util.Objects.equals(old.observedGeneration, rule.getMetadata().getGeneration())
                && warmingUp()) {
            return UpdateControl.<LogParserRule>noUpdate().rescheduleAfter(ROLLING_RECHECK);
        }
        Conditions conditions = new Conditions(old == null ? null : old.conditions, rule.getMetadata().getGeneration(), clock);
        LogParserRuleStatus next = new LogParserRuleStatus();
        next.observedGeneration = rule.getMetadata().getGeneration();
        long generation = RuleBook.generation(rule);

        RuleBook.Judged judged = book.judge(rule);
        Optional<RuleBook.Good> good = book.served(rule);
        if (judged.valid()) {
            conditions.set(Reasons.VALID, true, Reasons.RULE_ACCEPTED, "the checks and all " + rule.getSpec().samples.size()
                    + " samples pass");
        } else {
            String message = String.join("; ", judged.problems());
            conditions.set(Reasons.VALID, false, judged.reason(), message.length() <= 1500 ? message
                    : message.substring(0, 1497) + "...");
            Condition was = old == null ? null : Conditions.find(old.conditions, Reasons.VALID);
            if (was == null || !"False".equals(was.getStatus()) || !judged.reason().equals(was.getReason())
                    || !java.util.Objects.equals(old.observedGeneration, next.observedGeneration)) {
                events.warning(rule, judged.reason(), "generation " + generation + " is not served: " + message
                        + good.map(g -> "; the agents keep generation " + g.generation()).orElse(""));
            }
        }
        next.servedGeneration = good.map(RuleBook.Good::generation).orElse(null);
        next.servedRule = good.map(RuleBook::servedRule).orElse(null);
        if (next.servedGeneration != null) {
            failuresOf(rule, old, next);
        }

        Optional<String> missing = Optional.empty();
        List<Workload> workloads = List.of();
        if (good.isPresent()) {
            LogParserRuleSpec spec = good.get().spec();
            String ns = rule.getMetadata().getNamespace();
            if (spec.serviceRef != null) {
                Optional<InstrumentedService> svc = services.get(new ResourceID(spec.serviceRef.name, ns));
                if (svc.isEmpty() || svc.get().getSpec().workloadRef == null) {
                    missing = Optional.of("InstrumentedService " + ns + "/" + spec.serviceRef.name + " does not exist");
                } else {
                    workloads = List.of(Workload.of(svc.get().getSpec().workloadRef));
                }
            } else {
                workloads = selected(spec, ns);
            }
        }
        next.workloads = workloads.stream().sorted().map(Workload::toString).toList();

        List<AgentRules.Serving> serving = agentRules.servedBy(ResourceID.fromResource(rule));
        next.fleets = serving.stream().map(s -> new LogParserRuleStatus.FleetGeneration(
                s.fleet().getNamespace().orElse(""), s.fleet().getName(), s.generation())).toList();
        next.fleetNames = serving.isEmpty() ? null : serving.stream()
                .map(s -> s.fleet().getNamespace().orElse("") + "/" + s.fleet().getName()).collect(Collectors.joining(","));

        Duration recheck = RECHECK;
        String kept = good.map(g -> "; the agents keep generation " + g.generation()).orElse("; nothing is served");
        if (!judged.valid()) {
            conditions.set(Reasons.READY, false, judged.reason(), "generation " + generation + " is invalid (see the "
                    + "Valid condition)" + kept);
        } else if (missing.isPresent()) {
            conditions.set(Reasons.READY, false, Reasons.SERVICE_NOT_FOUND, missing.get());
        } else if (workloads.isEmpty()) {
            conditions.set(Reasons.READY, false, Reasons.NO_WORKLOADS, "no Deployment or StatefulSet of namespace "
                    + rule.getMetadata().getNamespace() + " has pods that podSelector selects");
        } else if (serving.isEmpty()) {
            conditions.set(Reasons.READY, false, Reasons.NO_AGENT_FLEET, rule.getSpec().serviceRef != null
                    ? "no agent fleet (TelemetryCollector mode agent) collects InstrumentedService "
                            + rule.getSpec().serviceRef.name + "'s logs"
                    : "no agent fleet (TelemetryCollector mode agent) runs");
        } else if (serving.stream().anyMatch(s -> s.generation() != generation)) {
            recheck = ROLLING_RECHECK;
            conditions.set(Reasons.READY, false, Reasons.RULE_ROLLING_OUT, "generation " + generation
                    + " is not yet served by every agent fleet");
        } else {
            conditions.set(Reasons.READY, true, Reasons.RULE_SERVED, "generation " + generation + " is served to "
                    + next.fleetNames + " (" + String.join(", ", next.workloads) + ")");
        }
        if (judged.valid() && missing.isEmpty() && !workloads.isEmpty() && serving.isEmpty()) {
            recheck = ROLLING_RECHECK.multipliedBy(2);
        }
        next.conditions = conditions.build();
        return StatusPatch.of(rule, old, next, Optional.of(recheck));
    }

    /**
     * The served generation's parse failures as the agents report them ({@link ParseFailures}), going on from what the
     * status holds for the same generation (after a restart); a Warning event when a generation's first are reported.
     */
    private void failuresOf(LogParserRule rule, LogParserRuleStatus old, LogParserRuleStatus next) {
        boolean same = old != null && java.util.Objects.equals(old.servedGeneration, next.servedGeneration);
        long seed = same && old.parseFailures != null ? old.parseFailures : 0;
        Instant seedLast = same ? ParseFailures.time(old.lastParseFailureTime) : null;
        ParseFailures.Tally tally = failures.tally(ResourceID.fromResource(rule), next.servedGeneration, seed, seedLast);
        if (tally.records() == 0) {
            return;
        }
        next.parseFailures = tally.records();
        next.lastParseFailureTime = tally.lastTime();
        if (seed == 0) {
            events.warning(rule, Reasons.PARSE_FAILURES, "the agents report " + tally.records() + " record(s) that "
                    + "generation " + next.servedGeneration + " could not parse (they went on unparsed)");
        }
    }

    /** Shortly after a start, while some agent fleet has not yet published what it serves on this replica. */
    private boolean warmingUp() {
        Instant now = clock.instant();
        if (started == null) {
            started = now;
        }
        return now.isBefore(started.plus(WARM_UP)) && fleets.list()
                .anyMatch(f -> f.getSpec().agent() && agentRules.get(ResourceID.fromResource(f)).isEmpty());
    }

    /** The Deployments and StatefulSets of {@code namespace} whose pod template the rule's podSelector matches. */
    private List<Workload> selected(LogParserRuleSpec spec, String namespace) {
        return Workload.selected(spec.podSelector, deployments.list(namespace), statefulSets.list(namespace));
    }

    @Override
    public ErrorStatusUpdateControl<LogParserRule> updateErrorStatus(LogParserRule rule, Context<LogParserRule> context,
            Exception e) {
        LogParserRuleStatus old = rule.getStatus();
        LogParserRuleStatus next = old == null ? new LogParserRuleStatus() : old.deepCopy();
        next.conditions = new Conditions(old == null ? null : old.conditions, rule.getMetadata().getGeneration(), clock)
                .set(Reasons.READY, false, Reasons.RECONCILE_ERROR, ErrorSummary.of(e))
                .keep(old == null ? null : old.conditions, Reasons.VALID)
                .build();
        if (next.equals(old)) {
            return ErrorStatusUpdateControl.noStatusUpdate();
        }
        rule.setStatus(next);
        return ErrorStatusUpdateControl.patchStatus(rule);
    }
}
