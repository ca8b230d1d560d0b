package dev.vigil.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class TracesSpec {
    @JsonPropertyDescription("How many traces are kept.")
    public Sampling sampling;

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "self.mode != 'fixed' || has(self.ratio)", message = "mode fixed needs ratio")
    @ValidationRule(value = "self.mode != 'adaptive' || has(self.targetSpansPerSecond)",
            message = "mode adaptive needs targetSpansPerSecond")
    @ValidationRule(value = "self.minRatio <= self.maxRatio", message = "minRatio must not be above maxRatio")
    @ValidationRule(value = "self.mode != 'adaptive' || !has(self.ratio) || (self.ratio >= self.minRatio && self.ratio <= self.maxRatio)",
            message = "the starting ratio of adaptive mode must be within [minRatio, maxRatio]")
    @ValidationRule(value = "duration(self.evaluationInterval) >= duration('5s') && duration(self.evaluationInterval) <= duration('600s')",
            message = "evaluationInterval must be between 5s and 600s")
    public static class Sampling {
        public enum Mode { fixed, adaptive }

        @Default("fixed")
        @JsonPropertyDescription("fixed: keep a fixed share of traces (ratio); adaptive: adjust the share to keep "
                + "about targetSpansPerSecond.")
        public Mode mode = Mode.fixed;

        @Min(0)
        @Max(1)
        @JsonPropertyDescription("Share of traces kept, from 0 to 1 (fixed mode; the starting share in adaptive mode, "
                + "maxRatio when absent).")
        public Double ratio;

        @Min(1)
        @Max(1000000)
        @JsonPropertyDescription("Spans per second to aim for (adaptive mode): the spans the service's SDK keeps and "
                + "sends, measured at the fleet.")
        public Integer targetSpansPerSecond;

        @Min(0.000001)
        @Max(1)
        @Default("0.001")
        @JsonPropertyDescription("Adaptive mode: the least share kept, above 0, whatever the traffic.")
        public Double minRatio = 0.001;

        @Min(0.000001)
        @Max(1)
        @Default("1")
        @JsonPropertyDescription("Adaptive mode: the most share kept (boost included).")
        public Double maxRatio = 1.0;

        @Min(1)
        @Max(1000)
        @Default("4")
        @JsonPropertyDescription("Adaptive mode: while one of the service's SLOs burns faster than its ticket "
                + "threshold (its 5m burn rate above the highest ticket factor, 3 for a 30d window), the ratio is "
                + "multiplied by this (up to maxRatio), so an incident has traces; 1 switches the boost off.")
        public Double sloBoostFactor = 4.0;

        @Pattern("^([1-9][0-9]*)s$")
        @Default("15s")
        @JsonPropertyDescription("Adaptive mode: how often the ratio is decided (seconds, e.g. 15s).")
        public String evaluationInterval = "15s";
    }
}
