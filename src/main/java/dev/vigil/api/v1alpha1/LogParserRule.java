package dev.vigil.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** An app team's log parsing rule: which of its pods' logs, the parse steps, and the sample lines that prove them. */
@Group(TelemetryCollector.GROUP)
@Version(TelemetryCollector.VERSION)
@ShortNames("lpr")
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Served", jsonPath = ".status.servedGeneration", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Fleets", jsonPath = ".status.fleetNames", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Failures", jsonPath = ".status.parseFailures", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Reason", jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason", type = AdditionalPrinterColumn.Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class LogParserRule extends CustomResource<LogParserRuleSpec, LogParserRuleStatus> implements Namespaced {
    @Override
    protected LogParserRuleSpec initSpec() {
        return new LogParserRuleSpec();
    }
}
