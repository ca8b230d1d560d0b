package dev.vigil.naming;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Every name of an object Vigil creates comes from here: deterministic, DNS-safe, and short enough for the
 * kind of object (a StatefulSet name leaves room for the pod ordinal and the controller-revision hash).
 */
public final class Names {
    /** Longest StatefulSet name whose pods' controller-revision-hash label still fits in 63 characters. */
    static final int STATEFULSET_MAX = 52;
    public static final int LABEL_MAX = 63;

    private Names() {
    }

    public static String collectorStatefulSet(String fleet) {
        return fit(fleet + "-collector", STATEFULSET_MAX);
    }

    /** An agent fleet's DaemonSet; its pods are named {@code <this>-<5 characters>}. */
    public static String collectorDaemonSet(String fleet) {
        return fit(fleet + "-agent", STATEFULSET_MAX);
    }

    /** The DaemonSet of one node group of an agent fleet. */
    public static String agentGroupDaemonSet(String fleet, String group) {
        return fit(fleet + "-agent-" + group, STATEFULSET_MAX);
    }

    /** A shard fleet's running hand-offs (restored by a restarted operator). */
    public static String collectorHandoffs(String fleet) {
        return fit(fleet + "-collector-handoffs", LABEL_MAX);
    }

    public static String collectorConfigMap(String fleet) {
        return fit(fleet + "-collector-config", LABEL_MAX);
    }

    public static String collectorHeadlessService(String fleet) {
        return fit(fleet + "-collector-shards", LABEL_MAX);
    }

    public static String collectorOtlpService(String fleet) {
        return fit(fleet + "-collector", LABEL_MAX);
    }

    public static String collectorServiceAccount(String fleet) {
        return fit(fleet + "-collector", LABEL_MAX);
    }

    public static String collectorRole(String fleet) {
        return fit(fleet + "-collector-discovery", LABEL_MAX);
    }

    public static String collectorPdb(String fleet) {
        return fit(fleet + "-collector", LABEL_MAX);
    }

    /** RoleBinding in a service's namespace that lets a fleet from another namespace discover its pods. */
    public static String collectorDiscoveryBinding(String service) {
        return fit("vigil-" + service + "-collector-discovery", LABEL_MAX);
    }

    /** ConfigMap or PrometheusRule holding a service's SLO rules. */
    public static String sloRules(String service) {
        return fit(service + "-slo-rules", LABEL_MAX);
    }

    /** ConfigMap carrying a service's last SLO report. */
    public static String sloReport(String service) {
        return fit(service + "-slo-report", LABEL_MAX);
    }

    /** ConfigMap carrying a service's Grafana dashboard. */
    public static String dashboard(String service) {
        return fit(service + "-dashboard", LABEL_MAX);
    }

    /** ConfigMap carrying a fleet's Grafana dashboard (named like the fleet's other objects, apart from services'). */
    /** ConfigMap carrying the SLO report roll-up of the services a fleet collects. */
    public static String sloRollup(String fleet) {
        return fit(fleet + "-slo-rollup", LABEL_MAX);
    }

    public static String fleetDashboard(String fleet) {
        return fit(fleet + "-collector-dashboard", LABEL_MAX);
    }

    /** ConfigMap holding the sizes of a service's connection pools, one key per pool. */
    public static String poolSizes(String service) {
        return fit(service + "-pools", LABEL_MAX);
    }

    /**
     * Returns {@code name} when it fits, otherwise a prefix of it plus a hash of the whole name, so that two long
     * names that share a prefix never collide.
     */
    public static String fit(String name, int max) {
        if (name.length() <= max) {
            return name;
        }
        String hash = sha256Hex(name).substring(0, 8);
        String prefix = name.substring(0, max - hash.length() - 1);
        while (prefix.endsWith("-") || prefix.endsWith(".")) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        return prefix + "-" + hash;
    }

    public static String sha256Hex(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
