package dev.vigil.collector;

import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.api.v1alpha1.TelemetryCollectorStatus;
import dev.vigil.reconcile.ReconcileContext;
import dev.vigil.status.Conditions;
import io.javaoperatorsdk.operator.api.reconciler.Context;

/** One TelemetryCollector reconcile as its parts see it. */
public final class FleetContext extends ReconcileContext<TelemetryCollector, TelemetryCollectorStatus> {
    FleetContext(TelemetryCollector fleet, TelemetryCollectorStatus old, TelemetryCollectorStatus next,
            Conditions conditions, Context<TelemetryCollector> josdk) {
        super(fleet, old, next, conditions, josdk);
    }

    public TelemetryCollector fleet() {
        return primary();
    }
}
