package dev.vigil.service;

/** The fleet a reconcile chose for a service, handed to the dependents through the workflow context. */
public record FleetChoice(String namespace, String name, String serviceAccount) {
    public static final String KEY = "vigil.fleetChoice";
}
