package dev.vigil.logs;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import dev.vigil.api.v1alpha1.LogRule;
import dev.vigil.api.v1alpha1.ParseStep;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs a rule's steps on one line the way the agents' operators do (pkg/stanza v0.165: regex_parser, json_parser
 * with parse_ints, key_value_parser, severity_parser with the default preset, time_parser, trace_parser, move,
 * remove; every parser with on_error send_quiet), so that a rule is judged on its samples before any agent runs it.
 * A step that fails leaves the record as it was and is noted; the next step runs.
 */
final class RuleEvaluator {
    /** A log record as far as the rules touch it. */
    static final class Record {
        Object body;
        final Map<String, Object> attributes = new LinkedHashMap<>();
        String severity;
        LogTimes.Parsed timestamp;
        byte[] traceId;
        byte[] spanId;
        byte[] traceFlags;
        /** Why steps did not apply, in order ("step 2 (json): ..."). */
        final List<String> notes = new ArrayList<>();
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS, false);
    static final Map<String, String> DEFAULT_SEVERITIES = defaultSeverities();

    private RuleEvaluator() {
    }

    static Record run(LogRule spec, String line) {
        Record r = new Record();
        // The agents' reader drops each line's trailing whitespace (filelog's default), then the container parser
        // takes what the app wrote, and a multiline rule joins the lines with newlines.
        r.body = String.join("\n", java.util.Arrays.stream(line.split("\n", -1)).map(String::stripTrailing).toList());
        int i = 0;
        for (ParseStep step : spec.steps) {
            i++;
            try {
                apply(step, r);
            } catch (IllegalArgumentException e) {
                r.notes.add("step " + i + " (" + kind(step) + ") did not apply: " + e.getMessage());
            }
        }
        for (LogRule.Rename rename : spec.renames) {
            if (r.attributes.containsKey(rename.from)) {
                r.attributes.put(rename.to, r.attributes.remove(rename.from));
            }
        }
        for (String drop : spec.drops) {
            r.attributes.remove(drop);
        }
        return r;
    }

    static String kind(ParseStep s) {
        return s.regex != null ? "regex" : s.json != null ? "json" : s.keyValue != null ? "keyValue"
                : s.severity != null ? "severity" : s.timestamp != null ? "timestamp" : "traceContext";
    }

    private static void apply(ParseStep s, Record r) {
        if (s.traceContext != null) {
            trace(s.traceContext, r);
            return;
        }
        String from = s.regex != null ? s.regex.from : s.json != null ? s.json.from : s.keyValue != null ? s.keyValue.from
                : s.severity != null ? s.severity.from : s.timestamp.from;
        if (from != null && r.attributes.get(from) == null) {
            return; // the operator's condition requires the attribute: the step is skipped, not failed
        }
        Object value = from == null ? r.body : r.attributes.get(from);
        if (s.regex != null) {
            r.attributes.putAll(regex(Pattern.compile(s.regex.pattern), text(value, "a regex")));
        } else if (s.json != null) {
            r.attributes.putAll(json(text(value, "JSON")));
        } else if (s.keyValue != null) {
            r.attributes.putAll(keyValue(text(value, "key value pairs"),
                    s.keyValue.delimiter == null ? "=" : s.keyValue.delimiter,
                    s.keyValue.pairDelimiter == null ? " " : s.keyValue.pairDelimiter));
        } else if (s.severity != null) {
            r.severity = severity(s.severity, value);
        } else {
            r.timestamp = s.timestamp.layoutType == ParseStep.LayoutType.epoch
                    ? new LogTimes.Parsed(LogTimes.epoch(s.timestamp.layout, value), true)
                    : LogTimes.strptime(s.timestamp.layout, text(value, "a time"));
        }
    }

    private static String text(Object value, String what) {
        if (value instanceof String s) {
            return s;
        }
        throw new IllegalArgumentException("a " + Samples.typeName(value) + " cannot be parsed as " + what);
    }

