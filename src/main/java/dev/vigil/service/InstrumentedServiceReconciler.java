package dev.vigil.service;

import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.InstrumentedServiceStatus;
import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.api.v1alpha1.WorkloadRef;
import dev.vigil.config.Settings;
import dev.vigil.dashboard.DashboardPart;
import dev.vigil.dashboard.ServiceDashboardConfigMap;
import dev.vigil.kube.CrdPresence;
import dev.vigil.kube.FieldManagers;
import dev.vigil.kube.LeanMetadata;
import dev.vigil.kube.PrunedItemStore;
import dev.vigil.kube.Unindexed;
import io.javaoperatorsdk.operator.processing.event.source.PrimaryToSecondaryMapper;
import dev.vigil.pool.PoolAutoscaler;
import dev.vigil.pool.PoolSizesConfigMap;
import dev.vigil.reconcile.NotReady;
import dev.vigil.reconcile.Part;
import dev.vigil.reconcile.PartOutcome;
import dev.vigil.reconcile.Parts;
import dev.vigil.reconcile.StatusPatch;
import dev.vigil.report.SloReports;
import dev.vigil.slo.PlatformTemplateSource;
import dev.vigil.slo.SloRulesConfigMap;
import dev.vigil.slo.SloStatusBuilder;
import dev.vigil.status.Conditions;
import dev.vigil.status.ErrorSummary;
import dev.vigil.status.EventRecorder;
import dev.vigil.sampling.SamplingStrategies;
import dev.vigil.sampling.TraceSampler;
import dev.vigil.status.Reasons;
import dev.vigil.telemetry.ReconcileTelemetry;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reconciles an InstrumentedService by running its parts in order (see {@link dev.vigil.reconcile.Part}): the
 * workload, the fleet that collects it, SLOs, the dashboard, connection pools, pod discovery for a fleet in another
 * namespace, trace sampling. Ready follows from what the parts report; status is patched only when it changed.
 */
