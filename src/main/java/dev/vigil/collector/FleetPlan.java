package dev.vigil.collector;

import dev.vigil.kube.ContextKey;

/**
 * What a reconcile decided for a fleet before any write: the rendered collector config and its hash. The
 * dependents read it from the workflow context, so their desired() stays a pure function of (fleet, plan).
 */
public record FleetPlan(String configYaml, String configHash, int services, int replicas) {
    public static final ContextKey<FleetPlan> KEY = ContextKey.of(FleetPlan.class);

    /** The same plan with a different pod count (while removed shards still drain their targets). */
    public FleetPlan withReplicas(int n) {
        return new FleetPlan(configYaml, configHash, services, n);
    }
}
