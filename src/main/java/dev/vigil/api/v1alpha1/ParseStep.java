package dev.vigil.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

import java.util.ArrayList;
import java.util.List;

/** One parse step of a LogParserRule: exactly one of its fields. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "[has(self.regex), has(self.json), has(self.keyValue), has(self.severity), has(self.timestamp), "
        + "has(self.traceContext)].filter(x, x).size() == 1",
        message = "a step sets exactly one of regex, json, keyValue, severity, timestamp and traceContext")
public class ParseStep {
    /** A record attribute's name. */
    public static final String ATTRIBUTE = "^[A-Za-z_@][A-Za-z0-9_.@-]*$";
    static final String FROM = "The attribute to parse; absent: the line itself (the record's body).";

    @JsonPropertyDescription("A regular expression (RE2 syntax, the collector's) with named groups, "
            + "(?P<name>...): each group becomes an attribute of that name.")
    public Regex regex;

    @JsonPropertyDescription("The text is a JSON object: its keys become attributes (nested objects stay nested).")
    public Json json;

    @JsonPropertyDescription("The text is key=value pairs (quoted values may hold the pair delimiter): each key "
            + "becomes an attribute.")
    public KeyValue keyValue;

    @JsonPropertyDescription("The record's severity, from an attribute: the usual words (trace, debug, info, warn, "
            + "warning, error, err, fatal, any case) plus the mapping.")
    public Severity severity;

    @JsonPropertyDescription("The record's timestamp, from an attribute.")
    public Timestamp timestamp;

    @JsonPropertyDescription("The record's trace and span id (hex), from attributes, so logs join their traces.")
    public TraceContext traceContext;

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Regex {
        @Required
        @Size(min = 1, max = 1024)
        @ValidationRule(value = "self.contains('(?P<') || self.contains('(?<')",
                message = "the pattern needs at least one named group, (?P<name>...)")
        @JsonPropertyDescription("The expression; it need not match the whole text (anchor it with ^ and $ to).")
        public String pattern;

        @Size(min = 1, max = 64)
        @Pattern(ATTRIBUTE)
        @JsonPropertyDescription(FROM)
        public String from;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Json {
        @Size(min = 1, max = 64)
        @Pattern(ATTRIBUTE)
        @JsonPropertyDescription(FROM)
        public String from;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "(has(self.delimiter) ? self.delimiter : '=') != (has(self.pairDelimiter) ? self.pairDelimiter : ' ')",
            message = "delimiter and pairDelimiter must differ")
    public static class KeyValue {
        @Size(min = 1, max = 64)
        @Pattern(ATTRIBUTE)
        @JsonPropertyDescription(FROM)
        public String from;

        @Size(min = 1, max = 4)
        @JsonPropertyDescription("Between a key and its value. Default =.")
        public String delimiter;

        @Size(min = 1, max = 4)
        @JsonPropertyDescription("Between pairs. Default one space.")
        public String pairDelimiter;
    }

    public enum Level { trace, debug, info, warn, error, fatal }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class SeverityMapping {
        @Required
        @JsonPropertyDescription("The severity: trace, debug, info, warn, error or fatal.")
        public Level level;

        @Required
        @Size(min = 1, max = 32)
        @JsonPropertyDescription("Values (compared ignoring case) that mean it, e.g. [E, crit]; 2xx, 3xx, 4xx and 5xx "
                + "stand for a range of HTTP status codes.")
        public List<String> values = new ArrayList<>();
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Severity {
        @Required
        @Size(min = 1, max = 64)
        @Pattern(ATTRIBUTE)
        @JsonPropertyDescription("The attribute that holds the severity, e.g. level.")
        public String from;

        @Size(max = 6)
        @ValidationRule(value = "self.all(x, self.filter(y, y.level == x.level).size() == 1)",
                message = "each level can be mapped once")
        @JsonPropertyDescription("Values beyond the usual words, by level.")
        public List<SeverityMapping> mapping = new ArrayList<>();
    }

    public enum LayoutType { strptime, epoch }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "self.layoutType != 'epoch' || self.layout in ['s', 'ms', 'us', 'ns', 's.ms', 's.us', 's.ns']",
            message = "an epoch layout is one of s, ms, us, ns, s.ms, s.us, s.ns")
    @ValidationRule(value = "self.layoutType != 'strptime' || !self.layout.matches('[0-9]')",
            message = "a strptime layout cannot contain digits")
    @ValidationRule(value = "self.layoutType != 'strptime' || !self.layout.matches('%[^YymbhBdeaAHIpMSLfzjTF%]')",
            message = "a strptime layout may use only %Y %y %m %b %h %B %d %e %a %A %H %I %p %M %S %L %f %z %j %T %F %%")
    public static class Timestamp {
        @Required
        @Size(min = 1, max = 64)
        @Pattern(ATTRIBUTE)
        @JsonPropertyDescription("The attribute that holds the time, e.g. time.")
        public String from;

        @Default("strptime")
        @JsonPropertyDescription("strptime (a layout of % directives) or epoch (seconds or fractions since 1970).")
        public LayoutType layoutType = LayoutType.strptime;

        @Required
        @Size(min = 1, max = 64)
        @JsonPropertyDescription("strptime: e.g. %Y-%m-%dT%H:%M:%S.%L%z (%L, %f: fractional seconds after . or ,; "
                + "%z: Z or +hhmm; %j: +hh:mm; without a zone, UTC). epoch: s, ms, us, ns, s.ms, s.us or s.ns.")
        public String layout;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "has(self.traceId) || has(self.spanId)", message = "set traceId, spanId or both")
    public static class TraceContext {
        @Size(min = 1, max = 64)
        @Pattern(ATTRIBUTE)
        @JsonPropertyDescription("The attribute that holds the trace id (32 hex digits), e.g. trace_id.")
        public String traceId;

        @Size(min = 1, max = 64)
        @Pattern(ATTRIBUTE)
        @JsonPropertyDescription("The attribute that holds the span id (16 hex digits), e.g. span_id.")
        public String spanId;

        @Size(min = 1, max = 64)
        @Pattern(ATTRIBUTE)
        @JsonPropertyDescription("The attribute that holds the trace flags (2 hex digits), e.g. trace_flags.")
        public String traceFlags;
    }
}
