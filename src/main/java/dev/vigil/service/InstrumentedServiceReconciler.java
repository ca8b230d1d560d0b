package dev.vigil.service;

import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.InstrumentedServiceStatus;
import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.api.v1alpha1.WorkloadRef;
import dev.vigil.collector.TelemetryCollectorReconciler;
import dev.vigil.selection.FleetSelection;
import dev.vigil.status.Conditions;
import dev.vigil.status.ErrorSummary;
import dev.vigil.status.EventRecorder;
import dev.vigil.status.Reasons;
import dev.vigil.telemetry.ReconcileTelemetry;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import dev.vigil.naming.Names;
import dev.vigil.operator.CrdPresence;
import dev.vigil.dashboard.DashboardDelivery;
import dev.vigil.dashboard.DashboardSettings;
import dev.vigil.dashboard.GrafanaOperatorDashboard;
import dev.vigil.dashboard.ServiceDashboardConfigMap;
import dev.vigil.pool.PoolAutoscaler;
import dev.vigil.pool.PoolEnvDelivery;
import dev.vigil.pool.PoolSizesConfigMap;
import dev.vigil.slo.RulesDelivery;
import dev.vigil.slo.SloPrometheusRule;
import dev.vigil.slo.SloRulesConfigMap;
import dev.vigil.slo.SloSettings;
import dev.vigil.slo.SloStatusBuilder;
import io.fabric8.kubernetes.api.model.Condition;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import jakarta.inject.Inject;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** Resolves a service's workload, finds the fleet that collects it, and reports both in status. */
@ControllerConfiguration(name = InstrumentedServiceReconciler.NAME, fieldManager = TelemetryCollectorReconciler.FIELD_MANAGER)
@Workflow(explicitInvocation = true, dependents = {
        @Dependent(type = CollectorDiscoveryBinding.class, name = "collector-discovery",
                reconcilePrecondition = CollectorDiscoveryBinding.CollectedFromAnotherNamespace.class),
        @Dependent(type = SloRulesConfigMap.class, name = "slo-rules-configmap",
                reconcilePrecondition = SloRulesConfigMap.Wanted.class),
        @Dependent(type = PoolSizesConfigMap.class, name = "pool-sizes-configmap",
                reconcilePrecondition = PoolSizesConfigMap.Wanted.class),
        @Dependent(type = ServiceDashboardConfigMap.class, name = "dashboard-configmap",
                reconcilePrecondition = ServiceDashboardConfigMap.Wanted.class)
})
public class InstrumentedServiceReconciler implements Reconciler<InstrumentedService> {
    public static final String NAME = "instrumentedservice";

    @Inject
    EventRecorder events;
    @Inject
    ReconcileTelemetry tracing;
    @Inject
    CrdPresence crds;
    @Inject
    SloStatusBuilder sloStatus;
    @Inject
    PoolAutoscaler pools;

    Clock clock = Clock.systemUTC();
    private InformerEventSource<Deployment, InstrumentedService> deployments;
    private InformerEventSource<StatefulSet, InstrumentedService> statefulSets;
    private InformerEventSource<TelemetryCollector, InstrumentedService> fleets;
    private InformerEventSource<Namespace, InstrumentedService> namespaces;

    @Override
    public List<EventSource<?, InstrumentedService>> prepareEventSources(EventSourceContext<InstrumentedService> context) {
        deployments = new InformerEventSource<>(InformerEventSourceConfiguration
                .from(Deployment.class, InstrumentedService.class).withName("workload-deployments")
                .withSecondaryToPrimaryMapper(d -> servicesOf(context, WorkloadRef.Kind.Deployment, d)).build(), context);
        statefulSets = new InformerEventSource<>(InformerEventSourceConfiguration
                .from(StatefulSet.class, InstrumentedService.class).withName("workload-statefulsets")
                .withSecondaryToPrimaryMapper(s -> servicesOf(context, WorkloadRef.Kind.StatefulSet, s)).build(), context);
        fleets = new InformerEventSource<>(InformerEventSourceConfiguration
                .from(TelemetryCollector.class, InstrumentedService.class).withName("service-fleets")
                .withSecondaryToPrimaryMapper(f -> all(context)).build(), context);
        namespaces = new InformerEventSource<>(InformerEventSourceConfiguration
                .from(Namespace.class, InstrumentedService.class).withName("service-namespaces").withWatchAllNamespaces()
                .withSecondaryToPrimaryMapper(n -> all(context)).build(), context);
        return List.of(deployments, statefulSets, fleets, namespaces);
    }

