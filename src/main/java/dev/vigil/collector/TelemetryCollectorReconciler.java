package dev.vigil.collector;

import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.ShardingSpec;
import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.api.v1alpha1.TelemetryCollectorStatus;
import dev.vigil.dashboard.DashboardDelivery;
import dev.vigil.dashboard.DashboardSettings;
import dev.vigil.dashboard.FleetDashboardConfigMap;
import dev.vigil.dashboard.GrafanaOperatorDashboard;
import dev.vigil.dashboard.ServiceDashboardConfigMap;
import dev.vigil.naming.Labels;
import dev.vigil.naming.Names;
import dev.vigil.operator.CrdPresence;
import dev.vigil.selection.FleetSelection;
import dev.vigil.selection.LabelSelectors;
import dev.vigil.sharding.Durations;
import dev.vigil.sharding.FleetTargets;
import dev.vigil.sharding.ScrapeEndpoint;
import dev.vigil.sharding.ShardPlan;
import dev.vigil.sharding.ShardPlans;
import dev.vigil.status.Conditions;
import dev.vigil.status.ErrorSummary;
import dev.vigil.status.EventRecorder;
import dev.vigil.status.Reasons;
import dev.vigil.telemetry.ReconcileTelemetry;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
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
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reconciles a TelemetryCollector fleet. The owned objects are JOSDK dependents, invoked explicitly so that an
 * invalid configuration leaves every running object untouched.
 */
@ControllerConfiguration(name = TelemetryCollectorReconciler.NAME, fieldManager = TelemetryCollectorReconciler.FIELD_MANAGER)
@Workflow(explicitInvocation = true, dependents = {
        @Dependent(type = CollectorServiceAccount.class, name = "serviceaccount"),
        @Dependent(type = CollectorRole.class, name = "role"),
        @Dependent(type = CollectorRoleBinding.class, name = "rolebinding"),
        @Dependent(type = CollectorConfigMap.class, name = "configmap"),
        @Dependent(type = CollectorHeadlessService.class, name = "headless-service"),
        @Dependent(type = CollectorOtlpService.class, name = "otlp-service"),
        @Dependent(type = CollectorStatefulSet.class, name = "statefulset", dependsOn = "configmap"),
        @Dependent(type = CollectorPodDisruptionBudget.class, name = "pdb"),
        @Dependent(type = FleetDashboardConfigMap.class, name = "dashboard",
                reconcilePrecondition = FleetDashboardConfigMap.Wanted.class)
})
public class TelemetryCollectorReconciler implements Reconciler<TelemetryCollector> {
    public static final String NAME = "telemetrycollector";
    public static final String FIELD_MANAGER = "vigil-operator";
    /** Until a collector scrapes by a new target list: the SD refresh (5 s) plus the scrape manager's reload (5 s). */
    static final java.time.Duration SD_PROPAGATION = Durations.parse(CollectorConfig.SD_REFRESH).plusSeconds(5);

    @Inject
    EventRecorder events;
    @Inject
    ReconcileTelemetry tracing;
    @Inject
    dev.vigil.telemetry.OperatorGauges gauges;
    @Inject
    CollectorBinaryValidator binaryValidator;
    @Inject
    ShardPlans shardPlans;
    @Inject
    CrdPresence crds;

    Clock clock = Clock.systemUTC();
    private InformerEventSource<InstrumentedService, TelemetryCollector> services;
    private InformerEventSource<Namespace, TelemetryCollector> namespaces;
    private InformerEventSource<Pod, TelemetryCollector> pods;