// The primary cache keeps services without managedFields (nothing reads them; at scale they were a large share of it).
@ControllerConfiguration(name = InstrumentedServiceReconciler.NAME, fieldManager = FieldManagers.OPERATOR,
        informer = @Informer(itemStore = LeanMetadata.Store.class))
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
    /** The primary cache's index of services by the workload they name ({@link #workloadKey}). */
    private static final String BY_WORKLOAD = "workload";

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
    @Inject
    TraceSampler sampler;
    @Inject
    SamplingStrategies strategies;
    @Inject
    Settings settings;
    @Inject
    PlatformTemplateSource platformTemplates;
    @Inject
    SloReports sloReports;
    @ConfigProperty(name = "quarkus.operator-sdk.enable-ssa", defaultValue = "true")
    boolean serverSideApply;

    Clock clock = Clock.systemUTC();
    private InformerEventSource<Deployment, InstrumentedService> deployments;
    private InformerEventSource<StatefulSet, InstrumentedService> statefulSets;
    private InformerEventSource<TelemetryCollector, InstrumentedService> fleets;
    private InformerEventSource<Namespace, InstrumentedService> namespaces;
    private List<Part<ServiceContext>> parts;

    /** The parts in reconcile order: later parts read what earlier ones resolved (workload, fleet, SLO status). */
    @PostConstruct
    void parts() {
        parts = List.of(
                new WorkloadPart((kind, id) -> kind == WorkloadRef.Kind.Deployment ? deployments.get(id) : statefulSets.get(id)),
                new FleetPart(() -> fleets.list().toList(), this::namespaceLabels),
                new SloPart(sloStatus, crds, settings.slo(), platformTemplates),
                new SloReportPart(sloReports, events),
                DashboardPart.forServices(crds, settings.dashboards()),
                new PoolPart(pools, serverSideApply),
                new DiscoveryPart(settings.collector().discoveryClusterRole()),
                new TraceSamplingPart(sampler));
    }

    @Override
    public List<EventSource<?, InstrumentedService>> prepareEventSources(EventSourceContext<InstrumentedService> context) {
        context.getPrimaryCache().addIndexer(BY_WORKLOAD, s -> s.getSpec().workloadRef == null ? List.of()
                : List.of(workloadKey(s.getMetadata().getNamespace(), s.getSpec().workloadRef.kindOrDefault(),
                        s.getSpec().workloadRef.name)));
        // Every workload of the watched namespaces is cached as what services read of it (WorkloadView: selector,
        // replicas, containers' env, the pool-size manager's managedFields); only a change of that is an event.
        deployments = new InformerEventSource<>(InformerEventSourceConfiguration
                .from(Deployment.class, InstrumentedService.class).withName("workload-deployments")
                .withItemStore(new PrunedItemStore<>(WorkloadView::deployment))
                .withOnUpdateFilter(WorkloadView::changed)
                .withSecondaryToPrimaryMapper(d -> servicesOf(context, WorkloadRef.Kind.Deployment, d))
                .withPrimaryToSecondaryMapper(workloadOf(WorkloadRef.Kind.Deployment)).build(), context);
        statefulSets = new InformerEventSource<>(InformerEventSourceConfiguration
                .from(StatefulSet.class, InstrumentedService.class).withName("workload-statefulsets")
                .withItemStore(new PrunedItemStore<>(WorkloadView::statefulSet))
                .withOnUpdateFilter(WorkloadView::changed)
                .withSecondaryToPrimaryMapper(s -> servicesOf(context, WorkloadRef.Kind.StatefulSet, s))
                .withPrimaryToSecondaryMapper(workloadOf(WorkloadRef.Kind.StatefulSet)).build(), context);
        fleets = new InformerEventSource<>(InformerEventSourceConfiguration
                .from(TelemetryCollector.class, InstrumentedService.class).withName("service-fleets")
                .withOnUpdateFilter(FleetPart::servicesRead)
                .withSecondaryToPrimaryMapper(f -> all(context))
                .withPrimaryToSecondaryMapper(Unindexed.every(() -> fleets)).build(), context);
        namespaces = new InformerEventSource<>(InformerEventSourceConfiguration
                .from(Namespace.class, InstrumentedService.class).withName("service-namespaces").withWatchAllNamespaces()
                .withSecondaryToPrimaryMapper(n -> all(context))
                .withPrimaryToSecondaryMapper(Unindexed.every(() -> namespaces)).build(), context);
        // A deleted service's strategy is served no more (there is no cleanup hook without a finalizer).
        strategies.alive(id -> context.getPrimaryCache().get(id).isPresent());
        List<EventSource<?, InstrumentedService>> sources = new ArrayList<>(List.of(deployments, statefulSets, fleets, namespaces));
        platformTemplates.configMap().ifPresent(id -> {
            // The platform team's SLO templates: an edit reaches the services that use one at once.
            InformerEventSource<ConfigMap, InstrumentedService> templates = new InformerEventSource<>(InformerEventSourceConfiguration
                    .from(ConfigMap.class, InstrumentedService.class).withName("slo-templates")
                    .withNamespaces(Set.of(id.getNamespace().orElseThrow())).withFollowControllerNamespacesChanges(false)
                    .withGenericFilter(cm -> id.getName().equals(cm.getMetadata().getName()))
                    .withSecondaryToPrimaryMapper(cm -> context.getPrimaryCache().list()
                            .filter(InstrumentedServiceReconciler::usesPlatformTemplates)
                            .map(ResourceID::fromResource).collect(Collectors.toSet()))
                    .withPrimaryToSecondaryMapper((InstrumentedService s) -> usesPlatformTemplates(s)
                            ? Set.of(new ResourceID(id.getName(), id.getNamespace().orElseThrow())) : Set.of())
                    .build(), context);
            platformTemplates.readFrom(templates::get);
            sources.add(templates);
        });
        return sources;
    }

    static boolean usesPlatformTemplates(InstrumentedService s) {
        return s.getSpec().slos.stream().anyMatch(slo -> slo.template != null && slo.template.platform != null);
    }

    /** The workload a service names (no JOSDK index of services × workloads, see Unindexed). */
    private static PrimaryToSecondaryMapper<InstrumentedService> workloadOf(WorkloadRef.Kind kind) {
        return s -> s.getSpec().workloadRef == null || s.getSpec().workloadRef.kindOrDefault() != kind ? Set.of()
                : Set.of(new ResourceID(s.getSpec().workloadRef.name, s.getMetadata().getNamespace()));
    }

    /**
     * The services whose workloadRef names this workload, from an index of the primary cache: a workload's event
     * (its status changes a few times as its pods start) no longer scans every service of the namespace.
     */
    private static Set<ResourceID> servicesOf(EventSourceContext<InstrumentedService> context, WorkloadRef.Kind kind,
            HasMetadata workload) {
        return context.getPrimaryCache().byIndex(BY_WORKLOAD,
                        workloadKey(workload.getMetadata().getNamespace(), kind, workload.getMetadata().getName()))
                .stream().map(ResourceID::fromResource).collect(Collectors.toSet());
    }

    static String workloadKey(String namespace, WorkloadRef.Kind kind, String name) {
        return namespace + "/" + kind + "/" + name;
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
        ServiceContext ctx = new ServiceContext(service, old, next, conditions, context);

        PartOutcome outcome = Parts.run(parts, ctx);
        Optional<NotReady> notReady = outcome.worst();
        if (notReady.isPresent()) {
            conditions.set(Reasons.READY, false, notReady.get().reason(), notReady.get().message());
        } else {
            // No part holds the service back, so a fleet collects it (FleetPart would, otherwise).
            conditions.set(Reasons.READY, true, Reasons.COLLECTOR_SELECTED, FleetPart.collectedBy(ctx.fleet().orElseThrow()));
        }
        next.conditions = conditions.build();

        if (!readyReason(next).equals(readyReason(old))) {
            var c = Conditions.find(next.conditions, Reasons.READY);
            if ("True".equals(c.getStatus())) {
                events.normal(service, c.getReason(), c.getMessage());
            } else if (notReady.get().warn()) {
                events.warning(service, c.getReason(), c.getMessage());
            }
        }
        return StatusPatch.of(service, old, next, outcome.recheckAfter());
    }

    private static String readyReason(InstrumentedServiceStatus status) {
        var c = status == null ? null : Conditions.find(status.conditions, Reasons.READY);
        return c == null ? "" : c.getStatus() + "/" + c.getReason();
    }

    private Map<String, String> namespaceLabels(String namespace) {
        return namespaces.get(new ResourceID(namespace)).map(n -> n.getMetadata().getLabels()).orElse(Map.of());
    }

    @Override
    public ErrorStatusUpdateControl<InstrumentedService> updateErrorStatus(InstrumentedService service,
            Context<InstrumentedService> context, Exception e) {
        InstrumentedServiceStatus old = service.getStatus();
        // Everything as it was but Ready: an error says nothing new about the workload, SLOs or pools.
        InstrumentedServiceStatus next = old == null ? new InstrumentedServiceStatus() : old.deepCopy();
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
