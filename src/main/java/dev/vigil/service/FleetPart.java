package dev.vigil.service;

import dev.vigil.api.v1alpha1.InstrumentedServiceStatus;
import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.api.v1alpha1.TelemetryCollectorSpec;
import dev.vigil.reconcile.NotReady;
import dev.vigil.reconcile.Part;
import dev.vigil.reconcile.PartOutcome;
import dev.vigil.selection.FleetSelection;
import dev.vigil.status.Conditions;
import dev.vigil.status.Reasons;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Finds the fleet that collects the service (the oldest of those whose selectors match): {@code status.collector},
 * the Collected condition; not Ready while none does or while it is not Ready itself.
 */
final class FleetPart implements Part<ServiceContext> {
    static final String NO_FLEET = "no TelemetryCollector's serviceSelector selects this service";

    private final Supplier<List<TelemetryCollector>> fleets;
    private final Function<String, Map<String, String>> namespaceLabels;

    FleetPart(Supplier<List<TelemetryCollector>> fleets, Function<String, Map<String, String>> namespaceLabels) {
        this.fleets = fleets;
        this.namespaceLabels = namespaceLabels;
    }

    @Override
    public PartOutcome plan(ServiceContext ctx) {
        List<TelemetryCollector> all = fleets.get();
        // Logs: reported, never a reason for Ready=False (a service may well have no agent fleet).
        FleetSelection.chooseFleet(ctx.service(), all, namespaceLabels, TelemetryCollectorSpec.Mode.agent)
                .ifPresent(a -> ctx.next().logsCollector = new InstrumentedServiceStatus.CollectorRef(
                        a.getMetadata().getNamespace(), a.getMetadata().getName()));
        Optional<TelemetryCollector> fleet = FleetSelection.chooseFleet(ctx.service(), all, namespaceLabels);
        ctx.fleet(fleet);
        if (fleet.isEmpty()) {
            ctx.conditions().set(Reasons.COLLECTED, false, Reasons.NO_MATCHING_COLLECTOR, NO_FLEET);
            return PartOutcome.notReady(NotReady.of(NotReady.Rank.NOT_SERVED, Reasons.NO_MATCHING_COLLECTOR, NO_FLEET));
        }
        TelemetryCollector f = fleet.get();
        ctx.next().collector = new InstrumentedServiceStatus.CollectorRef(f.getMetadata().getNamespace(), f.getMetadata().getName());
        long others = FleetSelection.countSelecting(ctx.service(), all, namespaceLabels) - 1;
        ctx.conditions().set(Reasons.COLLECTED, true, Reasons.COLLECTOR_SELECTED, collectedBy(f)
                + (others > 0 ? " (the oldest of " + (others + 1) + " fleets that select it)" : ""));
        if (!ready(f)) {
            return PartOutcome.notReady(NotReady.of(NotReady.Rank.WAITING, Reasons.COLLECTOR_NOT_READY,
                    "TelemetryCollector " + f.getMetadata().getName() + " is not ready"));
        }
        return PartOutcome.NONE;
    }

    /**
     * Whether a fleet's update changes anything services read of it: its spec (which services it selects, its
     * Prometheus, its mode), its labels, its deletion, and of its status only whether it is Ready. Every fleet event
     * reaches every service, so without this each status patch of a fleet (its shards' target counts change as pods
     * come) re-reconciled all services: at 10,000 services the whole primary cache, over and over while the pods
     * arrived.
     */
    static boolean servicesRead(TelemetryCollector old, TelemetryCollector now) {
        return !Objects.equals(old.getMetadata().getGeneration(), now.getMetadata().getGeneration())
                || !Objects.equals(old.getMetadata().getLabels(), now.getMetadata().getLabels())
                || !Objects.equals(old.getMetadata().getDeletionTimestamp(), now.getMetadata().getDeletionTimestamp())
                || ready(old) != ready(now);
    }

    private static boolean ready(TelemetryCollector f) {
        return f.getStatus() != null && Conditions.isTrue(f.getStatus().conditions, Reasons.READY);
    }

    static String collectedBy(TelemetryCollector f) {
        return "collected by TelemetryCollector " + f.getMetadata().getNamespace() + "/" + f.getMetadata().getName();
    }
}
