package dev.vigil.reconcile;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Named points where a fault test stops the operator dead, as a SIGKILL would (no shutdown hooks, no Lease handed
 * back), to prove that whatever a reconcile leaves half done there is finished after the restart, neither doubled
 * nor lost (e2e/faults/kill-points.sh). Off unless the environment variable {@code VIGIL_FAIL_AT} names a point:
 * {@code <point>} stops at its first passage, {@code <point>@<n>} at its n-th. The points:
 * {@code <Kind>:after-dependents} (the StatefulSet, ConfigMaps, ... written; nothing delivered, status not patched)
 * and {@code <Kind>:before-status} (everything written and delivered, e.g. pool env vars; status not patched).
 */
public final class FailPoints {
    private static final String AT = System.getenv("VIGIL_FAIL_AT");
    private static final Map<String, AtomicInteger> PASSED = new ConcurrentHashMap<>();

    private FailPoints() {
    }

    public static void reached(String point) {
        if (AT == null || AT.isBlank()) {
            return;
        }
        int at = AT.lastIndexOf('@');
        String name = at < 0 ? AT.strip() : AT.substring(0, at).strip();
        int nth = at < 0 ? 1 : Integer.parseInt(AT.substring(at + 1).strip());
        if (name.equals(point) && PASSED.computeIfAbsent(point, p -> new AtomicInteger()).incrementAndGet() == nth) {
            System.err.println("VIGIL_FAIL_AT: fail point " + point + " passed " + nth + " time(s): halting");
            System.err.flush();
            Runtime.getRuntime().halt(137);
        }
    }
}
