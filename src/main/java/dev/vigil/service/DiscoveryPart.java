package dev.vigil.service;

import dev.vigil.naming.Names;
import dev.vigil.reconcile.Part;

/**
 * Pod discovery for a fleet in another namespace: the fleet's choice handed to the CollectorDiscoveryBinding
 * dependent, which binds the fleet's collectors to the discovery ClusterRole here (and goes when that stops).
 */
final class DiscoveryPart implements Part<ServiceContext> {
    private final String clusterRole;

    DiscoveryPart(String clusterRole) {
        this.clusterRole = clusterRole;
    }

    @Override
    public void prepare(ServiceContext ctx) {
        ctx.fleet().ifPresent(f -> FleetChoice.KEY.put(ctx.josdk(), new FleetChoice(f.getMetadata().getNamespace(),
                f.getMetadata().getName(), Names.collectorServiceAccount(f.getMetadata().getName()), clusterRole)));
    }
}
