package dev.vigil.collector;

import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.LogParserRule;
import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.api.v1alpha1.TelemetryCollectorStatus;
import dev.vigil.config.Settings;
import dev.vigil.dashboard.DashboardPart;
import dev.vigil.dashboard.FleetDashboardConfigMap;
import dev.vigil.kube.CrdPresence;
import dev.vigil.kube.Unindexed;
import dev.vigil.kube.FieldManagers;
import dev.vigil.kube.PrunedItemStore;
import dev.vigil.logs.AgentRules;
import dev.vigil.logs.ParseFailures;
import dev.vigil.logs.RuleBook;
import dev.vigil.naming.Labels;
import dev.vigil.nodegroups.NodeGroups;
import dev.vigil.reconcile.NotReady;
import dev.vigil.reconcile.Part;
import dev.vigil.reconcile.PartOutcome;
import dev.vigil.reconcile.Parts;
import dev.vigil.reconcile.StatusPatch;
import dev.vigil.selection.FleetSelection;
import dev.vigil.selection.LabelSelectors;
import dev.vigil.sharding.FleetTargets;
import dev.vigil.sharding.ShardPlans;
import dev.vigil.status.Conditions;
import dev.vigil.status.ErrorSummary;
import dev.vigil.status.EventRecorder;
import dev.vigil.status.Reasons;
import dev.vigil.telemetry.OperatorGauges;
import dev.vigil.telemetry.ReconcileTelemetry;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.javaoperatorsdk.operator.api.config.informer.FieldSelector;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reconciles a TelemetryCollector fleet by running its parts in order (see {@link dev.vigil.reconcile.Part}): the
 * collector configuration, shard planning (shard fleets), the agents' log operators (agent fleets), the dashboard. The owned objects are JOSDK dependents, invoked explicitly
 * so that an invalid configuration leaves every running object untouched.
 */
@ControllerConfiguration(name = TelemetryCollectorReconciler.NAME, fieldManager = FieldManagers.OPERATOR)
@Workflow(explicitInvocation = true, dependents = {
        @Dependent(type = CollectorServiceAccount.class, name = "serviceaccount"),
        @Dependent(type = CollectorRole.class, name = "role"),
        @Dependent(type = CollectorRoleBinding.class, name = "rolebinding"),
        @Dependent(type = CollectorConfigMap.class, name = "configmap"),
        @Dependent(type = CollectorHeadlessService.class, name = "headless-service",
                reconcilePrecondition = FleetModes.Shards.class),
        @Dependent(type = CollectorOtlpService.class, name = "otlp-service", reconcilePrecondition = FleetModes.Shards.class),
        @Dependent(type = CollectorStatefulSet.class, name = "statefulset", dependsOn = "configmap",
                reconcilePrecondition = FleetModes.Shards.class),
        @Dependent(type = CollectorPodDisruptionBudget.class, name = "pdb", reconcilePrecondition = FleetModes.Shards.class),
        @Dependent(type = CollectorHandoffsConfigMap.class, name = "handoffs", reconcilePrecondition = FleetModes.Shards.class),
        @Dependent(type = CollectorDaemonSet.class, name = "daemonset", dependsOn = "configmap",
                reconcilePrecondition = FleetModes.Agent.class),
        @Dependent(type = FleetDashboardConfigMap.class, name = "dashboard",
                reconcilePrecondition = FleetDashboardConfigMap.Wanted.class),
        @Dependent(type = FleetSloRollupConfigMap.class, name = "slo-rollup",
                reconcilePrecondition = FleetSloRollupConfigMap.Wanted.class)
})
public class TelemetryCollectorReconciler implements Reconciler<TelemetryCollector> {
    public static final String NAME = "telemetrycollector";

    @Inject
    EventRecorder events;
    @Inject
    ReconcileTelemetry tracing;
    @Inject
    OperatorGauges gauges;
    @Inject
    CollectorBinaryValidator binaryValidator;
    @Inject
    ShardPlans shardPlans;
    @Inject
    CrdPresence crds;
    @Inject
    Settings settings;
    @Inject
    AgentRules agentRules;
    @Inject
    ParseFailures parseFailures;
    @Inject
    RuleBook ruleBook;

