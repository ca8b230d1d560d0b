package dev.vigil.render;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import dev.vigil.api.v1alpha1.AgentSpec;
import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.LogParserRule;
import dev.vigil.logs.AgentOperators;
import dev.vigil.logs.RuleCheck;
import dev.vigil.logs.RuleOperators;
import dev.vigil.logs.Workload;
import dev.vigil.status.Reasons;
import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.collector.FleetPlanner;
import dev.vigil.config.Settings;
import dev.vigil.selection.FleetSelection;
import dev.vigil.serialization.Yaml;
import dev.vigil.sharding.ScrapeTarget;
import dev.vigil.slo.PlatformTemplates;
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

    /**
     * The objects, the inputs the operator would refuse, notes, and by agent fleet ({@code namespace/name}) the log
     * operators its agents would be served (the enrichment, the valid rules; their vigilrules processor runs them).
     */
    public record Result(List<HasMetadata> objects, List<String> errors, List<String> notes,
            Map<String, List<Map<String, Object>>> logOperators) {
        public Result(List<HasMetadata> objects, List<String> errors, List<String> notes) {
            this(objects, errors, notes, Map.of());
        }
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
                    case "LogParserRule" -> LogParserRule.class;
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
        List<LogParserRule> rules = new ArrayList<>();
        Map<String, HasMetadata> workloads = new LinkedHashMap<>();
        Map<String, Map<String, String>> namespaceLabels = new LinkedHashMap<>();
        for (HasMetadata r : inputs) {
            if (r instanceof TelemetryCollector t) {
                fleets.add(t);
            } else if (r instanceof InstrumentedService s) {
                services.add(s);
            } else if (r instanceof LogParserRule l) {
                rules.add(l);
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
        Map<String, List<Map<String, Object>>> logOperators = new LinkedHashMap<>();
        List<LogParserRule> validRules = validRules(rules, errors);
        for (TelemetryCollector fleet : fleets) {
            String id = "TelemetryCollector " + fleet.getMetadata().getNamespace() + "/" + fleet.getMetadata().getName();
            List<ScrapeTarget> targets = new ArrayList<>();
            List<InstrumentedService> agentServices = new ArrayList<>();
            int collected = 0;
            for (InstrumentedService s : services) {
                Optional<TelemetryCollector> chosen = FleetSelection.chooseFleet(s, fleets,
                        ns -> namespaceLabels.getOrDefault(ns, Map.of()), fleet.getSpec().modeOrDefault());
                if (chosen.isEmpty() || chosen.get() != fleet) {
                    continue;
                }
                if (fleet.getSpec().agent()) {
                    agentServices.add(s);
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
            if (fleet.getSpec().agent()) {
                logOperators.put(fleet.getMetadata().getNamespace() + "/" + fleet.getMetadata().getName(),
                        AgentOperators.of(agentServices, servedRules(validRules, agentServices, workloads),
                                AgentSpec.defaultRules(fleet.getSpec().agent)));
            }
        }
        services.sort(Comparator.comparing((InstrumentedService s) -> s.getMetadata().getNamespace())
                .thenComparing(s -> s.getMetadata().getName()));
        for (InstrumentedService s : services) {
            // Without the PrometheusRule CRD (which an offline render cannot see) the rules go to a ConfigMap.
            // The platform team's templates live in the cluster: an offline render has none.
            List<String> sloProblems = SloRules.problems(s, PlatformTemplates.none());
            if (!sloProblems.isEmpty()) {
                sloProblems.forEach(p -> errors.add("InstrumentedService " + s.getMetadata().getNamespace() + "/"
                        + s.getMetadata().getName() + ": Ready=False (InvalidSLO): " + p));
            } else if (!s.getSpec().slos.isEmpty()) {
                objects.add(SloRulesConfigMap.build(s, settings.slo(), PlatformTemplates.none()));
            }
        }
        for (InstrumentedService s : services) {
            if (FleetSelection.chooseFleet(s, fleets, ns -> namespaceLabels.getOrDefault(ns, Map.of())).isEmpty()) {
                notes.add("InstrumentedService " + s.getMetadata().getNamespace() + "/" + s.getMetadata().getName()
                        + ": no TelemetryCollector among the inputs selects it (the operator would report NoMatchingCollector)");
            }
        }
        for (LogParserRule r : validRules) {
            boolean served = logOperators.values().stream().flatMap(List::stream)
                    .anyMatch(op -> String.valueOf(op.get("id")).startsWith(
                            "lpr/" + r.getMetadata().getNamespace() + "/" + r.getMetadata().getName() + "/"));
            if (!served) {
                notes.add("LogParserRule " + r.getMetadata().getNamespace() + "/" + r.getMetadata().getName()
                        + ": no agent fleet among the inputs would run it (its service or workloads missing, or no "
                        + "agent fleet collects them)");
            }
        }
        return new Result(objects, errors, notes, logOperators);
    }

    /** The rules whose checks and samples pass; the others are errors, as Ready=False would be. */
    private static List<LogParserRule> validRules(List<LogParserRule> rules, List<String> errors) {
        List<LogParserRule> valid = new ArrayList<>();
        rules.sort(Comparator.comparing((LogParserRule r) -> r.getMetadata().getNamespace())
                .thenComparing(r -> r.getMetadata().getName()));
        for (LogParserRule r : rules) {
            RuleCheck.Verdict v = RuleCheck.check(r.getSpec());
            if (v.valid()) {
                valid.add(r);
            } else {
                v.problems().forEach(p -> errors.add("LogParserRule " + r.getMetadata().getNamespace() + "/"
                        + r.getMetadata().getName() + ": Ready=False (" + (v.sampleMismatch() ? Reasons.SAMPLE_MISMATCH
                        : Reasons.INVALID_RULE) + "): " + p));
            }
        }
        return valid;
    }

    /** The rules an agent fleet collecting {@code services} runs, for the workloads among the inputs. */
    private static List<RuleOperators.Served> servedRules(List<LogParserRule> rules, List<InstrumentedService> services,
            Map<String, HasMetadata> workloads) {
        List<RuleOperators.Served> out = new ArrayList<>();
        for (LogParserRule r : rules) {
            String ns = r.getMetadata().getNamespace();
            List<Workload> ws;
            if (r.getSpec().serviceRef != null) {
                ws = services.stream().filter(s -> s.getMetadata().getNamespace().equals(ns)
                        && s.getMetadata().getName().equals(r.getSpec().serviceRef.name))
                        .map(s -> Workload.of(s.getSpec().workloadRef)).toList();
            } else {
                ws = Workload.selected(r.getSpec().podSelector,
                        workloads.values().stream().filter(w -> w instanceof Deployment && ns.equals(w.getMetadata().getNamespace()))
                                .map(Deployment.class::cast),
                        workloads.values().stream().filter(w -> w instanceof StatefulSet && ns.equals(w.getMetadata().getNamespace()))
                                .map(StatefulSet.class::cast));
            }
            Long generation = r.getMetadata().getGeneration();
            if (!ws.isEmpty()) {
                out.add(new RuleOperators.Served(ns, r.getMetadata().getName(), generation == null ? 1 : generation,
                        r.getSpec(), ws));
            }
        }
        return out;
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
