package dev.vigil.logs;

import dev.vigil.api.v1alpha1.LogParserRuleSpec;
import dev.vigil.api.v1alpha1.ParseStep;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A LogParserRule as the agents' filelog operators (pkg/stanza): a pure function of the rule's spec, its namespace
 * and the workloads it applies to. Every operator carries the rule's condition (its namespace and workloads' pods,
 * {@link Workload#condition}), so a rule never touches another namespace's records, and parsers run with
 * {@code on_error: send_quiet}: a line a step cannot parse goes on as it was, never dropped.
 */
public final class RuleOperators {
    /** What one rule contributes to an agent fleet's operators: the generation, spec and workloads it is built from. */
    public record Served(String namespace, String name, long generation, LogParserRuleSpec spec, List<Workload> workloads)
            implements Comparable<Served> {
        public List<Map<String, Object>> operators() {
            return RuleOperators.of(namespace, name, spec, workloads);
        }

        @Override
        public int compareTo(Served o) {
            int n = namespace.compareTo(o.namespace);
            return n != 0 ? n : name.compareTo(o.name);
        }
    }

    private RuleOperators() {
    }

    public static List<Map<String, Object>> of(String namespace, String name, LogParserRuleSpec spec,
            List<Workload> workloads) {
        List<Map<String, Object>> ops = new ArrayList<>();
        if (workloads.isEmpty()) {
            return ops;
        }
        String when = Workload.condition(namespace, workloads) + (spec.container == null ? ""
                : " and resource[\"k8s.container.name\"] == " + AgentOperators.quote(spec.container));
        String id = "lpr/" + namespace + "/" + name + "/";
        if (spec.multiline != null) {
            ops.add(AgentOperators.op("type", "recombine", "id", id + "multiline", "if", when,
                    "combine_field", "body", "combine_with", "\n",
                    "is_first_entry", "body matches " + AgentOperators.quote(spec.multiline.lineStartPattern),
                    "source_identifier", "attributes[\"log.file.path\"]",
                    "max_log_size", LogParserRuleSpec.MAX_LINE * 8, "force_flush_period", "500ms"));
        }
        int i = 0;
        for (ParseStep step : spec.steps) {
            i++;
            ops.add(step(id + "step-" + i, when, step));
        }
        for (LogParserRuleSpec.Rename r : spec.renames) {
            ops.add(AgentOperators.op("type", "move", "id", id + "rename-" + r.from, "if", when + " and " + present(r.from),
                    "from", attr(r.from), "to", attr(r.to)));
        }
        for (String d : spec.drops) {
            ops.add(AgentOperators.op("type", "remove", "id", id + "drop-" + d, "if", when + " and " + present(d),
                    "field", attr(d)));
        }
        return ops;
    }

    private static Map<String, Object> step(String id, String when, ParseStep s) {
        Map<String, Object> op;
        if (s.regex != null) {
            op = parser("regex_parser", id, when, s.regex.from);
            op.put("regex", s.regex.pattern);
        } else if (s.json != null) {
            op = parser("json_parser", id, when, s.json.from);
            op.put("parse_ints", true);
        } else if (s.keyValue != null) {
            op = parser("key_value_parser", id, when, s.keyValue.from);
            op.put("delimiter", s.keyValue.delimiter == null ? "=" : s.keyValue.delimiter);
            op.put("pair_delimiter", s.keyValue.pairDelimiter == null ? " " : s.keyValue.pairDelimiter);
        } else if (s.severity != null) {
            op = parser("severity_parser", id, when, s.severity.from);
            if (!s.severity.mapping.isEmpty()) {
                Map<String, Object> mapping = new LinkedHashMap<>();
                s.severity.mapping.forEach(m -> mapping.put(m.level.name(), m.values));
                op.put("mapping", mapping);
            }
        } else if (s.timestamp != null) {
            op = parser("time_parser", id, when, s.timestamp.from);
            op.put("layout_type", s.timestamp.layoutType.name());
            op.put("layout", s.timestamp.layout);
            if (s.timestamp.layoutType == ParseStep.LayoutType.strptime) {
                op.put("location", "UTC");
            }
        } else if (s.traceContext != null) {
            op = AgentOperators.op("type", "trace_parser", "id", id, "if", when);
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

    private static Map<String, Object> parser(String type, String id, String when, String from) {
        Map<String, Object> op = AgentOperators.op("type", type, "id", id,
                "if", from == null ? when : when + " and " + present(from));
        if (from != null) {
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
