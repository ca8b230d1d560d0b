package dev.vigil.logs;

import dev.vigil.api.v1alpha1.LogParserRuleSpec;
import dev.vigil.api.v1alpha1.LogRule;
import dev.vigil.api.v1alpha1.ParseStep;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A log rule as the agents' filelog operators (pkg/stanza): a pure function of the rule, which records it applies to
 * (its condition) and the operator after it. A router evaluates the condition once per record: the rule's records go
 * through its operators, every other record straight to {@code next}, so a rule costs the records it does not apply
 * to one condition (evaluating the condition in each of a rule's operators made 20 rules 2.6 times slower,
 * docs/benchmarks.md). An app team's rule applies to its namespace's workloads' pods ({@link Workload#condition}) and
 * container, so it never touches another namespace's records; a platform team's default rule applies to the records
 * no app team's rule on the fleet applies to ({@link AgentOperators}). Parsers run with {@code on_error: send_quiet}:
 * a line a step cannot parse goes on as it was, never dropped.
 */
public final class RuleOperators {
    /** What one rule contributes to an agent fleet's operators: the generation, spec and workloads it is built from. */
    public record Served(String namespace, String name, long generation, LogParserRuleSpec spec, List<Workload> workloads)
            implements Comparable<Served> {
        /** The rule's operators, sending every record on to the operator {@code next} when done. */
        public List<Map<String, Object>> operators(String next) {
            return workloads.isEmpty() ? List.of() : RuleOperators.of(prefix(namespace, name), condition(), spec, next);
        }

        /** The id of the rule's first operator (its router). */
        public String entry() {
            return prefix(namespace, name) + "route";
        }

        /** Which records the rule applies to: its namespace's, its workloads' pods', its container's. */
        public String condition() {
            return Workload.condition(namespace, workloads) + container(spec);
        }

        @Override
        public int compareTo(Served o) {
            int n = namespace.compareTo(o.namespace);
            return n != 0 ? n : name.compareTo(o.name);
        }
    }

    private RuleOperators() {
    }

    static String prefix(String namespace, String name) {
        return "lpr/" + namespace + "/" + name + "/";
    }

    /** The condition's part that names the rule's container, if it names one. */
    static String container(LogRule spec) {
        return spec.container == null ? "" : " and resource[\"k8s.container.name\"] == " + AgentOperators.quote(spec.container);
    }

    /**
     * The rule's operators, their ids starting with {@code id}: a router sending the records {@code condition} holds
     * for through the rule, the others to {@code next}; the rule's last operator sends to {@code next} too.
     */
    static List<Map<String, Object>> of(String id, String condition, LogRule spec, String next) {
        List<Map<String, Object>> ops = new ArrayList<>();
        if (spec.multiline != null) {
            ops.add(AgentOperators.op("type", "recombine", "id", id + "multiline",
                    "combine_field", "body", "combine_with", "\n",
                    "is_first_entry", "body matches " + AgentOperators.quote(spec.multiline.lineStartPattern),
                    "source_identifier", "attributes[\"log.file.path\"]",
                    "max_log_size", LogRule.MAX_LINE * 8, "force_flush_period", "500ms"));
        }
        int i = 0;
        for (ParseStep step : spec.steps) {
            i++;
            ops.add(step(id + "step-" + i, step));
        }
        for (LogRule.Rename r : spec.renames) {
            ops.add(AgentOperators.op("type", "move", "id", id + "rename-" + r.from, "if", present(r.from),
                    "from", attr(r.from), "to", attr(r.to)));
        }
        for (String d : spec.drops) {
            ops.add(AgentOperators.op("type", "remove", "id", id + "drop-" + d, "if", present(d),
                    "field", attr(d)));
        }
        if (ops.isEmpty()) {
            return ops;
        }
        ops.get(ops.size() - 1).put("output", next);
        Map<String, Object> router = AgentOperators.op("type", "router", "id", id + "route",
                "routes", List.of(AgentOperators.op("expr", condition, "output", ops.get(0).get("id"))), "default", next);
        ops.add(0, router);
        return ops;
    }

    private static Map<String, Object> step(String id, ParseStep s) {
        Map<String, Object> op;
        if (s.regex != null) {
            op = parser("regex_parser", id, s.regex.from);
            op.put("regex", s.regex.pattern);
        } else if (s.json != null) {
            op = parser("json_parser", id, s.json.from);
            op.put("parse_ints", true);
        } else if (s.keyValue != null) {
            op = parser("key_value_parser", id, s.keyValue.from);
            op.put("delimiter", s.keyValue.delimiter == null ? "=" : s.keyValue.delimiter);
            op.put("pair_delimiter", s.keyValue.pairDelimiter == null ? " " : s.keyValue.pairDelimiter);
        } else if (s.severity != null) {
            op = parser("severity_parser", id, s.severity.from);
            if (!s.severity.mapping.isEmpty()) {
                Map<String, Object> mapping = new LinkedHashMap<>();
                s.severity.mapping.forEach(m -> mapping.put(m.level.name(), m.values));
                op.put("mapping", mapping);
            }
        } else if (s.timestamp != null) {
            op = parser("time_parser", id, s.timestamp.from);
            op.put("layout_type", s.timestamp.layoutType.name());
            op.put("layout", s.timestamp.layout);
            if (s.timestamp.layoutType == ParseStep.LayoutType.strptime) {
                op.put("location", "UTC");
            }
        } else if (s.traceContext != null) {
            op = AgentOperators.op("type", "trace_parser", "id", id);
            put(op, "trace_id", s.traceContext.traceId);
            put(op, "span_id", s.traceContext.spanId);
            put(op, "trace_flags", s.traceContext.traceFlags);
            op.put("on_error", "send_quiet");
        } else {
            throw new IllegalArgumentException("a step without a kind (admission requires one)");
        }
        return op;
    }

    private static void put(Map<String, Object> op, String key, String from) {
        if (from != null) {
            op.put(key, Map.of("parse_from", attr(from)));
        }
    }

    private static Map<String, Object> parser(String type, String id, String from) {
        Map<String, Object> op = AgentOperators.op("type", type, "id", id);
        if (from != null) {
            op.put("if", present(from));
            op.put("parse_from", attr(from));
        }
        op.put("on_error", "send_quiet");
        return op;
    }

    static String attr(String name) {
        return "attributes[" + AgentOperators.quote(name) + "]";
    }

    private static String present(String name) {
        return attr(name) + " != nil";
    }
}