    @Override
    public List<EventSource<?, TelemetryCollector>> prepareEventSources(EventSourceContext<TelemetryCollector> context) {
        // Any service or namespace change may change which services a fleet collects: map it to every fleet.
        services = new InformerEventSource<>(InformerEventSourceConfiguration
                .from(InstrumentedService.class, TelemetryCollector.class)
                .withName("fleet-services")
                .withSecondaryToPrimaryMapper(s -> allFleets(context))
                .build(), context);
        namespaces = new InformerEventSource<>(InformerEventSourceConfiguration
                .from(Namespace.class, TelemetryCollector.class)
                .withName("fleet-namespaces")
                .withWatchAllNamespaces()
                .withSecondaryToPrimaryMapper(n -> allFleets(context))
                .build(), context);
        // Pods become scrape targets (or stop being ones) as they start, get an IP, and go.
        pods = new InformerEventSource<>(InformerEventSourceConfiguration
                .from(Pod.class, TelemetryCollector.class)
                .withName("fleet-target-pods")
                .withSecondaryToPrimaryMapper(p -> allFleets(context))
                .build(), context);
        return List.of(services, namespaces, pods);
    }

    private static Set<ResourceID> allFleets(EventSourceContext<TelemetryCollector> context) {
        return context.getPrimaryCache().list().map(ResourceID::fromResource).collect(Collectors.toSet());
    }

    @Override
    public UpdateControl<TelemetryCollector> reconcile(TelemetryCollector fleet, Context<TelemetryCollector> context)
            throws Exception {
        return tracing.trace(fleet, () -> doReconcile(fleet, context));
    }