    Clock clock = Clock.systemUTC();
    private InformerEventSource<InstrumentedService, TelemetryCollector> services;
    private InformerEventSource<Namespace, TelemetryCollector> namespaces;
    private InformerEventSource<Pod, TelemetryCollector> pods;
    private InformerEventSource<LogParserRule, TelemetryCollector> parserRules;
    private InformerEventSource<Node, TelemetryCollector> nodes;
    @ConfigProperty(name = "quarkus.operator-sdk.enable-ssa", defaultValue = "true")
    boolean serverSideApply;
    private List<Part<FleetContext>> parts;
    private StatusFigures figures;
    private ReconcilePace pace;

    @PostConstruct
    void parts() {
        figures = new StatusFigures(clock);
        pace = new ReconcilePace(settings.collector().minReconcileInterval(), clock);
        parts = List.of(
                new NodeGroupsPart(() -> nodes.list().toList(), serverSideApply),
                new ConfigPart(() -> services.list().toList(), this::namespaceLabels, binaryValidator, settings.collector(),
                        events),
                new SloRollupPart(),
                new ShardsPart(shardPlans, gauges, events, ns -> pods.list(ns).toList(), clock),
                new AgentsPart(agentRules, () -> parserRules.list().toList(), ruleBook, parseFailures),
                DashboardPart.forFleets(crds, settings.dashboards()));
    }

    @Override
    public List<EventSource<?, TelemetryCollector>> prepareEventSources(EventSourceContext<TelemetryCollector> context) {
        // A service's change may change which services a fleet collects and how: map it to every fleet that selects
        // services of its namespace (its labels may have just moved it from one such fleet to another; a namespace's
        // labels changing is an event of its own, for every fleet). Only what fleets read of services is cached
        // (FleetServices), and only a change of that is an event.
        services = new InformerEventSource<>(InformerEventSourceConfiguration
                .from(InstrumentedService.class, TelemetryCollector.class)
                .withName("fleet-services")
                .withItemStore(new PrunedItemStore<>(FleetServices::view))
                .withOnUpdateFilter(FleetServices::changed)
                .withSecondaryToPrimaryMapper(s -> fleetsCollectingFrom(context, s.getMetadata().getNamespace()))
                .withPrimaryToSecondaryMapper(Unindexed.every(() -> services))
                .build(), context);
        namespaces = new InformerEventSource<>(InformerEventSourceConfiguration
                .from(Namespace.class, TelemetryCollector.class)
                .withName("fleet-namespaces")
                .withWatchAllNamespaces()
                .withSecondaryToPrimaryMapper(n -> allFleets(context))
                .withPrimaryToSecondaryMapper(Unindexed.every(() -> namespaces))
                .build(), context);
        pods = new InformerEventSource<>(targetPods(context), context);
        // A rule change (or its workloads resolved, in status) may change what agent fleets serve.
        parserRules = new InformerEventSource<>(InformerEventSourceConfiguration
                .from(LogParserRule.class, TelemetryCollector.class)
                .withName("fleet-log-rules")
                .withSecondaryToPrimaryMapper(r -> agentFleets(context))
                .withPrimaryToSecondaryMapper(Unindexed.every(() -> parserRules))
                .build(), context);
        // Nodes come, go and change providers, labels or taints: the node groups of agent fleets with
        // spec.agent.nodeGroups. Status updates (heartbeats) are not events, and only what grouping reads is cached.
        nodes = new InformerEventSource<>(InformerEventSourceConfiguration
                .from(Node.class, TelemetryCollector.class)
                .withName("fleet-nodes")
                .withWatchAllNamespaces()
                .withItemStore(new PrunedItemStore<>(NodeGroups::pruned))
                .withOnUpdateFilter(NodeGroups::groupingChanged)
                .withSecondaryToPrimaryMapper(n -> groupedFleets(context))
                .withPrimaryToSecondaryMapper(Unindexed.every(() -> nodes))
                .build(), context);
        // (Each with a primary-to-secondary mapper, so that JOSDK keeps no index of fleets × objects: see Unindexed.)
        return List.of(services, namespaces, pods, parserRules, nodes);
    }

