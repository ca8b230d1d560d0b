package dev.vigil.kube;

/** The server-side-apply field managers Vigil writes with; each owns a distinct set of fields. */
public final class FieldManagers {
    /** Everything Vigil owns outright: the objects of fleets and services, status, PrometheusRules, dashboards. */
    public static final String OPERATOR = "vigil-operator";
    /** The pool-size env vars on a user's workload (delivery type Env), and nothing else of it. */
    public static final String POOL_SIZE = "vigil-pool-size";

    /** The vigil.dev/provider label on nodes (agent fleets with node groups), and nothing else of a node. */
    public static final String NODE_PROVIDER = "vigil-node-provider";

    private FieldManagers() {
    }
}