    private UpdateControl<TelemetryCollector> doReconcile(TelemetryCollector fleet, Context<TelemetryCollector> context) {
        List<TelemetryCollector> fleets = context.getPrimaryCache().list().toList();
        Function<String, Map<String, String>> nsLabels = this::namespaceLabels;
        List<ScrapeTarget> targets = new ArrayList<>();
        for (InstrumentedService s : services.list().toList()) {
            Optional<TelemetryCollector> chosen = FleetSelection.chooseFleet(s, fleets, nsLabels);
            if (chosen.isPresent() && ResourceID.fromResource(chosen.get()).equals(ResourceID.fromResource(fleet))) {
                FleetPlanner.target(s).ifPresent(targets::add);
            }
        }

        FleetPlanner.Outcome outcome = FleetPlanner.plan(fleet, targets);
        if (outcome.valid() && binaryValidator.enabled()) {
            List<String> problems = binaryValidator.validate(outcome.plan());
            if (!problems.isEmpty()) {
                outcome = new FleetPlanner.Outcome(null, problems);
            }
        }
        TelemetryCollectorStatus old = fleet.getStatus();
        Conditions conditions = new Conditions(old == null ? null : old.conditions, fleet.getMetadata().getGeneration(), clock);
        TelemetryCollectorStatus next = new TelemetryCollectorStatus();
        next.observedGeneration = fleet.getMetadata().getGeneration();
        next.selector = LabelSelectors.toString(Labels.collectorSelector(fleet.getMetadata().getName()));
        int desired = fleet.getSpec().shardsOrDefault();

        if (!outcome.valid()) {
            String message = "collector configuration rejected, running collectors left unchanged: "
                    + String.join("; ", outcome.problems());
            conditions.set(Reasons.CONFIG_VALID, false, Reasons.INVALID_CONFIG, message);
            conditions.set(Reasons.READY, false, Reasons.INVALID_CONFIG, message);
            // Keep reporting the deployed state, which an invalid spec does not change.
            conditions.keep(old == null ? null : old.conditions, Reasons.DASHBOARD_DELIVERED);
            Optional<StatefulSet> sts = context.getSecondaryResource(StatefulSet.class);
            fillShards(next, sts, desired);
            next.services = old == null ? null : old.services;
            next.configHash = old == null ? null : old.configHash;
            next.conditions = conditions.build();
            // One Warning event when the config turns invalid, not one per resync.
            if (old == null || !Reasons.INVALID_CONFIG.equals(reasonOf(old, Reasons.CONFIG_VALID))) {
                events.warning(fleet, Reasons.INVALID_CONFIG, message);
            }
            return patchIfChanged(fleet, old, next);
        }

        // Which shard scrapes which pod: the plan the service-discovery endpoint serves, hand-offs included.
        shardPlans.retain(fleets.stream().map(ResourceID::fromResource).collect(Collectors.toSet()));
        gauges.retainFleets(fleets.stream().map(f -> f.getMetadata().getNamespace() + "/" + f.getMetadata().getName())
                .collect(Collectors.toSet()));
        Instant now = clock.instant();
        List<ScrapeEndpoint> endpoints = FleetTargets.of(targets, ns -> pods.list(ns).toList(),
                fleet.getSpec().scrapeIntervalOrDefault());
        ShardPlan shardPlan = shardPlans.update(ResourceID.fromResource(fleet), endpoints, desired, strategy(fleet), now,
                overlap(fleet, endpoints));
        FleetPlan plan = outcome.plan().withReplicas(shardPlan.replicasNeeded());
        context.managedWorkflowAndDependentResourceContext().put(FleetPlan.KEY, plan);
        DashboardSettings dashboardSettings = DashboardSettings.current();
        DashboardDelivery dashboards = DashboardDelivery.decide(dashboardSettings, crds);
        dashboards.putInto(context);
        context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();
        dashboards.deliver(context.getClient(), crds, fleet, Names.fleetDashboard(fleet.getMetadata().getName()),
                ServiceDashboardConfigMap.enabled(fleet.getSpec().dashboard),
                () -> GrafanaOperatorDashboard.forFleet(fleet, dashboardSettings), FIELD_MANAGER, dashboardSettings,
                conditions);

        Optional<StatefulSet> sts = context.getSecondaryResource(StatefulSet.class);
        fillShards(next, sts, desired);
        next.services = outcome.plan().services();
        next.configHash = outcome.plan().configHash();
        fillTargets(next, shardPlan);
        gauges.shardTargets(fleet.getMetadata().getNamespace(), fleet.getMetadata().getName(), shardPlan.counts());
        conditions.set(Reasons.CONFIG_VALID, true, Reasons.CONFIG_ACCEPTED, "collector configuration is valid");
        capCondition(fleet, old, conditions, next.shardTargets);
        // While removed shards drain, the StatefulSet still has their pods: rolled out means "as many as needed now".
        boolean rolledOut = sts.map(s -> rolledOut(s, plan.replicas())).orElse(false);
        if (rolledOut) {
            conditions.set(Reasons.READY, true, Reasons.ALL_SHARDS_READY, "all " + desired + " shards are ready");
        } else {
            int updated = count(sts, StatefulSetStatus::getUpdatedReplicas);
            conditions.set(Reasons.READY, false, Reasons.SHARDS_NOT_READY, "rolling out: " + next.readyReplicas + " of "
                    + desired + " shards ready, " + updated + " running the current spec and configuration");
        }
        next.conditions = conditions.build();
        if (old != null && old.configHash != null && !old.configHash.equals(next.configHash)) {
            events.normal(fleet, "ConfigUpdated", "collector configuration changed (" + next.services
                    + " services); rolling the shards");
        }
        UpdateControl<TelemetryCollector> control = patchIfChanged(fleet, old, next);
        // Come back when the next hand-off ends, to shrink the StatefulSet and stop serving the drained targets.
        return shardPlan.nextExpiry()
                .map(t -> control.rescheduleAfter(Math.max(1000, java.time.Duration.between(now, t).toMillis() + 100)))
                .orElse(control);
    }

    /**
     * Overlap of a hand-off: the time a collector takes to act on a new target list ({@link #SD_PROPAGATION}: the
     * service-discovery refresh plus the Prometheus scrape manager's 5 s reload tick), plus handoffIntervals (default
     * 2) times the longest scrape interval of the fleet's targets.
     */
    static java.time.Duration overlap(TelemetryCollector fleet, List<ScrapeEndpoint> endpoints) {
        int intervals = fleet.getSpec().sharding == null || fleet.getSpec().sharding.handoffIntervals == null ? 2
                : fleet.getSpec().sharding.handoffIntervals;
        java.time.Duration longest = Durations.parse(fleet.getSpec().scrapeIntervalOrDefault());
        for (ScrapeEndpoint e : endpoints) {
            java.time.Duration d = Durations.parse(e.labels().get("__scrape_interval__"));
            if (d.compareTo(longest) > 0) {
                longest = d;
            }
        }
        return SD_PROPAGATION.plus(longest.multipliedBy(intervals));
    }

