package dev.vigil.pool;

import dev.vigil.api.v1alpha1.PoolSpec;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;

/**
 * A pool's spec with every default filled in, the same defaults the CRD schema declares (so that a pool created on
 * an apiserver that did not apply them, or read from a file, behaves the same).
 */
public final class PoolRules {
    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(15);
    static final Duration MIN_INTERVAL = Duration.ofSeconds(5);

    private PoolRules() {
    }

    public static PoolDecision.Rule rule(PoolSpec pool) {
        PoolSpec.Targets t = pool.targets == null ? new PoolSpec.Targets() : pool.targets;
        PoolSpec.Behavior b = pool.behavior == null ? new PoolSpec.Behavior() : pool.behavior;
        PoolSpec.ScaleUp up = b.scaleUp == null ? new PoolSpec.ScaleUp() : b.scaleUp;
        PoolSpec.ScaleDown down = b.scaleDown == null ? new PoolSpec.ScaleDown() : b.scaleDown;
        return new PoolDecision.Rule(pool.size.min, pool.size.max,
                new BigDecimal(t.waitsPerSecond == null ? "0.5" : t.waitsPerSecond),
                or(t.utilisationPercent, 70), or(b.tolerancePercent, 10), or(up.maxIncreasePercent, 100),
                Optional.ofNullable(up.maxIncrease), Duration.ofSeconds(or(up.stabilizationSeconds, 0)),
                or(down.maxDecreasePercent, 50), Duration.ofSeconds(or(down.stabilizationSeconds, 300)));
    }

    /** How often the pool is evaluated: the spec's interval, never below 5 s. */
    public static Duration interval(PoolSpec pool) {
        String v = pool.behavior == null ? null : pool.behavior.evaluationInterval;
        if (v == null || !v.matches("[0-9]{1,4}[sm]")) {
            return DEFAULT_INTERVAL;
        }
        long n = Long.parseLong(v.substring(0, v.length() - 1));
        Duration d = v.endsWith("m") ? Duration.ofMinutes(n) : Duration.ofSeconds(n);
        return d.compareTo(MIN_INTERVAL) < 0 ? MIN_INTERVAL : d;
    }

    public static int initial(PoolSpec pool) {
        return pool.size.initial != null ? pool.size.initial : pool.size.min;
    }

    public static PoolSpec.Delivery.Type delivery(PoolSpec pool) {
        return pool.delivery == null || pool.delivery.type == null ? PoolSpec.Delivery.Type.ConfigMap : pool.delivery.type;
    }

    /** Longest stabilisation window: how much recommendation history the pool needs. */
    static Duration historyNeeded(PoolDecision.Rule rule) {
        return rule.scaleDownWindow().compareTo(rule.scaleUpWindow()) > 0 ? rule.scaleDownWindow() : rule.scaleUpWindow();
    }

    private static int or(Integer v, int dflt) {
        return v == null ? dflt : v;
    }
}
