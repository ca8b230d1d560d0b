package dev.vigil.naming;

import java.util.LinkedHashMap;
import java.util.Map;

/** The labels and annotations Vigil puts on what it creates. */
public final class Labels {
    public static final String NAME = "app.kubernetes.io/name";
    public static final String INSTANCE = "app.kubernetes.io/instance";
    public static final String COMPONENT = "app.kubernetes.io/component";
    public static final String PART_OF = "app.kubernetes.io/part-of";
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String MANAGED_BY_VALUE = "vigil";

    /** Informer selectors: what Vigil manages, and of that one component's objects (so each cache holds its own). */
    public static final String SELECT_MANAGED = MANAGED_BY + "=" + MANAGED_BY_VALUE;
    public static final String COMPONENT_COLLECTOR = "collector";
    public static final String COMPONENT_SLO_RULES = "slo-rules";
    public static final String COMPONENT_SLO_REPORT = "slo-report";
    public static final String COMPONENT_SLO_ROLLUP = "slo-rollup";
    public static final String COMPONENT_DASHBOARD = "dashboard";
    public static final String COMPONENT_POOL_SIZES = "pool-sizes";
    public static final String SELECT_COLLECTOR = COMPONENT + "=" + COMPONENT_COLLECTOR + "," + SELECT_MANAGED;
    public static final String SELECT_SLO_RULES = COMPONENT + "=" + COMPONENT_SLO_RULES + "," + SELECT_MANAGED;
    public static final String SELECT_SLO_ROLLUP = COMPONENT + "=" + COMPONENT_SLO_ROLLUP + "," + SELECT_MANAGED;
    public static final String SELECT_DASHBOARD = COMPONENT + "=" + COMPONENT_DASHBOARD + "," + SELECT_MANAGED;
    public static final String SELECT_POOL_SIZES = COMPONENT + "=" + COMPONENT_POOL_SIZES + "," + SELECT_MANAGED;

    /** Pod-template annotation holding the config hash, so that a config change rolls the collector pods. */
    public static final String CONFIG_HASH = "vigil.dev/config-hash";
    /** An agent node group's DaemonSet and pods carry their group's name (DaemonSet selectors must not overlap). */
    public static final String NODE_GROUP = "vigil.dev/node-group";
    /** The StatefulSet controller labels every pod with its ordinal; Vigil uses it as the shard index. */
    public static final String POD_INDEX = "apps.kubernetes.io/pod-index";

    private Labels() {
    }

    /** Labels that identify the pods of one fleet; immutable once a StatefulSet exists. */
    public static Map<String, String> collectorSelector(String fleet) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(NAME, "opentelemetry-collector");
        // Label values are limited to 63 characters; object names may be longer.
        labels.put(INSTANCE, Names.fit(fleet, Names.LABEL_MAX));
        labels.put(MANAGED_BY, MANAGED_BY_VALUE);
        return labels;
    }

    public static Map<String, String> collector(String fleet) {
        Map<String, String> labels = collectorSelector(fleet);
        labels.put(COMPONENT, COMPONENT_COLLECTOR);
        labels.put(PART_OF, "vigil");
        return labels;
    }

    /** Objects that carry a service's SLO rules. */
    public static Map<String, String> slo(String service) {
        return owned("vigil-slo", service, COMPONENT_SLO_RULES);
    }

    /** The ConfigMap that carries a service's SLO report. */
    public static Map<String, String> sloReport(String service) {
        return owned("vigil-slo-report", service, COMPONENT_SLO_REPORT);
    }

    /** The ConfigMap that carries a fleet's SLO report roll-up. */
    public static Map<String, String> sloRollup(String fleet) {
        return owned("vigil-slo-rollup", fleet, COMPONENT_SLO_ROLLUP);
    }

    /** The ConfigMap that carries a generated dashboard. */
    public static Map<String, String> dashboard(String owner) {
        return owned("vigil-dashboard", owner, COMPONENT_DASHBOARD);
    }

    /** The ConfigMap that carries a service's pool sizes. */
    public static Map<String, String> pools(String service) {
        return owned("vigil-pools", service, COMPONENT_POOL_SIZES);
    }

    /** The recommended labels of an object Vigil writes for {@code owner}. */
    private static Map<String, String> owned(String name, String owner, String component) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(NAME, name);
        labels.put(INSTANCE, Names.fit(owner, Names.LABEL_MAX));
        labels.put(COMPONENT, component);
        labels.put(PART_OF, "vigil");
        labels.put(MANAGED_BY, MANAGED_BY_VALUE);
        return labels;
    }

    /** A label list as settings write it, {@code key=value,key=value}; blanks between entries are ignored. */
    public static Map<String, String> parse(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String part : text.split(",")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("label setting '" + p + "' is not key=value");
            }
            out.put(p.substring(0, eq).strip(), p.substring(eq + 1).strip());
        }
        return out;
    }
}