    private static Set<ResourceID> groupedFleets(EventSourceContext<TelemetryCollector> context) {
        return context.getPrimaryCache().list().filter(NodeGroupsPart::grouped).map(ResourceID::fromResource)
                .collect(Collectors.toSet());
    }

    private static Set<ResourceID> agentFleets(EventSourceContext<TelemetryCollector> context) {
        return context.getPrimaryCache().list().filter(f -> f.getSpec().agent()).map(ResourceID::fromResource)
                .collect(Collectors.toSet());
    }

    /**
     * The pods of the fleets' targets. Pods become scrape targets (or stop being ones) as they start, get an IP, and
     * go. Only running pods can be targets, so only they are watched (unless the setting says otherwise): the
     * apiserver sends a pod once it runs (as an addition) and takes it back once it stops (as a deletion), not its
     * scheduling and start-up. Only what targets are made of is cached, and only a change of that is an event.
     */
    InformerEventSourceConfiguration<Pod> targetPods(EventSourceContext<TelemetryCollector> context) {
        var targetPods = InformerEventSourceConfiguration
                .from(Pod.class, TelemetryCollector.class)
                .withName("fleet-target-pods")
                .withItemStore(new PrunedItemStore<>(FleetTargets::pruned))
                .withOnUpdateFilter(FleetTargets::targetChanged)
                .withSecondaryToPrimaryMapper(p -> fleetsCollectingFrom(context, p.getMetadata().getNamespace()))
                .withPrimaryToSecondaryMapper(Unindexed.every(() -> pods));
        if (settings.collector().watchRunningPodsOnly()) {
            targetPods.withFieldSelector(new FieldSelector(new FieldSelector.Field("status.phase", "Running")));
        }
        return targetPods.build();
    }

    /**
     * The fleets that may collect services of {@code namespace}, and so scrape its pods: a service's or a pod's event
     * goes to these only, not to fleets of other teams' namespaces (with 10 fleets, each was woken by the other nine's
     * services and pods too).
     */
    private Set<ResourceID> fleetsCollectingFrom(EventSourceContext<TelemetryCollector> context, String namespace) {
        return context.getPrimaryCache().list().filter(f -> FleetSelection.collectsFrom(f, namespace, this::namespaceLabels))
                .map(ResourceID::fromResource).collect(Collectors.toSet());
    }

    private static Set<ResourceID> allFleets(EventSourceContext<TelemetryCollector> context) {
        return context.getPrimaryCache().list().map(ResourceID::fromResource).collect(Collectors.toSet());
    }

    @Override
    public UpdateControl<TelemetryCollector> reconcile(TelemetryCollector fleet, Context<TelemetryCollector> context)
            throws Exception {
        // Within its interval (ReconcilePace) a fleet comes back when the interval ends, for everything that came.
        Optional<Duration> paced = pace.admit(ResourceID.fromResource(fleet), fleet.getMetadata().getGeneration());
        if (paced.isPresent()) {
            tracing.deferred(fleet);
            return UpdateControl.<TelemetryCollector>noUpdate().rescheduleAfter(paced.get());
        }
        return tracing.trace(fleet, () -> doReconcile(fleet, context));
    }