    static ShardPlan.Strategy strategy(TelemetryCollector fleet) {
        return fleet.getSpec().strategyOrDefault() == ShardingSpec.Strategy.hashmod
                ? ShardPlan.Strategy.HASHMOD : ShardPlan.Strategy.CONSISTENT;
    }

    private static void fillTargets(TelemetryCollectorStatus next, ShardPlan plan) {
        int[] counts = plan.counts();
        next.shardTargets = java.util.Arrays.stream(counts).boxed().toList();
        int total = java.util.Arrays.stream(counts).sum();
        int busiest = java.util.Arrays.stream(counts).max().orElse(0);
        next.imbalance = total == 0 ? null : java.math.BigDecimal.valueOf(busiest).multiply(java.math.BigDecimal.valueOf(counts.length))
                .divide(java.math.BigDecimal.valueOf(total), 2, java.math.RoundingMode.HALF_UP).toPlainString();
        next.handoffs = plan.draining().size();
    }

    /** With spec.sharding.maxTargetsPerShard: a Warning condition (and event) when a shard holds more. */
    private void capCondition(TelemetryCollector fleet, TelemetryCollectorStatus old, Conditions conditions, List<Integer> counts) {
        Integer cap = fleet.getSpec().sharding == null ? null : fleet.getSpec().sharding.maxTargetsPerShard;
        if (cap == null) {
            return;
        }
        int busiest = counts.stream().mapToInt(Integer::intValue).max().orElse(0);
        if (busiest > cap) {
            String message = "shard " + counts.indexOf(busiest) + " scrapes " + busiest + " targets, over the cap of "
                    + cap + " (spec.sharding.maxTargetsPerShard); add shards";
            conditions.set(Reasons.SHARDS_WITHIN_CAP, false, Reasons.SHARD_OVER_CAP, message);
            if (old == null || !Reasons.SHARD_OVER_CAP.equals(reasonOf(old, Reasons.SHARDS_WITHIN_CAP))) {
                events.warning(fleet, Reasons.SHARD_OVER_CAP, message);
            }
        } else {
            conditions.set(Reasons.SHARDS_WITHIN_CAP, true, Reasons.WITHIN_CAP, "the busiest shard scrapes " + busiest
                    + " of at most " + cap + " targets");
        }
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

    private UpdateControl<TelemetryCollector> patchIfChanged(TelemetryCollector fleet, TelemetryCollectorStatus old,
            TelemetryCollectorStatus next) {
        if (next.equals(old)) {
            return UpdateControl.noUpdate();
        }
        fleet.setStatus(next);
        return UpdateControl.patchStatus(fleet);
    }

    private Map<String, String> namespaceLabels(String namespace) {
        return namespaces.get(new ResourceID(namespace)).map(n -> n.getMetadata().getLabels()).orElse(Map.of());
    }

    @Override
    public ErrorStatusUpdateControl<TelemetryCollector> updateErrorStatus(TelemetryCollector fleet,
            Context<TelemetryCollector> context, Exception e) {
        TelemetryCollectorStatus old = fleet.getStatus();
        TelemetryCollectorStatus next = old == null ? new TelemetryCollectorStatus() : copy(old);
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

    private static TelemetryCollectorStatus copy(TelemetryCollectorStatus s) {
        TelemetryCollectorStatus c = new TelemetryCollectorStatus();
        c.observedGeneration = s.observedGeneration;
        c.conditions = s.conditions == null ? null : new ArrayList<>(s.conditions);
        c.shards = s.shards;
        c.replicas = s.replicas;
        c.readyReplicas = s.readyReplicas;
        c.selector = s.selector;
        c.services = s.services;
        c.configHash = s.configHash;
        c.shardTargets = s.shardTargets;
        c.imbalance = s.imbalance;
        c.handoffs = s.handoffs;
        return c;
    }

    private static String reasonOf(TelemetryCollectorStatus status, String type) {
        var c = Conditions.find(status.conditions, type);
        return c == null ? null : c.getReason();
    }
}