    static Map<String, Object> regex(Pattern p, String value) {
        Matcher m = p.matcher(value);
        if (!m.find()) {
            throw new IllegalArgumentException("the pattern does not match");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        p.namedGroups().entrySet().stream().sorted(Map.Entry.comparingByValue()).forEach(e -> {
            String g = m.group(e.getValue());
            out.put(e.getKey(), g == null ? "" : g);
        });
        return out;
    }

    static Map<String, Object> json(String value) {
        JsonNode tree;
        try {
            tree = JSON.readTree(value);
        } catch (Exception e) {
            throw new IllegalArgumentException("not JSON");
        }
        if (tree == null || !tree.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> out = JSON.convertValue(tree, LinkedHashMap.class);
        return ints(out);
    }

    /** parse_ints: whole numbers stay integers (Long), others are doubles, at every depth. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> ints(Map<String, Object> m) {
        m.replaceAll((k, v) -> v instanceof Integer i ? (Object) i.longValue()
                : v instanceof java.math.BigInteger b ? (Object) b.doubleValue()
                : v instanceof Float f ? (Object) f.doubleValue()
                : v instanceof Map<?, ?> inner ? ints((Map<String, Object>) inner)
                : v);
        return m;
    }

    /** The collector's key=value splitting: quotes hold delimiters, leading/trailing delimiters ignored. */
    static Map<String, Object> keyValue(String input, String delimiter, String pairDelimiter) {
        if (input.isEmpty()) {
            throw new IllegalArgumentException("the text is empty");
        }
        List<String> pairs = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        char quote = 0;
        boolean escaped = false;
        for (int i = 0; i < input.length(); i++) {
            if (quote == 0 && input.startsWith(pairDelimiter, i)) {
                if (current.length() > 0) {
                    pairs.add(current.toString());
                    current.setLength(0);
                }
                i += pairDelimiter.length() - 1;
                continue;
            }
            char c = input.charAt(i);
            if (!escaped) {
                if (quote == 0 && (c == '"' || c == '\'')) {
                    quote = c;
                    continue;
                }
                if (c == quote) {
                    quote = 0;
                    continue;
                }
                escaped = c == '\\';
            } else {
                escaped = false;
            }
            current.append(c);
        }
        if (quote != 0) {
            throw new IllegalArgumentException("a quoted value is never closed");
        }
        if (current.length() > 0) {
            pairs.add(current.toString());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (String p : pairs) {
            int at = p.indexOf(delimiter);
            if (at < 0) {
                throw new IllegalArgumentException("cannot split " + Samples.quoted(p) + " at " + Samples.quoted(delimiter));
            }
            out.put(p.substring(0, at).strip(), p.substring(at + delimiter.length()).strip());
        }
        return out;
    }

    static String severity(ParseStep.Severity s, Object value) {
        Map<String, String> mapping = new HashMap<>(DEFAULT_SEVERITIES);
        for (ParseStep.SeverityMapping m : s.mapping) {
            String level = m.level.name().toUpperCase(Locale.ROOT);
            for (String v : m.values) {
                switch (v) {
                    case "2xx", "3xx", "4xx", "5xx" -> {
                        int base = (v.charAt(0) - '0') * 100;
                        for (int c = base; c < base + 100; c++) {
                            mapping.put(Integer.toString(c), level);
                        }
                    }
                    default -> mapping.put(v.toLowerCase(Locale.ROOT), level);
                }
            }
        }
        String key;
        if (value instanceof String str) {
            key = str.toLowerCase(Locale.ROOT);
        } else if (value instanceof Long l) {
            key = Long.toString(l);
        } else if (value instanceof Double d) {
            if (d != Math.rint(d)) {
                throw new IllegalArgumentException("a number cannot be a severity unless it is whole");
            }
            key = Long.toString(d.longValue());
        } else {
            throw new IllegalArgumentException("a " + Samples.typeName(value) + " cannot be a severity");
        }
        return mapping.get(key);
    }

    private static void trace(ParseStep.TraceContext t, Record r) {
        List<String> bad = new ArrayList<>();
        r.traceId = hex(t.traceId, r, "trace id", bad);
        r.spanId = hex(t.spanId, r, "span id", bad);
        r.traceFlags = hex(t.traceFlags, r, "trace flags", bad);
        if (!bad.isEmpty()) {
            throw new IllegalArgumentException(String.join(", ", bad) + " not hex");
        }
    }

    private static byte[] hex(String from, Record r, String what, List<String> bad) {
        Object v = from == null ? null : r.attributes.get(from);
        if (v == null) {
            return null;
        }
        try {
            return HexFormat.of().parseHex(v.toString());
        } catch (IllegalArgumentException e) {
            bad.add(what);
            return null;
        }
    }

    /** The severity preset the collector's parser starts from ("default"), value (lowercase) to level name. */
    private static Map<String, String> defaultSeverities() {
        Map<String, String> m = new HashMap<>();
        String[] levels = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"};
        int n = 1;
        for (String level : levels) {
            for (int k = 1; k <= 4; k++) {
                String name = level + (k == 1 ? "" : Integer.toString(k));
                m.put(name.toLowerCase(Locale.ROOT), name);
                m.put(Integer.toString(n++), name);
            }
        }
        for (int k = 1; k <= 4; k++) {
            String suffix = k == 1 ? "" : Integer.toString(k);
            m.put("warning" + suffix, "WARN" + suffix);
            m.put("err" + suffix, "ERROR" + suffix);
        }
        return m;
    }

    static Instant instant(Record r) {
        return r.timestamp == null ? null : r.timestamp.instant();
    }
}
