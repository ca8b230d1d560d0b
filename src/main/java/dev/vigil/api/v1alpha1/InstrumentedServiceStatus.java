package dev.vigil.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.LabelSelector;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class InstrumentedServiceStatus extends StatusValue {
    @JsonPropertyDescription("The metadata.generation this status describes.")
    public Long observedGeneration;

    @JsonPropertyDescription("Ready, WorkloadFound, Collected, MetricsAvailable, PoolsDelivered (with pools), "
            + "DashboardDelivered (where the Grafana dashboard went, unless switched off), TraceSampling (with "
            + "spec.traces.sampling: whether the service's fleet serves its strategy), and one slo.vigil.dev/<name> "
            + "condition per SLO.")
    public List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("The workload as Vigil found it.")
    public WorkloadStatus workload;

    @JsonPropertyDescription("The TelemetryCollector fleet that collects this service.")
    public CollectorRef collector;

    @JsonPropertyDescription("The agent fleet (a TelemetryCollector with mode agent) that collects the logs of this "
            + "service's pods; absent when no agent fleet selects the service.")
    public CollectorRef logsCollector;

    @JsonPropertyDescription("Error budget and burn rates of each SLO, as last measured from the fleet's Prometheus.")
    public List<SloStatus> slos;

    @JsonPropertyDescription("The smallest error budget left among the SLOs, e.g. \"87.5% (availability)\".")
    public String worstBudgetRemaining;

    @JsonPropertyDescription("Each connection pool Vigil scales: its size, the signals it was sized from, the last change "
            + "and the connection budget.")
    public List<PoolStatus> pools;

    @JsonPropertyDescription("The pool sizes Vigil delivered, e.g. \"redis=8,db=20\".")
    public String poolSizes;

    @JsonPropertyDescription("Trace sampling (with spec.traces.sampling): the ratio the fleet serves the app's SDK, "
            + "why, what was measured, and the SDK settings to use.")
    public TraceSamplingStatus traceSampling;

    @JsonPropertyDescription("The last SLO report written.")
    public SloReportStatus sloReport;

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class TraceSamplingStatus extends StatusValue {
        @JsonPropertyDescription("fixed or adaptive.")
        public String mode;

        @JsonPropertyDescription("The share of traces the app's SDK keeps, as served (boost included).")
        public String ratio;

        @JsonPropertyDescription("Adaptive mode: the ratio the loop aims with, without the SLO boost.")
        public String baseRatio;

        @JsonPropertyDescription("Fixed, Target (at or moving to targetSpansPerSecond), Boosted (an SLO burns), or "
                + "Holding (no usable measurement: the ratio is kept).")
        public String reason;

        @JsonPropertyDescription("Why, in words.")
        public String message;

        @JsonPropertyDescription("Adaptive mode: spans per second the fleet received from the service (the kept ones), "
                + "as last measured.")
        public String keptSpansPerSecond;

        @JsonPropertyDescription("Adaptive mode: spans per second the service produces before sampling, estimated as "
                + "kept / ratio.")
        public String spansPerSecond;

        @JsonPropertyDescription("When the rates were measured (RFC 3339).")
        public String measuredAt;

        @JsonPropertyDescription("The last change of the ratio.")
        public SamplingChange lastChange;

        @JsonPropertyDescription("Where the app's SDK asks for its strategy (Jaeger remote sampling, gRPC), e.g. for "
                + "the Java SDK OTEL_TRACES_SAMPLER=parentbased_jaeger_remote and OTEL_TRACES_SAMPLER_ARG="
                + "endpoint=<this>,pollingIntervalMs=5000; the service name the SDK sends must be this resource's name.")
        public String endpoint;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class SamplingChange extends StatusValue {
        @JsonPropertyDescription("Ratio before the change.")
        public String from;

        @JsonPropertyDescription("Ratio after the change.")
        public String to;

        @JsonPropertyDescription("When it changed (RFC 3339).")
        public String at;

        @JsonPropertyDescription("Reason of the change.")
        public String reason;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class PoolStatus extends StatusValue {
        @JsonPropertyDescription("Name of the pool.")
        public String name;

        @JsonPropertyDescription("The size Vigil delivered to the app (connections per replica).")
        public Integer size;

        @JsonPropertyDescription("The size the signals ask for, before step limits, stabilisation, bounds and budget.")
        public Integer desiredSize;

        @JsonPropertyDescription("Replicas of the workload counted against the budget (the larger of desired and running).")
        public Integer replicas;

        @JsonPropertyDescription("Last wait signal: waits per second per replica; absent when unknown.")
        public String waitsPerSecond;

        @JsonPropertyDescription("Last utilisation signal: connections in use / pool size (0..1); absent when unknown.")
        public String utilisation;

        @JsonPropertyDescription("When the signals above were read (RFC 3339).")
        public String measuredAt;

        @JsonPropertyDescription("Outcome of the last evaluation: ScaledUp, ScaledDown, WithinTolerance, NoData, "
                + "Stabilizing, SLOGate, CappedByMax, CappedByBudget, RaisedToMin.")
        public String reason;

        @JsonPropertyDescription("Why, in words.")
        public String message;

        @JsonPropertyDescription("The last change of the size.")
        public PoolChange lastChange;

        @JsonPropertyDescription("The connection budget this pool counts against.")
        public PoolBudget budget;

        @JsonPropertyDescription("MetricsAvailable, ScalingLimited (max or min binds) and BudgetLimited.")
        public List<Condition> conditions;

        @JsonPropertyDescription("What the stabilisation windows still need of earlier recommendations, so that an "
                + "operator restart or fail-over neither shrinks the pool early nor starts its windows over; absent "
                + "when no window needs anything.")
        public PoolWindows windows;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class PoolChange extends StatusValue {
        @JsonPropertyDescription("Size before the change.")
        public Integer from;

        @JsonPropertyDescription("Size after the change.")
        public Integer to;

        @JsonPropertyDescription("When it changed (RFC 3339).")
        public String at;

        @JsonPropertyDescription("Reason of the change.")
        public String reason;

        @JsonPropertyDescription("Why, in words.")
        public String message;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class PoolWindows extends StatusValue {
        @JsonPropertyDescription("Recommendations inside the scale-down window that no later one equals or exceeds, "
                + "oldest first (at most 16; older ones merged towards the later time, which only delays a shrink).")
        public List<PoolRecommendation> highest;

        @JsonPropertyDescription("Recommendations inside the scale-up window that no later one equals or undercuts, "
                + "oldest first (at most 16; merged the same way, which only delays a growth).")
        public List<PoolRecommendation> lowest;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class PoolRecommendation extends StatusValue {
        @JsonPropertyDescription("When (RFC 3339).")
        public String at;

        @JsonPropertyDescription("The recommended size.")
        public Integer size;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class PoolBudget extends StatusValue {
        @JsonPropertyDescription("Name of a budget shared by name within the namespace; absent for the pool's own budget.")
        public String name;

        @JsonPropertyDescription("Most connections all members together may hold.")
        public Integer maxConnections;

        @JsonPropertyDescription("Connections this pool may hold over all its replicas.")
        public Integer share;

        @JsonPropertyDescription("Connections this pool holds: size x replicas.")
        public Integer inUse;

        @JsonPropertyDescription("Connections all members hold together (a shared budget).")
        public Integer totalInUse;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class SloStatus extends StatusValue {
        @JsonPropertyDescription("Name of the SLO.")
        public String name;

        @JsonPropertyDescription("Objective in percent, as declared.")
        public String objective;

        @JsonPropertyDescription("Window of the objective, as declared (30d, month, ...).")
        public String window;

        @JsonPropertyDescription("Start of the calendar period the budget is measured over (month and week windows).")
        public String periodStart;

        @JsonPropertyDescription("The SLI as Vigil measures it: the PromQL of its events, with $window where each "
                + "window's range goes (generated when the SLO uses a template).")
        public SliStatus sli;

        @JsonPropertyDescription("Error budget as a fraction of events (1 - objective/100), exact.")
        public String errorBudget;

        @JsonPropertyDescription("Error ratio (bad / all events) over the whole window, rounded to 8 decimals.")
        public String errorRatio;

        @JsonPropertyDescription("Share of the error budget left over the window (1 - errorRatio/errorBudget), rounded to "
                + "4 decimals; negative when overspent.")
        public String budgetRemaining;

        @JsonPropertyDescription("Time until the budget is spent at the current (1h) burn rate, e.g. 3d4h10m; absent "
                + "when the 1h burn rate is 0 or unknown.")
        public String timeLeft;

        @JsonPropertyDescription("Burn rate (error ratio / error budget) per window, rounded to 4 decimals; a window "
                + "without data is absent.")
        public Map<String, String> burnRates;

        @JsonPropertyDescription("The alerts that fire at these burn rates, e.g. \"page 1h/5m\".")
        public List<String> firing;

        @JsonPropertyDescription("Evaluation time of the values above (RFC 3339).")
        public String measuredAt;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class SloReportStatus extends StatusValue {
        @JsonPropertyDescription("The period the last report covers, e.g. 2026-01 or 2026-W05.")
        public String period;

        @JsonPropertyDescription("Start of the period covered, RFC 3339.")
        public String start;

        @JsonPropertyDescription("End of the period covered (exclusive; now for a report of the period so far).")
        public String end;

        @JsonPropertyDescription("False for a report asked for before the period ended (the period so far).")
        public Boolean complete;

        @JsonPropertyDescription("When the report was written.")
        public String generatedAt;

        @JsonPropertyDescription("The value of the vigil.dev/slo-report-request annotation the last on-demand report answered.")
        public String request;

        @JsonPropertyDescription("The ConfigMap holding the report (report.json, report.md).")
        public String configMap;

        @JsonPropertyDescription("How many SLOs met their objective over the period.")
        public Integer met;

        @JsonPropertyDescription("How many SLOs missed their objective over the period.")
        public Integer missed;

        @JsonPropertyDescription("Delivery of the report's summary to spec.reports.webhook.")
        public ReportWebhookStatus webhook;

        @JsonPropertyDescription("Per SLO: achieved percentage against the objective, e.g. \"availability: 99.95% of 99.9% (met, 50% of the budget)\".")
        public List<String> summary;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class ReportWebhookStatus extends StatusValue {
        @JsonPropertyDescription("The webhook accepted the report (HTTP 2xx).")
        public Boolean delivered;

        @JsonPropertyDescription("Attempts so far (at most 5, a minute apart).")
        public Integer attempts;

        @JsonPropertyDescription("Why the last attempt failed (the host and HTTP status only: the URL is a credential).")
        public String lastError;

        @JsonPropertyDescription("When the last attempt was made.")
        public String lastAttemptAt;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class SliStatus extends StatusValue {
        @JsonPropertyDescription("The template the queries come from; absent for a hand-written indicator.")
        public String template;

        @JsonPropertyDescription("PromQL of the bad events.")
        public String errors;

        @JsonPropertyDescription("PromQL of the good events (instead of errors).")
        public String good;

        @JsonPropertyDescription("PromQL of all events.")
        public String total;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class WorkloadStatus extends StatusValue {
        @JsonPropertyDescription("Deployment or StatefulSet.")
        public String kind;

        @JsonPropertyDescription("Name of the workload.")
        public String name;

        @JsonPropertyDescription("The workload's pod selector; the fleet scrapes the pods it selects.")
        public LabelSelector selector;

        @JsonPropertyDescription("Desired replicas of the workload.")
        public Integer replicas;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class CollectorRef extends StatusValue {
        @JsonPropertyDescription("Namespace of the fleet.")
        public String namespace;

        @JsonPropertyDescription("Name of the fleet.")
        public String name;

        public CollectorRef() {
        }

        public CollectorRef(String namespace, String name) {
            this.namespace = namespace;
            this.name = name;
        }
    }
}