    private UpdateControl<TelemetryCollector> doReconcile(TelemetryCollector fleet, Context<TelemetryCollector> context) {
        TelemetryCollectorStatus old = fleet.getStatus();
        Conditions conditions = new Conditions(old == null ? null : old.conditions, fleet.getMetadata().getGeneration(), clock);
        TelemetryCollectorStatus next = new TelemetryCollectorStatus();
        next.observedGeneration = fleet.getMetadata().getGeneration();
        next.selector = LabelSelectors.toString(Labels.collectorSelector(fleet.getMetadata().getName()));
        FleetContext ctx = new FleetContext(fleet, old, next, conditions, context);

        PartOutcome outcome = Parts.run(parts, ctx);
        if (fleet.getSpec().agent()) {
            agentsReady(fleet, old, next, conditions, context, outcome.worst(), ctx.decision(ConfigPart.Planned.class)
                    .map(p -> p.outcome().plan()).filter(Objects::nonNull));
            next.conditions = conditions.build();
            return patch(fleet, old, next, outcome);
        }
        int desired = fleet.getSpec().shardsOrDefault();
        Optional<StatefulSet> sts = context.getSecondaryResource(StatefulSet.class);
        fillShards(next, sts, desired);
        Optional<NotReady> notReady = outcome.worst();
        if (notReady.isPresent()) {
            conditions.set(Reasons.READY, false, notReady.get().reason(), notReady.get().message());
        } else {
            // While removed shards drain, the StatefulSet still has their pods: rolled out means "as many as needed now".
            int replicas = ctx.requireDecision(FleetPlan.class).replicas();
            if (sts.map(s -> rolledOut(s, replicas)).orElse(false)) {
                conditions.set(Reasons.READY, true, Reasons.ALL_SHARDS_READY, "all " + desired + " shards are ready");
            } else {
                int updated = count(sts, StatefulSetStatus::getUpdatedReplicas);
                conditions.set(Reasons.READY, false, Reasons.SHARDS_NOT_READY, "rolling out: " + next.readyReplicas
                        + " of " + desired + " shards ready, " + updated + " running the current spec and configuration");
            }
            if (old != null && old.configHash != null && !old.configHash.equals(next.configHash)) {
                events.normal(fleet, "ConfigUpdated", "collector configuration changed (" + next.services
                        + " services); rolling the shards");
            }
        }
        next.conditions = conditions.build();
        return patch(fleet, old, next, outcome);
    }

    /** The status patch, its figures paced (StatusFigures): come back for held figures, or sooner if a part asks to. */
    private UpdateControl<TelemetryCollector> patch(TelemetryCollector fleet, TelemetryCollectorStatus old,
            TelemetryCollectorStatus next, PartOutcome outcome) {
        PartOutcome paced = outcome.and(PartOutcome.recheck(figures.pace(ResourceID.fromResource(fleet), old, next)));
        return StatusPatch.of(fleet, old, next, paced.recheckAfter());
    }

    /**
     * An agent fleet is ready when every node that should run an agent runs a ready one of the current spec: the
     * sum over its DaemonSets (one, or one per node group), each seen by the DaemonSet controller at its generation.
     */
    private void agentsReady(TelemetryCollector fleet, TelemetryCollectorStatus old, TelemetryCollectorStatus next,
            Conditions conditions, Context<TelemetryCollector> context, Optional<NotReady> notReady,
            Optional<FleetPlan> plan) {
        List<DaemonSet> all = context.getSecondaryResourcesAsStream(DaemonSet.class).toList();
        Map<String, DaemonSet> byGroup = CollectorDaemonSet.byGroup(all.stream());
        boolean grouped = plan.map(FleetPlan::grouped).orElse(false);
        // The DaemonSets this plan runs (a removed group's may linger until the workflow deleted it).
        // (A rejected spec has no plan: what runs is every DaemonSet the fleet has.)
        List<DaemonSet> current = plan.isEmpty() ? all : grouped
                ? plan.get().groups().stream().map(g -> byGroup.get(g.group().name())).filter(Objects::nonNull).toList()
                : Optional.ofNullable(byGroup.get(CollectorDaemonSet.WHOLE_FLEET)).stream().toList();
        int expected = plan.isEmpty() ? all.size() : grouped ? plan.get().groups().size() : 1;
        List<DaemonSetStatus> seen = current.stream()
                .filter(d -> d.getStatus() != null && d.getStatus().getObservedGeneration() != null
                        && d.getStatus().getObservedGeneration() >= d.getMetadata().getGeneration())
                .map(DaemonSet::getStatus).toList();
        int desired = seen.stream().mapToInt(s -> nz(s.getDesiredNumberScheduled())).sum();
        int ready = seen.stream().mapToInt(s -> nz(s.getNumberReady())).sum();
        int updated = seen.stream().mapToInt(s -> nz(s.getUpdatedNumberScheduled())).sum();
        next.replicas = seen.stream().mapToInt(s -> nz(s.getCurrentNumberScheduled())).sum();
        next.readyReplicas = ready;
        next.agents = ready + "/" + desired;
        if (grouped) {
            NodeGroupsPart.status(fleet, plan.get(), byGroup, next);
        } else if (notReady.isPresent() && old != null) {
            next.groups = old.groups;
            next.nodeGroups = old.nodeGroups;
        }
        if (notReady.isPresent()) {
            conditions.set(Reasons.READY, false, notReady.get().reason(), notReady.get().message());
            return;
        }
        if (grouped && expected == 0) {
            conditions.set(Reasons.READY, false, Reasons.NO_NODES, "no node matches spec.nodeSelector: no node "
                    + "group, no agent runs");
        } else if (seen.size() < expected) {
            conditions.set(Reasons.READY, false, Reasons.AGENTS_NOT_READY, "waiting for the DaemonSet controller");
        } else if (desired == 0) {
            conditions.set(Reasons.READY, false, Reasons.NO_NODES, "no node matches spec.nodeSelector and "
                    + "spec.tolerations: no agent runs");
        } else if (ready == desired && updated == desired) {
            conditions.set(Reasons.READY, true, Reasons.ALL_AGENTS_READY, "all " + desired + " node agents are ready"
                    + (grouped ? " (" + next.groups + ")" : ""));
        } else {
            conditions.set(Reasons.READY, false, Reasons.AGENTS_NOT_READY, "rolling out: " + ready + " of " + desired
                    + " node agents ready, " + updated + " running the current spec and configuration");
        }
        if (old != null && old.configHash != null && !old.configHash.equals(next.configHash)) {
            events.normal(fleet, "ConfigUpdated", "collector configuration changed; rolling the node agents");
        }
    }

