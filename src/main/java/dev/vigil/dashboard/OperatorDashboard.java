package dev.vigil.dashboard;

import dev.vigil.dashboard.DashboardBuilder.Query;
import dev.vigil.telemetry.OperatorGauges;

import java.util.List;

/**
 * The dashboard of the Vigil operator itself, shipped in the Helm chart (helm/vigil/dashboards/vigil-operator.json):
 * reconciles per second and their outcome, errors, how long a reconcile takes, the work queue, what the operator
 * decided (pool sizes, targets per shard), and its JVM. Reads the operator's /q/metrics: the Java Operator SDK's
 * {@code reconciliations_*} (per {@code controller_name}) and Vigil's own {@code vigil_*}, scoped by the namespace
 * the operator runs in (a variable).
 */
public final class OperatorDashboard {
    public static final String UID = "vigil-operator";

    private OperatorDashboard() {
    }

    public static Grafana.Dashboard build() {
        String ns = "namespace=\"$namespace\"";
        String rate = "[$__rate_interval]";
        DashboardBuilder d = new DashboardBuilder(UID, "Vigil operator", List.of("vigil", "operator"))
                .description("The Vigil operator: reconciles, errors, latency, queue, decisions. Shipped with the Helm chart.")
                .datasourceVariable()
                .labelValuesVariable("namespace", "Namespace", "vigil_reconciles_total", "namespace", null, false);

        d.row("Reconciles");
        d.timeseries("Reconciles per second", "Reconciles started, per controller.", "ops", 8, List.of(
                new Query("sum by (controller_name) (rate(reconciliations_started_total{" + ns + "}" + rate + "))", "{{controller_name}}")));
        d.timeseries("Outcomes", "Reconciles that ended in success or error, per kind.", "ops", 8, List.of(
                new Query("sum by (kind, outcome) (rate(vigil_reconciles_total{" + ns + "}" + rate + "))", "{{kind}} {{outcome}}")));
        d.timeseries("Errors and retries", "Failed reconciles and retries, per controller.", "ops", 8, List.of(
                new Query("sum by (controller_name) (rate(reconciliations_failure_total{" + ns + "}" + rate + "))", "failed {{controller_name}}"),
                new Query("sum by (controller_name) (rate(reconciliations_retries_total{" + ns + "}" + rate + "))", "retries {{controller_name}}")));

        d.row("Latency and queue");
        d.timeseries("Reconcile duration", "Mean and longest reconcile per controller.", "s", 12, List.of(
                new Query("sum by (controller_name) (rate(reconciliations_execution_duration_seconds_sum{" + ns + "}" + rate
                        + "))\n/\nsum by (controller_name) (rate(reconciliations_execution_duration_seconds_count{" + ns + "}" + rate + "))",
                        "mean {{controller_name}}"),
                new Query("max by (controller_name) (reconciliations_execution_duration_seconds_max{" + ns + "})", "max {{controller_name}}")));
        d.timeseries("Queue and in flight", "Resources waiting for a reconcile, and reconciles running, per controller.",
                "none", 12, List.of(
                new Query("sum by (controller_name) (reconciliations_queue{" + ns + "})", "queued {{controller_name}}"),
                new Query("sum by (controller_name) (reconciliations_active{" + ns + "})", "running {{controller_name}}")));

        d.row("Decisions");
        d.timeseries("Pool sizes", "Size Vigil delivered to each pool.", "none", 12, List.of(
                new Query(OperatorGauges.POOL_SIZE_METRIC + "{" + ns + "}", "{{service_namespace}}/{{service_name}} {{pool}}")));
        d.timeseries("Targets per shard", "Scrape targets per shard of each fleet.", "none", 12, List.of(
                new Query(OperatorGauges.SHARD_TARGETS_METRIC + "{" + ns + "}", "{{fleet_namespace}}/{{fleet}} {{shard}}")));

        d.row("JVM");
        d.timeseries("Heap", "Heap used and its limit.", "bytes", 12, List.of(
                new Query("sum(jvm_memory_used_bytes{" + ns + ",area=\"heap\"})", "used"),
                new Query("sum(jvm_memory_max_bytes{" + ns + ",area=\"heap\"})", "max")));
        d.timeseries("CPU", "CPU used by the operator process.", "percentunit", 12, List.of(
                new Query("max(process_cpu_usage{" + ns + "})", "cpu")));
        return d.build();
    }
}
