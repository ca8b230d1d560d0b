package dev.vigil.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class PoolSpec {
    @Required
    @Size(min = 1, max = 63)
    @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
    @JsonPropertyDescription("Name of the pool, unique within the service; also the key in the pool ConfigMap.")
    public String name;

    @JsonPropertyDescription("Which metrics describe the pool.")
    public Signals signals;

    @JsonPropertyDescription("What the scaling aims for.")
    public Targets targets;

    @Required
    @JsonPropertyDescription("Bounds of the pool size (connections per replica).")
    public SizeBounds size;

    @JsonPropertyDescription("How fast and how often the size may change.")
    public Behavior behavior;

    @JsonPropertyDescription("Connection budget: the sum of pool size x replicas stays within it.")
    public Budget budget;

    @JsonPropertyDescription("How the size reaches the application.")
    public Delivery delivery;

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Signals {
        public enum Naming { OpenTelemetry, RedisClient }

        @Default("OpenTelemetry")
        @JsonPropertyDescription("Metric naming the defaults use: OpenTelemetry (db.client.connection.* semantic "
                + "conventions) or RedisClient (redis_client_pool_*).")
        public Naming naming;

        @Size(min = 1, max = 253)
        @JsonPropertyDescription("Value of the pool-name label in the metrics; defaults to the pool's name.")
        public String poolName;

        @Size(min = 1, max = 2048)
        @JsonPropertyDescription("PromQL override for the wait signal (waits per second per replica).")
        public String waitQuery;

        @Size(min = 1, max = 2048)
        @JsonPropertyDescription("PromQL override for the utilisation signal (used / size, 0..1).")
        public String utilisationQuery;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Targets {
        @Size(min = 1, max = 16)
        @Pattern("^[0-9]+(\\.[0-9]+)?$")
        @Default("0.5")
        @JsonPropertyDescription("Waits per second per replica above which the pool grows.")
        public String waitsPerSecond;

        @Min(1)
        @Max(100)
        @Default("70")
        @JsonPropertyDescription("Utilisation (percent of the pool in use) below which the pool shrinks.")
        public Integer utilisationPercent;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "self.min <= self.max", message = "size.min must not be greater than size.max")
    @ValidationRule(value = "!has(self.initial) || (self.initial >= self.min && self.initial <= self.max)",
            message = "size.initial must lie between size.min and size.max")
    public static class SizeBounds {
        @Required
        @Min(1)
        @Max(10000)
        @JsonPropertyDescription("Smallest pool size.")
        public Integer min;

        @Required
        @Min(1)
        @Max(10000)
        @JsonPropertyDescription("Largest pool size.")
        public Integer max;

        @Min(1)
        @Max(10000)
        @JsonPropertyDescription("Size before the first decision; defaults to min.")
        public Integer initial;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Behavior {
        @JsonPropertyDescription("Limits on growing.")
        public ScaleUp scaleUp;

        @JsonPropertyDescription("Limits on shrinking.")
        public ScaleDown scaleDown;

        @Min(0)
        @Max(100)
        @Default("10")
        @JsonPropertyDescription("No change while the signal is within this percentage of its target.")
        public Integer tolerancePercent;

        @Size(min = 2, max = 8)
        @Default("15s")
        @ValidationRule(value = "self.matches('^[0-9]{1,4}(s|m)$') && duration(self) >= duration('5s')",
                message = "evaluationInterval must be a duration in s or m of at least 5s")
        @JsonPropertyDescription("How often the rule is evaluated (at least 5s).")
        public String evaluationInterval;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class ScaleUp {
        @Min(1)
        @Max(1000)
        @Default("100")
        @JsonPropertyDescription("Largest increase per step, in percent of the current size.")
        public Integer maxIncreasePercent;

        @Min(1)
        @Max(10000)
        @JsonPropertyDescription("Largest increase per step in connections (the smaller limit applies).")
        public Integer maxIncrease;

        @Min(0)
        @Max(3600)
        @Default("0")
        @JsonPropertyDescription("Seconds a higher recommendation must persist before growing.")
        public Integer stabilizationSeconds;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class ScaleDown {
        @Min(1)
        @Max(100)
        @Default("50")
        @JsonPropertyDescription("Largest decrease per step, in percent of the current size.")
        public Integer maxDecreasePercent;

        @Min(0)
        @Max(86400)
        @Default("300")
        @JsonPropertyDescription("Seconds a lower recommendation must persist before shrinking.")
        public Integer stabilizationSeconds;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Budget {
        @Required
        @Min(1)
        @Max(1000000)
        @JsonPropertyDescription("Most connections all replicas together may hold.")
        public Integer maxConnections;

        @Size(min = 1, max = 63)
        @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
        @JsonPropertyDescription("Share this budget with every pool in the namespace that names the same budget.")
        public String name;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "self.type != 'Env' || (has(self.container) && has(self.envName))",
            message = "delivery type Env needs container and envName")
    public static class Delivery {
        public enum Type { ConfigMap, Env }

        @Default("ConfigMap")
        @JsonPropertyDescription("ConfigMap: Vigil writes the size into its own ConfigMap <service>-pools (one key per "
                + "pool) that the app watches, no restart; Env: Vigil sets one env var on the workload's container "
                + "(this rolls the pods).")
        public Type type;

        @Size(min = 1, max = 63)
        @JsonPropertyDescription("Container that receives the env var (type Env).")
        public String container;

        @Size(min = 1, max = 128)
        @Pattern("^[A-Za-z_][A-Za-z0-9_]*$")
        @JsonPropertyDescription("Name of the env var (type Env).")
        public String envName;
    }
}
