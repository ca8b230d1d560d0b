package dev.vigil.prometheus;

import java.util.Map;

/**
 * One element of an instant vector. The value is kept as Prometheus printed it ("0.0012", "NaN", "+Inf"), so that
 * callers can do exact decimal arithmetic on it.
 */
public record Sample(Map<String, String> labels, String value) {
    public boolean isFinite() {
        return !("NaN".equals(value) || value.endsWith("Inf"));
    }
}
