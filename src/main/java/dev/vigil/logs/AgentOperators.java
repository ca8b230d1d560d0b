package dev.vigil.logs;

import dev.vigil.api.v1alpha1.DefaultLogRule;
import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.WorkloadRef;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The log operators (pkg/stanza) an agent fleet's collectors run in their {@code vigilrules} processor, as the
 * operator serves them ({@link LogRulesEndpoint}): a pure function of the services the fleet collects, the rules it
 * runs and its default rules. They see each record as the filelog receiver's container parser left it (the CRI or
 * Docker line format undone, partial lines recombined, namespace, pod, pod UID, container and restart count from the
 * file's path).
 *
 * <ol>
 * <li>For each selected InstrumentedService, resource attributes {@code service.name} (the service's name) and
 * {@code k8s.deployment.name} or {@code k8s.statefulset.name}, on the records of its workload's pods, recognised by
 * name: a Deployment's pods are {@code <name>-<pod-template-hash>-<5>}, a StatefulSet's {@code <name>-<ordinal>}.
 * The rule depends on the workload, not on its pods, so pods coming and going never change what is served.</li>
 * <li>The app teams' LogParserRules the fleet runs ({@link RuleOperators}), each guarded the same way.</li>
 * <li>The platform team's default rules (spec.agent.defaultRules), each on the records that none of the app teams'
 * rules here applies to.</li>
 * </ol>
 * With none of these the list is empty and the agents pass records on as the container parser left them.
 */
public final class AgentOperators {
    /** Where every record goes after the last rule: the end of the operators, on to the receiver's output. */
    static final String END = "end-of-rules";
    /** The start of a default rule's operator ids (an app team's start with lpr/). */
    static final String DEFAULT_PREFIX = "default/";

    private AgentOperators() {
    }

    /**
     * The one operator of the agents' filelog receiver, which never changes: the CRI/Docker line format, partial lines
     * recombined, and namespace, pod, pod UID, container and restart count from the file's path.
     */
    public static Map<String, Object> containerParser() {
        return op("type", "container", "id", "container", "add_metadata_from_filepath", true);
    }

    public static List<Map<String, Object>> of(List<InstrumentedService> services) {
        return of(services, List.of());
    }

    /** The enrichment, then the app teams' rules (by namespace and name), each guarded by its namespace and workloads. */
    public static List<Map<String, Object>> of(List<InstrumentedService> services, List<RuleOperators.Served> rules) {
        return of(services, rules, List.of());
    }

    /**
     * The enrichment, the app teams' rules (by namespace and name), then the platform team's default rules (in their
     * order), each on the records no app team's rule here applies to.
     */
    public static List<Map<String, Object>> of(List<InstrumentedService> services, List<RuleOperators.Served> rules,
            List<DefaultLogRule> defaults) {
        List<Map<String, Object>> ops = new ArrayList<>();
        List<InstrumentedService> sorted = services.stream()
                .filter(s -> s.getSpec().workloadRef != null && s.getSpec().workloadRef.name != null)
                .sorted(Comparator.comparing((InstrumentedService s) -> s.getMetadata().getNamespace())
                        .thenComparing(s -> s.getMetadata().getName()))
                .toList();
        for (InstrumentedService s : sorted) {
            String ns = s.getMetadata().getNamespace();
            Workload w = Workload.of(s.getSpec().workloadRef);
            boolean deployment = w.kind() == WorkloadRef.Kind.Deployment;
            String when = Workload.condition(ns, List.of(w));
            String id = "svc-" + ns + "-" + s.getMetadata().getName();
            ops.add(op("type", "add", "id", id, "if", when, "field", "resource[\"service.name\"]",
                    "value", s.getMetadata().getName()));
            ops.add(op("type", "add", "id", id + "-workload", "if", when,
                    "field", "resource[\"" + (deployment ? "k8s.deployment.name" : "k8s.statefulset.name") + "\"]",
                    "value", w.name()));
        }
        List<RuleOperators.Served> apps = rules.stream().filter(r -> !r.workloads().isEmpty()).sorted().toList();
        String uncovered = apps.isEmpty() ? "true"
                : "not (" + String.join(" or ", apps.stream().map(r -> "(" + r.condition() + ")").toList()) + ")";
        // Each rule as (its first operator's id, its operators given the id of what follows it).
        List<Map.Entry<String, Function<String, List<Map<String, Object>>>>> chain = new ArrayList<>();
        apps.forEach(r -> chain.add(Map.entry(r.entry(), r::operators)));
        for (DefaultLogRule d : defaults) {
            String id = DEFAULT_PREFIX + d.name + "/";
            chain.add(Map.entry(id + "route", next -> RuleOperators.of(id, uncovered + RuleOperators.container(d), d, next)));
        }
        for (int i = 0; i < chain.size(); i++) {
            ops.addAll(chain.get(i).getValue().apply(i + 1 < chain.size() ? chain.get(i + 1).getKey() : END));
        }
        if (!chain.isEmpty()) {
            ops.add(op("type", "noop", "id", END));
        }
        return ops;
    }

    /** A string literal of the collector's expression language (expr): double-quoted, backslash escapes. */
    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    static Map<String, Object> op(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
