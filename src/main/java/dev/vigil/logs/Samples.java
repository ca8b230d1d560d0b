package dev.vigil.logs;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.api.v1alpha1.LogRule;
import dev.vigil.api.v1alpha1.Sample;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** A rule's samples, run (RuleEvaluator) and compared with what they say they must give. */
final class Samples {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Samples() {
    }

    /** What differs for sample {@code index} (1-based), in words; empty when the sample gives what it says. */
    static List<String> differences(LogRule spec, Sample sample, int index) {
        List<String> diffs = new ArrayList<>();
        String line = sample.line;
        if (spec.multiline != null) {
            com.google.re2j.Pattern start = com.google.re2j.Pattern.compile(spec.multiline.lineStartPattern);
            String[] lines = line.split("\n", -1);
            if (!start.matcher(lines[0]).find()) {
                diffs.add("its first line does not match multiline.lineStartPattern, so it would be joined to the "
                        + "record before it");
            }
            for (int i = 1; i < lines.length; i++) {
                if (start.matcher(lines[i]).find()) {
                    diffs.add("its line " + (i + 1) + " matches multiline.lineStartPattern, so it would start a "
                            + "record of its own");
                    break;
                }
            }
        } else if (line.contains("\n")) {
            diffs.add("it has several lines but the rule has no multiline: each would be a record of its own");
        }
        RuleEvaluator.Record r = RuleEvaluator.run(spec, line);
        for (Map.Entry<String, String> e : sample.attributes.entrySet()) {
            Object got = r.attributes.get(e.getKey());
            if (!r.attributes.containsKey(e.getKey())) {
                diffs.add("attribute " + e.getKey() + ": expected " + quoted(e.getValue()) + ", got none");
            } else if (!sameValue(e.getValue(), got)) {
                diffs.add("attribute " + e.getKey() + ": expected " + quoted(e.getValue()) + ", got " + render(got));
            }
        }
        for (String a : sample.absent) {
            if (r.attributes.containsKey(a)) {
                diffs.add("attribute " + a + ": expected none, got " + render(r.attributes.get(a)));
            }
        }
        if (sample.severity != null && !sample.severity.equals(r.severity)) {
            diffs.add("severity: expected " + sample.severity + ", got " + (r.severity == null ? "none" : r.severity));
        }
        if (sample.timestamp != null) {
            timestamp(sample.timestamp, r, diffs);
        }
        if (sample.traceId != null) {
            id("traceId", sample.traceId, r.traceId, 16, diffs);
        }
        if (sample.spanId != null) {
            id("spanId", sample.spanId, r.spanId, 8, diffs);
        }
        if (diffs.isEmpty()) {
            return diffs;
        }
        List<String> out = new ArrayList<>();
        String why = r.notes.isEmpty() ? "" : " (" + String.join("; ", r.notes) + ")";
        out.add("sample " + index + " " + quoted(abbreviate(sample.line)) + ": " + String.join("; ", diffs) + why);
        return out;
    }

    private static void timestamp(String expected, RuleEvaluator.Record r, List<String> diffs) {
        Instant want;
        try {
            want = OffsetDateTime.parse(expected).toInstant();
        } catch (DateTimeParseException e) {
            diffs.add("timestamp: " + quoted(expected) + " is not RFC 3339");
            return;
        }
        if (r.timestamp == null) {
            diffs.add("timestamp: expected " + expected + ", got none");
            return;
        }
        Instant got = r.timestamp.instant();
        boolean same = r.timestamp.hasYear() ? got.equals(want)
                // No year in the layout: the agents take the current year; the day and time must match.
                : got.atOffset(ZoneOffset.UTC).withYear(2000).equals(want.atOffset(ZoneOffset.UTC).withYear(2000));
        if (!same) {
            diffs.add("timestamp: expected " + expected + ", got " + got);
        }
    }

    private static void id(String what, String expected, byte[] got, int bytes, List<String> diffs) {
        if (got == null) {
            diffs.add(what + ": expected " + expected + ", got none");
        } else if (got.length != bytes || !HexFormat.of().formatHex(got).equals(expected)) {
            diffs.add(what + ": expected " + expected + ", got " + HexFormat.of().formatHex(got));
        }
    }

    /** The expected text matches a value: strings exactly, numbers by value, objects and lists by their JSON. */
    static boolean sameValue(String expected, Object got) {
        if (got instanceof String s) {
            return s.equals(expected);
        }
        if (got instanceof Number n) {
            try {
                return Double.parseDouble(expected) == n.doubleValue();
            } catch (NumberFormatException e) {
                return false;
            }
        }
        try {
            return JSON.readTree(expected).equals(JSON.valueToTree(got));
        } catch (Exception e) {
            return false;
        }
    }

    static String render(Object v) {
        if (v instanceof String s) {
            return quoted(s);
        }
        try {
            return JSON.writeValueAsString(v) + " (" + typeName(v) + ")";
        } catch (Exception e) {
            return String.valueOf(v);
        }
    }

    static String typeName(Object v) {
        return v == null ? "null" : v instanceof String ? "string" : v instanceof Number ? "number"
                : v instanceof Boolean ? "boolean" : v instanceof Map ? "object" : v instanceof List ? "list" : "value";
    }

    static String quoted(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (Exception e) {
            return "\"" + s + "\"";
        }
    }

    static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