    private static Set<ResourceID> servicesOf(EventSourceContext<InstrumentedService> context, WorkloadRef.Kind kind,
            HasMetadata workload) {
        return context.getPrimaryCache().list(workload.getMetadata().getNamespace())
                .filter(s -> s.getSpec().workloadRef != null && s.getSpec().workloadRef.kindOrDefault() == kind
                        && workload.getMetadata().getName().equals(s.getSpec().workloadRef.name))
                .map(ResourceID::fromResource).collect(Collectors.toSet());
    }

    private static Set<ResourceID> all(EventSourceContext<InstrumentedService> context) {
        return context.getPrimaryCache().list().map(ResourceID::fromResource).collect(Collectors.toSet());
    }

    @Override
    public UpdateControl<InstrumentedService> reconcile(InstrumentedService service, Context<InstrumentedService> context)
            throws Exception {
        return tracing.trace(service, () -> doReconcile(service, context));
    }

    private UpdateControl<InstrumentedService> doReconcile(InstrumentedService service, Context<InstrumentedService> context) {
        InstrumentedServiceStatus old = service.getStatus();
        InstrumentedServiceStatus next = new InstrumentedServiceStatus();
        next.observedGeneration = service.getMetadata().getGeneration();
        Conditions conditions = new Conditions(old == null ? null : old.conditions, service.getMetadata().getGeneration(), clock);
        String namespace = service.getMetadata().getNamespace();

        WorkloadRef ref = service.getSpec().workloadRef;
        ResourceID workloadId = new ResourceID(ref.name, namespace);
        Optional<? extends HasMetadata> workload = ref.kindOrDefault() == WorkloadRef.Kind.Deployment
                ? deployments.get(workloadId) : statefulSets.get(workloadId);
        String workloadText = ref.kindOrDefault() + " " + namespace + "/" + ref.name;
        if (workload.isPresent()) {
            next.workload = workloadStatus(ref.kindOrDefault(), workload.get());
            conditions.set(Reasons.WORKLOAD_FOUND, true, Reasons.WORKLOAD_PRESENT, workloadText + " found");
        } else {
            conditions.set(Reasons.WORKLOAD_FOUND, false, Reasons.WORKLOAD_MISSING, workloadText + " does not exist");
        }

        List<TelemetryCollector> all = fleets.list().toList();
        Optional<TelemetryCollector> fleet = FleetSelection.chooseFleet(service, all, this::namespaceLabels);
        if (fleet.isPresent()) {
            TelemetryCollector f = fleet.get();
            next.collector = new InstrumentedServiceStatus.CollectorRef(f.getMetadata().getNamespace(), f.getMetadata().getName());
            long others = FleetSelection.countSelecting(service, all, this::namespaceLabels) - 1;
            conditions.set(Reasons.COLLECTED, true, Reasons.COLLECTOR_SELECTED, "collected by TelemetryCollector "
                    + f.getMetadata().getNamespace() + "/" + f.getMetadata().getName()
                    + (others > 0 ? " (the oldest of " + (others + 1) + " fleets that select it)" : ""));
        } else {
            conditions.set(Reasons.COLLECTED, false, Reasons.NO_MATCHING_COLLECTOR,
                    "no TelemetryCollector's serviceSelector selects this service");
        }

        // SLOs: check the rules, measure budgets when due; a rejected SLO stops every write below.
        SloSettings settings = SloSettings.current();
        SloStatusBuilder.Outcome slo = sloStatus.update(service, fleet, old, next, conditions, settings);

        // Pools: evaluate the due ones, enforce bounds and budget on the others; held while the workload is missing
        // or the spec is rejected.
        PoolAutoscaler.Outcome poolOutcome;
        if (slo.problems().isEmpty() && workload.isPresent()) {
            String gate = sloGate(service, next);
            poolOutcome = pools.update(service, old == null ? null : old.pools, new PoolAutoscaler.Inputs(fleet,
                    liveReplicas(workload.get()), context.getPrimaryCache().list(namespace).toList(), gate == null, gate));
        } else {
            poolOutcome = PoolAutoscaler.held(service, old == null ? null : old.pools);
        }
        next.pools = poolOutcome.statuses().isEmpty() ? null : poolOutcome.statuses();
        next.poolSizes = poolOutcome.sizes().isEmpty() ? null : poolOutcome.sizes().entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));

        String poolProblem = null;
        if (slo.problems().isEmpty()) {
            context.managedWorkflowAndDependentResourceContext().put(PoolSizesConfigMap.KEY, poolOutcome.sizes());
            // Collectors of a fleet in another namespace get pod discovery here; the binding goes when that stops.
            fleet.ifPresent(f -> context.managedWorkflowAndDependentResourceContext().put(FleetChoice.KEY, new FleetChoice(
                    f.getMetadata().getNamespace(), f.getMetadata().getName(),
                    Names.collectorServiceAccount(f.getMetadata().getName()))));
            boolean prometheusRules = crds.present(SloPrometheusRule.CRD);
            context.managedWorkflowAndDependentResourceContext().put(RulesDelivery.KEY, new RulesDelivery(prometheusRules));
            DashboardSettings dashboardSettings = DashboardSettings.current();
            DashboardDelivery dashboards = DashboardDelivery.decide(dashboardSettings, crds);
            dashboards.putInto(context);
            context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();
            if (prometheusRules) {
                SloPrometheusRule.sync(context.getClient(), service, settings, TelemetryCollectorReconciler.FIELD_MANAGER);
            }
            dashboards.deliver(context.getClient(), crds, service, Names.dashboard(service.getMetadata().getName()),
                    ServiceDashboardConfigMap.enabled(service.getSpec().dashboard),
                    () -> GrafanaOperatorDashboard.forService(service, dashboardSettings),
                    TelemetryCollectorReconciler.FIELD_MANAGER, dashboardSettings, conditions);
            if (workload.isPresent()) {
                String problem = PoolEnvDelivery.sync(context.getClient(), service, workload.get(), poolOutcome.sizes());
                poolProblem = problem;
                if (problem != null) {
                    conditions.set(Reasons.POOLS_DELIVERED, false, Reasons.POOL_DELIVERY_FAILED, problem);
                } else if (!poolOutcome.sizes().isEmpty()) {
                    conditions.set(Reasons.POOLS_DELIVERED, true, Reasons.POOL_SIZES_WRITTEN, "pool sizes delivered: "
                            + next.poolSizes);
                }
                pools.delivered(service, poolOutcome, old == null ? null : old.pools);
            }
        }

        if (!slo.problems().isEmpty()) {
            // Nothing was written: the dashboard is where it was.
            conditions.keep(old == null ? null : old.conditions, Reasons.DASHBOARD_DELIVERED);
            conditions.set(Reasons.READY, false, Reasons.INVALID_SLO, String.join("; ", slo.problems())
                    + " (no rules were written or changed)");
        } else if (workload.isEmpty()) {
            conditions.set(Reasons.READY, false, Reasons.WORKLOAD_MISSING, workloadText + " does not exist");
        } else if (poolProblem != null) {
            conditions.set(Reasons.READY, false, Reasons.POOL_DELIVERY_FAILED, poolProblem);
        } else if (fleet.isEmpty()) {
            conditions.set(Reasons.READY, false, Reasons.NO_MATCHING_COLLECTOR,
                    "no TelemetryCollector's serviceSelector selects this service");
        } else if (!fleetReady(fleet.get())) {
            conditions.set(Reasons.READY, false, Reasons.COLLECTOR_NOT_READY, "TelemetryCollector "
                    + fleet.get().getMetadata().getName() + " is not ready");
        } else {
            conditions.set(Reasons.READY, true, Reasons.COLLECTOR_SELECTED, "collected by TelemetryCollector "
                    + fleet.get().getMetadata().getNamespace() + "/" + fleet.get().getMetadata().getName());
        }
        next.conditions = conditions.build();

        String oldReady = readyReason(old);
        String newReady = readyReason(next);
        if (!newReady.equals(oldReady)) {
            var c = Conditions.find(next.conditions, Reasons.READY);
            if ("True".equals(c.getStatus())) {
                events.normal(service, c.getReason(), c.getMessage());
            } else if (!Reasons.COLLECTOR_NOT_READY.equals(c.getReason())) {
                events.warning(service, c.getReason(), c.getMessage());
            }
        }
        Optional<java.time.Duration> recheck = earliest(slo.recheckAfter(), poolOutcome.recheckAfter());
        if (next.equals(old)) {
            return recheck.map(d -> UpdateControl.<InstrumentedService>noUpdate().rescheduleAfter(d))
                    .orElseGet(UpdateControl::noUpdate);
        }
        service.setStatus(next);
        UpdateControl<InstrumentedService> patch = UpdateControl.patchStatus(service);
        return recheck.map(patch::rescheduleAfter).orElse(patch);
    }

    private static Optional<java.time.Duration> earliest(Optional<java.time.Duration> a, Optional<java.time.Duration> b) {
        if (a.isEmpty()) {
            return b;
        }
        return b.isEmpty() || a.get().compareTo(b.get()) <= 0 ? a : b;
    }

    /** Replicas that hold connections: the larger of desired and running (a rollout's surge pods count too). */
    static int liveReplicas(HasMetadata workload) {
        Integer desired;
        Integer running;
        if (workload instanceof Deployment d) {
            desired = d.getSpec().getReplicas();
            running = d.getStatus() == null ? null : d.getStatus().getReplicas();
        } else {
            StatefulSet s = (StatefulSet) workload;
            desired = s.getSpec().getReplicas();
            running = s.getStatus() == null ? null : s.getStatus().getReplicas();
        }
        return Math.max(desired == null ? 1 : desired, running == null ? 0 : running);
    }

    /**
     * The SLO gate of pool scale-down: null while open, else why it is closed — an SLO burns faster than 1x on its
     * short (5m) window, or its short-window burn is unknown.
     */
    static String sloGate(InstrumentedService service, InstrumentedServiceStatus next) {
        for (var slo : service.getSpec().slos) {
            var st = next.slos == null ? null : next.slos.stream().filter(x -> slo.name.equals(x.name)).findFirst().orElse(null);
            String burn = st == null || st.burnRates == null ? null : st.burnRates.get("5m");
            if (burn == null) {
                return "the 5m burn rate of SLO " + slo.name + " is unknown";
            }
            if (new java.math.BigDecimal(burn).compareTo(java.math.BigDecimal.ONE) > 0) {
                return "SLO " + slo.name + " burns " + burn + "x on its 5m window";
            }
        }
        return null;
    }

    private static String readyReason(InstrumentedServiceStatus status) {
        var c = status == null ? null : Conditions.find(status.conditions, Reasons.READY);
        return c == null ? "" : c.getStatus() + "/" + c.getReason();
    }

    private static boolean fleetReady(TelemetryCollector fleet) {
        return fleet.getStatus() != null && Conditions.isTrue(fleet.getStatus().conditions, Reasons.READY);
    }

    private static InstrumentedServiceStatus.WorkloadStatus workloadStatus(WorkloadRef.Kind kind, HasMetadata workload) {
        InstrumentedServiceStatus.WorkloadStatus w = new InstrumentedServiceStatus.WorkloadStatus();
        w.kind = kind.name();
        w.name = workload.getMetadata().getName();
        LabelSelector selector;
        Integer replicas;
        if (workload instanceof Deployment d) {
            selector = d.getSpec().getSelector();
            replicas = d.getSpec().getReplicas();
        } else {
            StatefulSet s = (StatefulSet) workload;
            selector = s.getSpec().getSelector();
            replicas = s.getSpec().getReplicas();
        }
        w.selector = selector;
        w.replicas = replicas == null ? 1 : replicas;
        return w;
    }

    private Map<String, String> namespaceLabels(String namespace) {
        return namespaces.get(new ResourceID(namespace)).map(n -> n.getMetadata().getLabels()).orElse(Map.of());
    }

    @Override
    public ErrorStatusUpdateControl<InstrumentedService> updateErrorStatus(InstrumentedService service,
            Context<InstrumentedService> context, Exception e) {
        InstrumentedServiceStatus old = service.getStatus();
        InstrumentedServiceStatus next = new InstrumentedServiceStatus();
        if (old != null) {
            next.observedGeneration = old.observedGeneration;
            next.workload = old.workload;
            next.collector = old.collector;
            next.slos = old.slos;
            next.worstBudgetRemaining = old.worstBudgetRemaining;
            next.pools = old.pools;
            next.poolSizes = old.poolSizes;
        }
        Conditions c = new Conditions(old == null ? null : old.conditions, service.getMetadata().getGeneration(), clock)
                .set(Reasons.READY, false, Reasons.RECONCILE_ERROR, ErrorSummary.of(e));
        if (old != null && old.conditions != null) {
            old.conditions.stream().map(Condition::getType).filter(t -> !Reasons.READY.equals(t))
                    .forEach(t -> c.keep(old.conditions, t));
        }
        next.conditions = new ArrayList<>(c.build());
        if (next.equals(old)) {
            return ErrorStatusUpdateControl.defaultErrorProcessing();
        }
        service.setStatus(next);
        return ErrorStatusUpdateControl.patchStatus(service);
    }
}
