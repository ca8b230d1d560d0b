package dev.vigil.api.v1alpha1;

import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs at build time on the generated CRDs (quarkus.operator-sdk.crd.post-processor):
 * <ul>
 * <li>printer columns in declaration order (the generator sorts them by JSON path, but kubectl shows them in list
 * order, and users read Ready first);</li>
 * <li>descriptions for the fields of the Kubernetes core types Vigil embeds (ResourceRequirements, LabelSelector,
 * Toleration), which the generator inlines without any, so that {@code kubectl explain} has something to say about
 * them.</li>
 * </ul>
 */
public class CrdPostProcessor implements CRDPostProcessor {
    static final List<String> ORDER = List.of("Ready", "Mode", "Shards", "Agents", "Groups", "Served", "Fleets", "Services", "Collector", "Workload", "Budget", "Pools", "Reason", "Age");

    /** The description of each kind's spec (the generator takes the field from CustomResource, without one). */
    static final Map<String, String> SPECS = Map.of(
            "TelemetryCollector", "The fleet of collectors as the platform team wants it: shards, which services it "
                    + "collects, where it exports, its resources and its collector configuration fragment.",
            "InstrumentedService", "How the app team wants its service observed: its workload, how its metrics are "
                    + "scraped, its SLOs, its connection pools, its dashboard and its trace sampling.",
            "LogParserRule", "How the app team's log lines are parsed on the node agents: which of its pods, the parse "
                    + "steps in order, renames and drops, multiline joining, and the sample lines that prove the rule.");

    /** Descriptions by field path below the version's schema ({@code []} steps into a list's items). */
    static final Map<String, String> EMBEDDED = embedded();

    private static Map<String, String> embedded() {
        Map<String, String> d = new LinkedHashMap<>();
        for (String r : List.of("spec.resources", "spec.agent.nodeGroups.overrides[].resources")) {
            d.put(r + ".limits", "The most CPU and memory each collector pod may use, e.g. {cpu: 500m, memory: 512Mi}; "
                    + "a pod over its memory limit is killed.");
            d.put(r + ".requests", "The CPU and memory each collector pod is scheduled with, e.g. {cpu: 100m, "
                    + "memory: 256Mi}; where unset, the limit.");
            d.put(r + ".claims", "Dynamic resource claims (DynamicResourceAllocation) the collector container uses, "
                    + "by name from the pod's resourceClaims; rarely needed.");
            d.put(r + ".claims[].name", "Name of one entry of the pod's spec.resourceClaims.");
            d.put(r + ".claims[].request", "The request of that claim to use; empty: the whole claim.");
        }
        d.put("spec.tolerations[].key", "The taint key this toleration matches; empty with operator Exists: every taint.");
        d.put("spec.tolerations[].operator", "Equal (the taint's value must be value) or Exists (any value); default Equal.");
        d.put("spec.tolerations[].value", "The taint value to match with operator Equal; empty for Exists.");
        d.put("spec.tolerations[].effect", "The taint effect to match: NoSchedule, PreferNoSchedule or NoExecute; empty: all.");
        d.put("spec.tolerations[].tolerationSeconds", "With effect NoExecute: how long the pod stays on the node after "
                + "the taint is added; unset: forever.");
        for (var sel : Map.of("selector", "labels of the InstrumentedServices",
                "namespaceSelector", "labels of the namespaces").entrySet()) {
            String p = "spec.serviceSelector." + sel.getKey();
            d.put(p + ".matchLabels", "Key/value pairs the " + sel.getValue() + " must all carry.");
            d.put(p + ".matchExpressions", "Requirements on the " + sel.getValue() + ", all of which must hold "
                    + "(together with matchLabels).");
            d.put(p + ".matchExpressions[].key", "The label key the requirement is about.");
            d.put(p + ".matchExpressions[].operator", "In, NotIn, Exists or DoesNotExist.");
            d.put(p + ".matchExpressions[].values", "The values for In and NotIn (at least one); empty for Exists and "
                    + "DoesNotExist.");
        }
        return d;
    }

    @Override
    public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
        if (crd instanceof CustomResourceDefinition def) {
            for (CustomResourceDefinitionVersion v : def.getSpec().getVersions()) {
                if (v.getAdditionalPrinterColumns() != null) {
                    List<CustomResourceColumnDefinition> cols = new ArrayList<>(v.getAdditionalPrinterColumns());
                    cols.sort(Comparator.comparingInt(c -> rank(c.getName())));
                    v.setAdditionalPrinterColumns(cols);
                }
                if (v.getSchema() != null) {
                    JSONSchemaProps root = v.getSchema().getOpenAPIV3Schema();
                    EMBEDDED.forEach((path, text) -> describe(root, path, text));
                    describe(root, "spec", SPECS.getOrDefault(def.getSpec().getNames().getKind(), "What is wanted."));
                    describe(root, "status", "What Vigil observed and did, written by the operator only.");
                    describeShapes(root);
                }
            }
        }
        return crd;
    }

    /** The fields of the core types wherever they appear (a condition list, a label selector), by their shape. */
    static final Map<String, String> CONDITION = Map.of(
            "type", "The condition's type, e.g. Ready.",
            "status", "True, False or Unknown.",
            "reason", "Why, as a stable CamelCase identifier (tools and Argo CD match on it).",
            "message", "Why, in words.",
            "lastTransitionTime", "When status last changed (RFC 3339).",
            "observedGeneration", "The metadata.generation the condition describes.");
    static final Map<String, String> SELECTOR = Map.of(
            "matchLabels", "Key/value pairs the labels must all carry.",
            "matchExpressions", "Requirements on the labels, all of which must hold (together with matchLabels).",
            "matchExpressions[].key", "The label key the requirement is about.",
            "matchExpressions[].operator", "In, NotIn, Exists or DoesNotExist.",
            "matchExpressions[].values", "The values for In and NotIn (at least one); empty for Exists and DoesNotExist.");

    static void describeShapes(JSONSchemaProps node) {
        if (node == null) {
            return;
        }
        Map<String, JSONSchemaProps> props = node.getProperties();
        if (props != null) {
            if (props.keySet().containsAll(java.util.Set.of("type", "status", "reason", "message", "lastTransitionTime"))) {
                CONDITION.forEach((field, text) -> describe(node, field, text));
            }
            if (props.keySet().containsAll(java.util.Set.of("matchLabels", "matchExpressions"))) {
                SELECTOR.forEach((field, text) -> describe(node, field, text));
            }
            props.values().forEach(CrdPostProcessor::describeShapes);
        }
        if (node.getItems() != null) {
            describeShapes(node.getItems().getSchema());
        }
    }

    /** Sets the description at {@code path} when the schema has that field and no description yet. */
    static void describe(JSONSchemaProps root, String path, String text) {
        JSONSchemaProps at = root;
        for (String step : path.split("\\.")) {
            boolean items = step.endsWith("[]");
            String name = items ? step.substring(0, step.length() - 2) : step;
            at = at == null || at.getProperties() == null ? null : at.getProperties().get(name);
            if (items) {
                at = at == null || at.getItems() == null ? null : at.getItems().getSchema();
            }
        }
        if (at != null && at.getDescription() == null) {
            at.setDescription(text);
        }
    }

    private static int rank(String name) {
        int i = ORDER.indexOf(name);
        return i < 0 ? ORDER.size() : i;
    }
}
