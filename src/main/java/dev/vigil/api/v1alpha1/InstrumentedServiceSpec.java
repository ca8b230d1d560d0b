package dev.vigil.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class InstrumentedServiceSpec {
    @Required
    @JsonPropertyDescription("The Deployment or StatefulSet (in this namespace) that runs the service.")
    public WorkloadRef workloadRef;

    @Required
    @JsonPropertyDescription("Where and how often the service's Prometheus metrics are scraped.")
    public MetricsSpec metrics;

    @JsonPropertyDescription("Trace sampling for the service.")
    public TracesSpec traces;

    @Size(max = 20)
    @ValidationRule(value = "self.all(x, self.filter(y, y.name == x.name).size() == 1)",
            message = "SLO names must be unique")
    @JsonPropertyDescription("Service level objectives; each becomes recording rules, multi-window multi-burn-rate "
            + "alerts and an error-budget status.")
    public List<SloSpec> slos = new ArrayList<>();

    @Size(max = 10)
    @ValidationRule(value = "self.all(x, self.filter(y, y.name == x.name).size() == 1)",
            message = "pool names must be unique")
    @JsonPropertyDescription("Connection pools whose size Vigil scales from pool-wait metrics.")
    public List<PoolSpec> pools = new ArrayList<>();

    @JsonPropertyDescription("The Grafana dashboard Vigil generates for the service.")
    public DashboardSpec dashboard;

    @JsonPropertyDescription("SLO reports: one per calendar period, as the ConfigMap <name>-slo-report (JSON and "
            + "Markdown), summarised in status.sloReport.")
    public ReportsSpec reports;
}
