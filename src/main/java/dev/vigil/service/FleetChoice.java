package dev.vigil.service;

import dev.vigil.kube.ContextKey;

/**
 * The fleet a reconcile chose for a service, handed to the dependents through the workflow context, with the
 * ClusterRole its collectors are bound to for discovering pods outside their namespace.
 */
public record FleetChoice(String namespace, String name, String serviceAccount, String discoveryClusterRole) {
    public static final ContextKey<FleetChoice> KEY = ContextKey.of(FleetChoice.class);
}