    private static int nz(Integer i) {
        return i == null ? 0 : i;
    }

    private static void fillShards(TelemetryCollectorStatus next, Optional<StatefulSet> sts, int desired) {
        next.readyReplicas = count(sts, StatefulSetStatus::getReadyReplicas);
        next.replicas = count(sts, StatefulSetStatus::getReplicas);
        next.shards = next.readyReplicas + "/" + desired;
    }

    /** A replica count from the StatefulSet's status; 0 while there is no StatefulSet or no status yet. */
    private static int count(Optional<StatefulSet> sts, Function<StatefulSetStatus, Integer> field) {
        return sts.map(StatefulSet::getStatus).map(field).orElse(0);
    }

    /** The StatefulSet controller has seen the latest spec, and every desired pod is updated and ready. */
    static boolean rolledOut(StatefulSet sts, int desired) {
        var st = sts.getStatus();
        if (st == null) {
            return false;
        }
        Long generation = sts.getMetadata().getGeneration();
        if (generation != null && (st.getObservedGeneration() == null || st.getObservedGeneration() < generation)) {
            return false;
        }
        Optional<StatefulSet> s = Optional.of(sts);
        return count(s, StatefulSetStatus::getReadyReplicas) == desired
                && count(s, StatefulSetStatus::getUpdatedReplicas) == desired
                && count(s, StatefulSetStatus::getReplicas) == desired;
    }

    private Map<String, String> namespaceLabels(String namespace) {
        return namespaces.get(new ResourceID(namespace)).map(n -> n.getMetadata().getLabels()).orElse(Map.of());
    }

    @Override
    public ErrorStatusUpdateControl<TelemetryCollector> updateErrorStatus(TelemetryCollector fleet,
            Context<TelemetryCollector> context, Exception e) {
        TelemetryCollectorStatus old = fleet.getStatus();
        TelemetryCollectorStatus next = old == null ? new TelemetryCollectorStatus() : old.deepCopy();
        next.conditions = new Conditions(old == null ? null : old.conditions, fleet.getMetadata().getGeneration(), clock)
                .set(Reasons.READY, false, Reasons.RECONCILE_ERROR, ErrorSummary.of(e))
                .keep(old == null ? null : old.conditions, Reasons.CONFIG_VALID)
                .keep(old == null ? null : old.conditions, Reasons.SHARDS_WITHIN_CAP)
                .build();
        next.observedGeneration = old == null ? null : old.observedGeneration;
        if (next.equals(old)) {
            return ErrorStatusUpdateControl.defaultErrorProcessing();
        }
        fleet.setStatus(next);
        return ErrorStatusUpdateControl.patchStatus(fleet);
    }
}
