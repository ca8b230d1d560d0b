package dev.vigil.service;

import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.InstrumentedServiceStatus;
import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.reconcile.ReconcileContext;
import dev.vigil.status.Conditions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;

import java.util.List;
import java.util.Optional;

/**
 * One InstrumentedService reconcile as its parts see it: besides what every reconcile has, the service's workload
 * and the fleet that collects it, which the first two parts resolve for the others.
 */
public final class ServiceContext extends ReconcileContext<InstrumentedService, InstrumentedServiceStatus> {
    private Optional<HasMetadata> workload = Optional.empty();
    private Optional<TelemetryCollector> fleet = Optional.empty();

    ServiceContext(InstrumentedService service, InstrumentedServiceStatus old, InstrumentedServiceStatus next,
            Conditions conditions, Context<InstrumentedService> josdk) {
        super(service, old, next, conditions, josdk);
    }

    public InstrumentedService service() {
        return primary();
    }

    public String namespace() {
        return primary().getMetadata().getNamespace();
    }

    /** The Deployment or StatefulSet {@code spec.workloadRef} names, when it exists (resolved by WorkloadPart). */
    public Optional<HasMetadata> workload() {
        return workload;
    }

    void workload(Optional<HasMetadata> workload) {
        this.workload = workload;
    }

    /** The fleet that collects the service (resolved by FleetPart). */
    public Optional<TelemetryCollector> fleet() {
        return fleet;
    }

    void fleet(Optional<TelemetryCollector> fleet) {
        this.fleet = fleet;
    }

    /** The old status' pools, or null. */
    List<InstrumentedServiceStatus.PoolStatus> oldPools() {
        return old() == null ? null : old().pools;
    }
}
