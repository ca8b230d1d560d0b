package dev.vigil.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class TracesSpec {
    @JsonPropertyDescription("How many traces are kept.")
    public Sampling sampling;

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "self.mode != 'fixed' || has(self.ratio)", message = "mode fixed needs ratio")
    @ValidationRule(value = "self.mode != 'adaptive' || has(self.targetSpansPerSecond)",
            message = "mode adaptive needs targetSpansPerSecond")
    public static class Sampling {
        public enum Mode { fixed, adaptive }

        @Default("fixed")
        @JsonPropertyDescription("fixed: keep a fixed share of traces (ratio); adaptive: adjust the share to keep "
                + "about targetSpansPerSecond.")
        public Mode mode = Mode.fixed;

        @Min(0)
        @Max(1)
        @JsonPropertyDescription("Share of traces kept, from 0 to 1 (fixed mode; the starting share in adaptive mode).")
        public Double ratio;

        @Min(1)
        @Max(1000000)
        @JsonPropertyDescription("Spans per second to aim for (adaptive mode).")
        public Integer targetSpansPerSecond;
    }
}
