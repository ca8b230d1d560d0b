package dev.vigil.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A LogParserRule's example line and what the rule must make of it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Sample {
    @Required
    @Size(min = 1, max = LogParserRuleSpec.MAX_LINE)
    @JsonPropertyDescription("The line as the application writes it (without the container runtime's prefix); with "
            + "multiline, the whole record, its lines joined by newlines.")
    public String line;

    @Size(max = 64)
    @JsonPropertyDescription("Attributes the record must carry, with their values as text (numbers as JSON writes "
            + "them, objects as JSON).")
    public Map<String, String> attributes = new LinkedHashMap<>();

    @Size(max = 64)
    @JsonPropertyDescription("Attributes the record must not carry (e.g. dropped ones).")
    public List<String> absent = new ArrayList<>();

    @Pattern("^(TRACE|DEBUG|INFO|WARN|ERROR|FATAL)[234]?$")
    @JsonPropertyDescription("The severity the record must get: TRACE, DEBUG, INFO, WARN, ERROR or FATAL (2-4 for "
            + "the finer levels).")
    public String severity;

    @Size(max = 40)
    @JsonPropertyDescription("The timestamp the record must get, RFC 3339, e.g. 2026-12-04T10:15:00.123Z.")
    public String timestamp;

    @Pattern("^[0-9a-f]{32}$")
    @JsonPropertyDescription("The trace id the record must get (32 lowercase hex digits).")
    public String traceId;

    @Pattern("^[0-9a-f]{16}$")
    @JsonPropertyDescription("The span id the record must get (16 lowercase hex digits).")
    public String spanId;
}
