package dev.vigil.dashboard;

import dev.vigil.api.v1alpha1.DashboardSpec;
import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.config.DashboardSettings;
import dev.vigil.kube.CrdPresence;
import dev.vigil.naming.Names;
import dev.vigil.reconcile.Part;
import dev.vigil.reconcile.PartOutcome;
import dev.vigil.reconcile.ReconcileContext;
import dev.vigil.status.Reasons;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;

import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The dashboard of a service or a fleet, the same part for both kinds: decides where dashboards go this reconcile
 * (ConfigMap dependent or GrafanaDashboard), writes the GrafanaDashboard after the dependents ran, and reports the
 * DashboardDelivered condition (kept as it was while the spec is rejected: nothing was written). Never affects Ready.
 */
public final class DashboardPart<C extends ReconcileContext<P, ?>, P extends HasMetadata> implements Part<C> {
    private final CrdPresence crds;
    private final DashboardSettings settings;
    private final Function<P, String> name;
    private final Function<P, DashboardSpec> spec;
    private final BiFunction<P, DashboardSettings, GenericKubernetesResource> grafanaDashboard;

    private DashboardPart(CrdPresence crds, DashboardSettings settings, Function<P, String> name,
            Function<P, DashboardSpec> spec, BiFunction<P, DashboardSettings, GenericKubernetesResource> grafanaDashboard) {
        this.crds = crds;
        this.settings = settings;
        this.name = name;
        this.spec = spec;
        this.grafanaDashboard = grafanaDashboard;
    }

    public static <C extends ReconcileContext<InstrumentedService, ?>> DashboardPart<C, InstrumentedService> forServices(
            CrdPresence crds, DashboardSettings settings) {
        return new DashboardPart<>(crds, settings, s -> Names.dashboard(s.getMetadata().getName()),
                s -> s.getSpec().dashboard, GrafanaOperatorDashboard::forService);
    }

    /** Agent fleets get no fleet dashboard (its panels are the shards' scrape and export figures). */
    private static final DashboardSpec NO_DASHBOARD = disabled();

    private static DashboardSpec disabled() {
        DashboardSpec spec = new DashboardSpec();
        spec.enabled = false;
        return spec;
    }

    public static <C extends ReconcileContext<TelemetryCollector, ?>> DashboardPart<C, TelemetryCollector> forFleets(
            CrdPresence crds, DashboardSettings settings) {
        return new DashboardPart<>(crds, settings, f -> Names.fleetDashboard(f.getMetadata().getName()),
                f -> f.getSpec().agent() ? NO_DASHBOARD : f.getSpec().dashboard, GrafanaOperatorDashboard::forFleet);
    }

    @Override
    public void prepare(C ctx) {
        DashboardDelivery delivery = DashboardDelivery.decide(settings, crds);
        ctx.decided(DashboardDelivery.class, delivery);
        delivery.putInto(ctx.josdk());
    }

    @Override
    public PartOutcome deliver(C ctx) {
        P owner = ctx.primary();
        ctx.requireDecision(DashboardDelivery.class).deliver(ctx.client(), crds, owner, name.apply(owner),
                ServiceDashboardConfigMap.enabled(spec.apply(owner)), () -> grafanaDashboard.apply(owner, settings),
                ctx.conditions());
        return PartOutcome.NONE;
    }

    @Override
    public void hold(C ctx) {
        ctx.conditions().keepPrevious(Reasons.DASHBOARD_DELIVERED);
    }
}
