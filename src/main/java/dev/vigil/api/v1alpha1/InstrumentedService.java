package dev.vigil.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** How an app team's service is observed: metrics, traces, SLOs, connection pools and its dashboard. */
@Group(TelemetryCollector.GROUP)
@Version(TelemetryCollector.VERSION)
@ShortNames("isvc")
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Collector", jsonPath = ".status.collector.name", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Workload", jsonPath = ".spec.workloadRef.name", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Budget", jsonPath = ".status.worstBudgetRemaining", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Pools", jsonPath = ".status.poolSizes", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Sampling", jsonPath = ".status.traceSampling.ratio", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Reason", jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason", type = AdditionalPrinterColumn.Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class InstrumentedService extends CustomResource<InstrumentedServiceSpec, InstrumentedServiceStatus> implements Namespaced {
    @Override
    protected InstrumentedServiceSpec initSpec() {
        return new InstrumentedServiceSpec();
    }
}
