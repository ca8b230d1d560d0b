package dev.vigil.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.indicator) != has(self.template)", message = "set exactly one of indicator or template")
public class SloSpec {
    /** Calendar windows: the budget starts whole at each boundary (UTC). */
    public static final String MONTH = "month";
    public static final String WEEK = "week";

    @Required
    @Size(min = 1, max = 63)
    @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
    @JsonPropertyDescription("Name of the SLO, unique within the service (a DNS label).")
    public String name;

    @Required
    @Size(min = 1, max = 12)
    @ValidationRule(value = "self.matches('^[0-9]{1,2}(\\\\.[0-9]{1,6})?$') && double(self) > 0.0",
            message = "objective must be a percentage strictly between 0 and 100 with at most 6 decimals, e.g. \"99.9\"")
    @JsonPropertyDescription("Objective as a decimal percentage string strictly between 0 and 100, e.g. \"99.9\".")
    public String objective;

    @Size(min = 2, max = 5)
    @Default("30d")
    @ValidationRule(value = "self.matches('^([7-9]|[1-8][0-9]|90)d$') || self == 'month' || self == 'week'",
            message = "window must be whole days from 7d to 90d, or month or week")
    @JsonPropertyDescription("Window of the objective: rolling, in days from 7d to 90d; or calendar-aligned, month or "
            + "week (from the first of the month or Monday, 00:00 UTC: the budget is whole again at each boundary).")
    public String window;

    @JsonPropertyDescription("How good and bad events are counted, in PromQL; or use a template instead.")
    public Indicator indicator;

    @JsonPropertyDescription("A typed SLI from Vigil's catalogue (HTTP, gRPC, dependencies, pools, consumer lag, "
            + "collection) instead of hand-written PromQL.")
    public SloTemplate template;

    @JsonPropertyDescription("How the SLO's alerts are labelled.")
    public Alerting alerting;

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "has(self.ratio) != has(self.latency)", message = "set exactly one of ratio or latency")
    public static class Indicator {
        @JsonPropertyDescription("Events counted by two PromQL queries.")
        public Ratio ratio;

        @JsonPropertyDescription("Share of requests slower than a threshold, from a histogram.")
        public Latency latency;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "has(self.errors) != has(self.good)", message = "set exactly one of errors or good")
    public static class Ratio {
        @ValidationRule(value = "self.contains('$window')", message = "the query must use $window as its range, e.g. [$window]")
        @Size(min = 1, max = 2048)
        @JsonPropertyDescription("PromQL counting bad events; use [$window] where the range goes, e.g. "
                + "sum(rate(http_requests_total{code=~\"5..\"}[$window])).")
        public String errors;

        @ValidationRule(value = "self.contains('$window')", message = "the query must use $window as its range, e.g. [$window]")
        @Size(min = 1, max = 2048)
        @JsonPropertyDescription("PromQL counting good events, instead of errors.")
        public String good;

        @Required
        @ValidationRule(value = "self.contains('$window')", message = "the query must use $window as its range, e.g. [$window]")
        @Size(min = 1, max = 2048)
        @JsonPropertyDescription("PromQL counting all events, with [$window] where the range goes.")
        public String total;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Latency {
        @Required
        @Size(min = 1, max = 256)
        @Pattern("^[a-zA-Z_:][a-zA-Z0-9_:]*$")
        @JsonPropertyDescription("Histogram metric name without the _bucket suffix, e.g. http_server_request_duration_seconds.")
        public String metric;

        @Required
        @Size(min = 1, max = 32)
        @Pattern("^[0-9]+(\\.[0-9]+)?$")
        @JsonPropertyDescription("Threshold in the histogram's unit; must equal one of its bucket boundaries (le).")
        public String threshold;

        @Size(max = 1024)
        @JsonPropertyDescription("Extra label matchers, e.g. route=\"/checkout\",method=\"POST\".")
        public String selector;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Alerting {
        @Size(min = 1, max = 63)
        @Default("critical")
        @JsonPropertyDescription("severity label of the page alerts (fast burn).")
        public String pageSeverity;

        @Size(min = 1, max = 63)
        @Default("warning")
        @JsonPropertyDescription("severity label of the ticket alerts (slow burn).")
        public String ticketSeverity;

        @Size(max = 20)
        @JsonPropertyDescription("Extra labels on every alert of this SLO.")
        public Map<String, @Size(max = 256) String> labels;

        @Size(max = 2048)
        @JsonPropertyDescription("Runbook URL set as the runbook_url annotation.")
        public String runbookUrl;

        @Size(min = 1, max = 16)
        @ValidationRule(value = "self.matches('^[0-9]{1,6}(\\\\.[0-9]{1,6})?$')",
                message = "minEventRate must be a decimal number of events per second, e.g. \"0.5\"")
        @JsonPropertyDescription("Events per second over an alert's long window below which its burn-rate alert does not "
                + "fire, e.g. \"0.5\"; \"0\" lets every burn alert. Default: per alert, the rate at which a single "
                + "failure in the long window stays below the alert's threshold (1 / (threshold x long window)), so "
                + "that one failure of a quiet service never pages. Ignored by time-based SLIs (each minute is an event).")
        public String minEventRate;

        @Size(min = 2, max = 8)
        @Default("10m")
        @ValidationRule(value = "self.matches('^[0-9]{1,4}(m|h)$') && duration(self) >= duration('1m') && duration(self) <= duration('168h')",
                message = "absentFor must be a duration in m or h from 1m to 168h")
        @JsonPropertyDescription("How long the SLI's event series may be missing before the absent-SLI alert "
                + "(VigilSLOIndicatorAbsent) fires; a quiet service whose series exist and count nothing does not fire it.")
        public String absentFor;
    }
}
