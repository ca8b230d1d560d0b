package dev.vigil.prometheus;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Prometheus endpoints that let a query run into the timeout (they accept the connection and do not answer): each
 * is not asked again for a cool-down, then by one probe at a time until one answers. Without this, every service of
 * a fleet whose Prometheus hangs holds a reconcile thread for the whole timeout, and the services of healthy fleets
 * wait behind them.
 */
final class HangingEndpoints {
    private record State(Instant until, boolean probing) {
    }

    private final Duration coolDown;
    private final Map<String, State> states = new ConcurrentHashMap<>();

    HangingEndpoints(Duration coolDown) {
        this.coolDown = coolDown;
    }

    /** Whether a query to {@code key} may go out now (a healthy endpoint, or the one probe after the cool-down). */
    boolean admit(String key, Instant now) {
        boolean[] admitted = {true};
        states.computeIfPresent(key, (k, s) -> {
            if (now.isBefore(s.until()) || s.probing()) {
                admitted[0] = false;
                return s;
            }
            return new State(s.until(), true);
        });
        return admitted[0];
    }

    void timedOut(String key, Instant now) {
        states.put(key, new State(now.plus(coolDown), false));
    }

    void answered(String key) {
        states.remove(key);
    }
}
