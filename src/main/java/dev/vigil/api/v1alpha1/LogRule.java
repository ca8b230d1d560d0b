package dev.vigil.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

import java.util.ArrayList;
import java.util.List;

/**
 * What a log rule does to the records it applies to, and the samples that prove it: the part an app team's
 * LogParserRule ({@link LogParserRuleSpec}, which adds the pods it applies to) and a platform team's default rule
 * ({@link DefaultLogRule}, on an agent fleet) share.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "[has(self.steps) && size(self.steps) > 0, has(self.renames) && size(self.renames) > 0, "
        + "has(self.drops) && size(self.drops) > 0, has(self.multiline)].exists(x, x)",
        message = "a rule needs at least one of steps, renames, drops or multiline")
@ValidationRule(value = "(has(self.samples) && size(self.samples) > 0) "
        + "|| ((!has(self.steps) || size(self.steps) == 0) && !has(self.multiline))",
        message = "a rule with steps or multiline needs at least one sample")
@ValidationRule(value = "!has(self.renames) || !has(self.drops) "
        + "|| self.renames.all(r, !self.drops.exists(d, d == r.from || d == r.to))",
        message = "an attribute cannot be both renamed and dropped")
public class LogRule {
    /** The most parse steps a rule may have: each is one more operator on every line of its pods. */
    public static final int MAX_STEPS = 16;
    /** The longest sample line, and the record length the operator's checks assume. */
    public static final int MAX_LINE = 8192;

    @Size(min = 1, max = 63)
    @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
    @JsonPropertyDescription("Only this container's logs (e.g. the app, not its proxy sidecar); absent: every "
            + "container of the pods.")
    public String container;

    @Size(max = MAX_STEPS)
    @JsonPropertyDescription("Parse steps, in order; each sets exactly one of regex, json, keyValue, severity, "
            + "timestamp and traceContext. A step that does not apply to a line (no match, not JSON, field missing) "
            + "leaves the line as it is and the next step runs: a line is never dropped.")
    public List<ParseStep> steps = new ArrayList<>();

    @Size(max = 32)
    @ValidationRule(value = "self.all(x, self.filter(y, y.from == x.from).size() == 1)",
            message = "each attribute can be renamed once")
    @JsonPropertyDescription("Attribute renames, after the steps.")
    public List<Rename> renames = new ArrayList<>();

    @Size(max = 32)
    @JsonPropertyDescription("Attributes removed after the steps and renames (e.g. a field only used to parse the "
            + "timestamp).")
    public List<@Size(min = 1, max = 64) @Pattern(ParseStep.ATTRIBUTE) String> drops = new ArrayList<>();

    @JsonPropertyDescription("Joins a record's continuation lines (e.g. a stack trace) to the line that starts it, "
            + "before the steps run.")
    public Multiline multiline;

    @Size(max = 20)
    @JsonPropertyDescription("Example lines with what the rule must make of them: Vigil runs the rule on each before "
            + "it is served to any agent; a rule whose samples do not give what they say is not served.")
    public List<Sample> samples = new ArrayList<>();

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Rename {
        @Required
        @Size(min = 1, max = 64)
        @Pattern(ParseStep.ATTRIBUTE)
        @JsonPropertyDescription("The attribute to rename.")
        public String from;

        @Required
        @Size(min = 1, max = 64)
        @Pattern(ParseStep.ATTRIBUTE)
        @JsonPropertyDescription("Its new name (an attribute of that name is replaced).")
        public String to;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Multiline {
        @Required
        @Size(min = 1, max = 256)
        @JsonPropertyDescription("RE2 expression a line that starts a record matches, e.g. ^\\d{4}-\\d{2}-\\d{2} ; "
                + "the lines after it that do not match are appended to it (joined with a newline).")
        public String lineStartPattern;
    }
}
