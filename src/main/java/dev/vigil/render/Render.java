package dev.vigil.render;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.collector.FleetPlanner;
import dev.vigil.config.Settings;
import dev.vigil.selection.FleetSelection;
import dev.vigil.serialization.Yaml;
import dev.vigil.sharding.ScrapeTarget;
import dev.vigil.slo.SloRules;
import dev.vigil.slo.SloRulesConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The offline render: every object Vigil would create for a set of custom resources, without a cluster. It runs the
 * same planner the operator runs. Workloads and Namespaces among the inputs stand in for the cluster's (a service
 * whose workload is not among them is reported, as the operator would, and left out of its fleet's config).
 */
public final class Render {
    private Render() {
    }

    public record Result(List<HasMetadata> objects, List<String> errors, List<String> notes) {
    }

    public static List<HasMetadata> parse(Reader reader, String source) throws IOException {
        return parse(reader, source, null, new ArrayList<>());
    }

    /**
     * Parses every document; with a schema check, a Vigil resource the schema rejects is reported in
     * {@code errors} (as the apiserver would reject it) and left out.
     */
    public static List<HasMetadata> parse(Reader reader, String source, SchemaCheck schema, List<String> errors)
            throws IOException {
        List<HasMetadata> out = new ArrayList<>();
        try (JsonParser parser = Yaml.MAPPER.getFactory().createParser(reader);
                MappingIterator<JsonNode> docs = Yaml.MAPPER.readValues(parser, JsonNode.class)) {
            int index = 0;
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                index++;
                if (doc == null || doc.isNull() || doc.isEmpty()) {
                    continue;
                }
                String kind = doc.path("kind").asText("");
                Class<? extends HasMetadata> type = switch (kind) {
                    case "TelemetryCollector" -> TelemetryCollector.class;
                    case "InstrumentedService" -> InstrumentedService.class;
                    case "Deployment" -> Deployment.class;
                    case "StatefulSet" -> StatefulSet.class;
                    case "Namespace" -> Namespace.class;
                    default -> null;
                };
                if (type == null) {
                    continue;
                }
                if (schema != null && schema.knows(doc)) {
                    List<String> problems = schema.check(doc);
                    if (!problems.isEmpty()) {
                        String ns = doc.path("metadata").path("namespace").asText("default");
                        String id = source + ": " + kind + " " + ns + "/" + doc.path("metadata").path("name").asText("");
                        problems.forEach(p -> errors.add(id + ": " + p));
                        continue;
                    }
                }
                try {
                    HasMetadata resource = Yaml.MAPPER.treeToValue(doc, type);
                    if (resource.getMetadata() != null && resource.getMetadata().getNamespace() == null
                            && !(resource instanceof Namespace)) {
                        resource.getMetadata().setNamespace("default");
                    }
                    out.add(resource);
                } catch (IOException | IllegalArgumentException e) {
                    throw new IOException(source + " document " + index + ": " + e.getMessage(), e);
                }
            }
        } catch (RuntimeException e) {
            // Jackson reports YAML syntax errors from the iterator as unchecked exceptions.
            throw new IOException(source + ": not valid YAML: " + e.getMessage(), e);
        }
        return out;
    }

    public static Result render(List<HasMetadata> inputs) {
        return render(inputs, Settings.defaults());
    }

    /** The objects the operator would create with these settings (a settings file, or the defaults). */
    public static Result render(List<HasMetadata> inputs, Settings settings) {
        List<TelemetryCollector> fleets = new ArrayList<>();
        List<InstrumentedService> services = new ArrayList<>();
        Map<String, HasMetadata> workloads = new LinkedHashMap<>();
        Map<String, Map<String, String>> namespaceLabels = new LinkedHashMap<>();
        for (HasMetadata r : inputs) {
            if (r instanceof TelemetryCollector t) {
                fleets.add(t);
            } else if (r instanceof InstrumentedService s) {
                services.add(s);
            } else if (r instanceof Namespace n) {
                namespaceLabels.put(n.getMetadata().getName(), n.getMetadata().getLabels());
            } else {
                workloads.put(r.getKind() + "/" + r.getMetadata().getNamespace() + "/" + r.getMetadata().getName(), r);
            }
        }
        fleets.sort(Comparator.comparing((TelemetryCollector t) -> t.getMetadata().getNamespace())
                .thenComparing(t -> t.getMetadata().getName()));
        List<String> errors = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        List<HasMetadata> objects = new ArrayList<>();
        for (TelemetryCollector fleet : fleets) {
            String id = "TelemetryCollector " + fleet.getMetadata().getNamespace() + "/" + fleet.getMetadata().getName();
            List<ScrapeTarget> targets = new ArrayList<>();
            int collected = 0;
            for (InstrumentedService s : services) {
                Optional<TelemetryCollector> chosen = FleetSelection.chooseFleet(s, fleets,
                        ns -> namespaceLabels.getOrDefault(ns, Map.of()), fleet.getSpec().modeOrDefault());
                if (chosen.isEmpty() || chosen.get() != fleet) {
                    continue;
                }
                if (fleet.getSpec().agent()) {
                    collected++;
                    continue;
                }
                String kind = s.getSpec().workloadRef.kindOrDefault().name();
                HasMetadata w = workloads.get(kind + "/" + s.getMetadata().getNamespace() + "/" + s.getSpec().workloadRef.name);
                if (w == null) {
                    notes.add("InstrumentedService " + s.getMetadata().getNamespace() + "/" + s.getMetadata().getName()
                            + ": " + kind + " " + s.getSpec().workloadRef.name + " is not among the inputs "
                            + "(the operator would report WorkloadMissing); left out of " + id);
                    continue;
                }
                LabelSelector selector = w instanceof Deployment d ? d.getSpec().getSelector()
                        : ((StatefulSet) w).getSpec().getSelector();
                targets.add(FleetPlanner.target(s, selector));
                collected++;
            }
            FleetPlanner.Outcome outcome = FleetPlanner.plan(fleet, collected, settings.collector());
            if (!outcome.valid()) {
                outcome.problems().forEach(p -> errors.add(id + ": ConfigValid=False: " + p));
                continue;
            }
            objects.addAll(FleetPlanner.objects(fleet, outcome.plan()));
        }
        services.sort(Comparator.comparing((InstrumentedService s) -> s.getMetadata().getNamespace())
                .thenComparing(s -> s.getMetadata().getName()));
        for (InstrumentedService s : services) {
            // Without the PrometheusRule CRD (which an offline render cannot see) the rules go to a ConfigMap.
            List<String> sloProblems = SloRules.problems(s);
            if (!sloProblems.isEmpty()) {
                sloProblems.forEach(p -> errors.add("InstrumentedService " + s.getMetadata().getNamespace() + "/"
                        + s.getMetadata().getName() + ": Ready=False (InvalidSLO): " + p));
            } else if (!s.getSpec().slos.isEmpty()) {
                objects.add(SloRulesConfigMap.build(s, settings.slo()));
            }
        }
        for (InstrumentedService s : services) {
            if (FleetSelection.chooseFleet(s, fleets, ns -> namespaceLabels.getOrDefault(ns, Map.of())).isEmpty()) {
                notes.add("InstrumentedService " + s.getMetadata().getNamespace() + "/" + s.getMetadata().getName()
                        + ": no TelemetryCollector among the inputs selects it (the operator would report NoMatchingCollector)");
            }
        }
        return new Result(objects, errors, notes);
    }

    /** Multi-document YAML of the objects, as `kubectl apply -f` takes it. */
    public static String toYaml(List<HasMetadata> objects) {
        StringBuilder sb = new StringBuilder();
        for (HasMetadata o : objects) {
            sb.append("---\n").append(Yaml.write(o));
        }
        return sb.toString();
    }
}
