package dev.vigil.collector;

import dev.vigil.reconcile.Part;

import java.util.List;

/**
 * Hands the services this fleet collects (as {@link ConfigPart} planned them) to the SLO roll-up dependent,
 * {@link FleetSloRollupConfigMap}: a service's new report reconciles its fleet (the fleet watches every service), so
 * the roll-up follows the reports.
 */
final class SloRollupPart implements Part<FleetContext> {
    @Override
    public void prepare(FleetContext ctx) {
        FleetSloRollupConfigMap.KEY.put(ctx.josdk(), new FleetSloRollupConfigMap.Collected(
                ctx.decision(ConfigPart.Planned.class).map(ConfigPart.Planned::collected).orElse(List.of())));
    }
}
