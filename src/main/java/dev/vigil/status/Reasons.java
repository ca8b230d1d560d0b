package dev.vigil.status;

/** Condition types and reasons, in one place (CamelCase, stable: users and Argo CD match on them). */
public final class Reasons {
    public static final String READY = "Ready";
    public static final String CONFIG_VALID = "ConfigValid";
    public static final String PROGRESSING = "Progressing";
    public static final String WORKLOAD_FOUND = "WorkloadFound";
    public static final String COLLECTED = "Collected";
    public static final String METRICS_AVAILABLE = "MetricsAvailable";
    public static final String SHARDS_WITHIN_CAP = "ShardsWithinCap";
    /** Prefix of the per-SLO condition types: slo.vigil.dev/&lt;slo name&gt;. */
    public static final String SLO_CONDITION_PREFIX = "slo.vigil.dev/";

    public static final String RECONCILE_ERROR = "ReconcileError";
    public static final String ALL_SHARDS_READY = "AllShardsReady";
    public static final String SHARDS_NOT_READY = "ShardsNotReady";
    public static final String ALL_AGENTS_READY = "AllAgentsReady";
    public static final String AGENTS_NOT_READY = "AgentsNotReady";
    public static final String NO_NODES = "NoNodes";

    // Log parser rules
    public static final String VALID = "Valid";
    public static final String RULE_ACCEPTED = "RuleAccepted";
    public static final String INVALID_RULE = "InvalidRule";
    public static final String SAMPLE_MISMATCH = "SampleMismatch";
    public static final String COLLECTOR_REJECTED = "CollectorRejected";
    public static final String SERVICE_NOT_FOUND = "ServiceNotFound";
    public static final String NO_WORKLOADS = "NoWorkloads";
    public static final String NO_AGENT_FLEET = "NoAgentFleet";
    public static final String RULE_SERVED = "RuleServed";
    /** Warning event: the agents report records a rule could not parse. */
    public static final String PARSE_FAILURES = "ParseFailures";
    public static final String RULE_ROLLING_OUT = "RollingOut";
    public static final String ROLLING_OUT = "RollingOut";
    public static final String CONFIG_ACCEPTED = "ConfigAccepted";
    public static final String INVALID_CONFIG = "InvalidConfig";
    public static final String WORKLOAD_PRESENT = "WorkloadPresent";
    public static final String WORKLOAD_MISSING = "WorkloadMissing";
    public static final String COLLECTOR_SELECTED = "CollectorSelected";
    public static final String NO_MATCHING_COLLECTOR = "NoMatchingCollector";
    public static final String COLLECTOR_NOT_READY = "CollectorNotReady";

    public static final String SHARD_OVER_CAP = "ShardOverCap";
    public static final String WITHIN_CAP = "WithinCap";
    public static final String INVALID_SLO = "InvalidSLO";
    public static final String QUERIES_ANSWERED = "QueriesAnswered";
    public static final String PROMETHEUS_NOT_CONFIGURED = "PrometheusNotConfigured";
    public static final String PROMETHEUS_UNAVAILABLE = "PrometheusUnavailable";
    public static final String PROMETHEUS_CREDENTIALS_MISSING = "PrometheusCredentialsMissing";
    public static final String WITHIN_BUDGET = "WithinBudget";
    public static final String TICKET_BURN_RATE = "TicketBurnRate";
    public static final String PAGE_BURN_RATE = "PageBurnRate";
    public static final String ERROR_BUDGET_EXHAUSTED = "ErrorBudgetExhausted";
    public static final String NO_DATA = "NoData";
    /** An SLO whose series count no events over its window: a quiet service, its whole budget left. */
    public static final String NO_TRAFFIC = "NoTraffic";
    public static final String METRICS_UNAVAILABLE = "MetricsUnavailable";
    public static final String ERROR_BUDGET_LOW = "ErrorBudgetLow";
    /** Normal event: an SLO report was written. */
    public static final String SLO_REPORT_READY = "SloReportReady";
    /** Warning event: an SLO report's summary could not be posted to the webhook. */
    public static final String SLO_REPORT_WEBHOOK_FAILED = "SloReportWebhookFailed";

    // Connection pools (status.pools[].conditions and events).
    public static final String SCALING_LIMITED = "ScalingLimited";
    public static final String BUDGET_LIMITED = "BudgetLimited";
    public static final String SIGNALS_READ = "SignalsRead";
    public static final String NO_SIGNAL_DATA = "NoSignalData";
    public static final String SIGNAL_QUERY_REJECTED = "SignalQueryRejected";
    public static final String WITHIN_BOUNDS = "WithinBounds";
    public static final String CAPPED_BY_MAX = "CappedByMax";
    public static final String RAISED_TO_MIN = "RaisedToMin";
    public static final String CAPPED_BY_BUDGET = "CappedByBudget";
    public static final String POOL_RESIZED = "PoolResized";
    public static final String POOL_DELIVERY_FAILED = "PoolDeliveryFailed";
    public static final String POOLS_DELIVERED = "PoolsDelivered";
    public static final String POOL_SIZES_WRITTEN = "PoolSizesWritten";

    // Dashboards
    public static final String DASHBOARD_DELIVERED = "DashboardDelivered";
    public static final String DASHBOARD_CONFIGMAP_WRITTEN = "ConfigMapWritten";
    public static final String GRAFANA_DASHBOARD_APPLIED = "GrafanaDashboardApplied";
    public static final String DASHBOARD_NAME_TAKEN = "DashboardNameTaken";

    // SLO rules delivery
    public static final String RULES_NAME_TAKEN = "RulesNameTaken";

    // Trace sampling
    public static final String TRACE_SAMPLING = "TraceSampling";
    public static final String SAMPLING_BOOSTED = "SamplingBoosted";
    public static final String SAMPLING_NAME_TAKEN = "ServiceNameTaken";

    private Reasons() {
    }
}
