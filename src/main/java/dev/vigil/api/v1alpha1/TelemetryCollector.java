package dev.vigil.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A fleet of OpenTelemetry collectors, owned by a platform team: shards (metrics, traces) or node agents (logs). */
@Group(TelemetryCollector.GROUP)
@Version(TelemetryCollector.VERSION)
@ShortNames("tc")
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Mode", jsonPath = ".spec.mode", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Shards", jsonPath = ".status.shards", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Agents", jsonPath = ".status.agents", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Groups", jsonPath = ".status.groups", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Services", jsonPath = ".status.services", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Reason", jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason", type = AdditionalPrinterColumn.Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class TelemetryCollector extends CustomResource<TelemetryCollectorSpec, TelemetryCollectorStatus> implements Namespaced {
    public static final String GROUP = "vigil.dev";
    public static final String VERSION = "v1alpha1";

    @Override
    protected TelemetryCollectorSpec initSpec() {
        return new TelemetryCollectorSpec();
    }
}
