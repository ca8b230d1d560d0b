package dev.vigil.logs;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.vigil.api.v1alpha1.LogParserRuleSpec;
import dev.vigil.api.v1alpha1.LogRule;
import dev.vigil.api.v1alpha1.ParseStep;
import dev.vigil.api.v1alpha1.Sample;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * What admission cannot check of a rule: its expressions are RE2 (the collector's engine; re2j is the same syntax and
 * semantics in Java) and not too big, its time layouts are ones the collector parses, and its samples give what they
 * say (RuleEvaluator). Pure; the verdict names the step or the sample and what differed.
 */
public final class RuleCheck {
    /** Go's regexp refuses counted repetitions over 1000; nested ones multiply, and so does the agent's work. */
    static final int MAX_REPETITION = 1000;

    /** The verdict: no problems means valid; {@code sampleMismatch} tells a failing sample from a broken rule. */
    public record Verdict(List<String> problems, boolean sampleMismatch) {
        public boolean valid() {
            return problems.isEmpty();
        }
    }

    private RuleCheck() {
    }

    public static Verdict check(LogRule spec) {
        List<String> problems = new ArrayList<>();
        // Admission refuses these too (CEL); checked again so that nothing ambiguous is ever served.
        if (spec instanceof LogParserRuleSpec s && (s.serviceRef == null) == (s.podSelector == null)) {
            problems.add("set exactly one of serviceRef and podSelector");
        }
        if (spec.steps.isEmpty() && spec.renames.isEmpty() && spec.drops.isEmpty() && spec.multiline == null) {
            problems.add("a rule needs at least one of steps, renames, drops or multiline");
        }
        if (spec.multiline != null) {
            pattern(spec.multiline.lineStartPattern, false).ifPresent(p -> problems.add("multiline.lineStartPattern: " + p));
        }
        int i = 0;
        for (ParseStep s : spec.steps) {
            i++;
            long kinds = java.util.stream.Stream.of(s.regex, s.json, s.keyValue, s.severity, s.timestamp, s.traceContext)
                    .filter(java.util.Objects::nonNull).count();
            if (kinds != 1) {
                problems.add("steps[" + (i - 1) + "]: a step sets exactly one of regex, json, keyValue, severity, "
                        + "timestamp and traceContext");
                continue;
            }
            String at = "steps[" + (i - 1) + "] (" + RuleEvaluator.kind(s) + "): ";
            if (s.keyValue != null && (s.keyValue.delimiter == null ? "=" : s.keyValue.delimiter)
                    .equals(s.keyValue.pairDelimiter == null ? " " : s.keyValue.pairDelimiter)) {
                problems.add(at + "delimiter and pairDelimiter must differ");
            } else if (s.timestamp != null && s.timestamp.layoutType == ParseStep.LayoutType.epoch
                    && !List.of("s", "ms", "us", "ns", "s.ms", "s.us", "s.ns").contains(s.timestamp.layout)) {
                problems.add(at + "an epoch layout is one of s, ms, us, ns, s.ms, s.us, s.ns");
            } else if (s.regex != null) {
                pattern(s.regex.pattern, true).ifPresent(p -> problems.add(at + p));
            } else if (s.timestamp != null && s.timestamp.layoutType == ParseStep.LayoutType.strptime) {
                LogTimes.strptimeProblem(s.timestamp.layout).ifPresent(p -> problems.add(at + p));
            }
        }
        if (!problems.isEmpty()) {
            return new Verdict(problems, false);
        }
        int n = 0;
        for (Sample sample : spec.samples) {
            problems.addAll(Samples.differences(spec, sample, ++n));
        }
        return new Verdict(problems, !problems.isEmpty());
    }

    /** Why {@code regex} cannot run on the agents, if it cannot. */
    static Optional<String> pattern(String regex, boolean needsGroups) {
        Pattern p;
        try {
            p = Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            return Optional.of("not an RE2 expression: " + e.getDescription() + " at " + Samples.quoted(e.getPattern()));
        }
        if (needsGroups && p.namedGroups().isEmpty()) {
            return Optional.of("the pattern has no named group (?P<name>...): it would set nothing");
        }
        for (String name : p.namedGroups().keySet()) {
            if (!name.matches(ParseStep.ATTRIBUTE.replace("*$", "{0,63}$"))) {
                return Optional.of("group name " + name + " is not an attribute name");
            }
        }
        long weight = repetitionWeight(regex);
        if (weight > MAX_REPETITION) {
            return Optional.of("counted repetitions multiply to " + weight + " (at most " + MAX_REPETITION
                    + "): the expression would be too large for the agents");
        }
        return Optional.empty();
    }

    /**
     * The largest product of counted repetition bounds along any nesting of groups ({@code (a{10}){200}} is 2000):
     * RE2 compiles a repetition by copying what it repeats, so this is how many times the deepest part is copied.
     */
    static long repetitionWeight(String regex) {
        Deque<long[]> groups = new ArrayDeque<>(); // per open group: {the max weight inside it so far}
        groups.push(new long[] {1});
        long lastAtom = 1; // the weight of the atom a quantifier would apply to
        for (int i = 0; i < regex.length(); i++) {
            char c = regex.charAt(i);
            if (c == '\\') {
                i++;
                lastAtom = 1;
            } else if (c == '[') {
                int j = i + 1;
                if (j < regex.length() && regex.charAt(j) == '^') {
                    j++;
                }
                if (j < regex.length() && regex.charAt(j) == ']') {
                    j++;
                }
                while (j < regex.length() && regex.charAt(j) != ']') {
                    j += regex.charAt(j) == '\\' ? 2 : 1;
                }
                i = j;
                lastAtom = 1;
            } else if (c == '(') {
                groups.push(new long[] {1});
            } else if (c == ')') {
                lastAtom = groups.size() > 1 ? groups.pop()[0] : 1;
                groups.peek()[0] = Math.max(groups.peek()[0], lastAtom);
            } else if (c == '{') {
                int close = regex.indexOf('}', i);
                String body = close < 0 ? "" : regex.substring(i + 1, close);
                if (body.matches("[0-9]+(,[0-9]*)?")) {
                    String[] parts = body.split(",", -1);
                    long max = Long.parseLong(parts.length == 2 && !parts[1].isEmpty() ? parts[1] : parts[0]);
                    long w = Math.min(lastAtom * Math.max(max, 1), Long.MAX_VALUE / 2);
                    groups.peek()[0] = Math.max(groups.peek()[0], w);
                    lastAtom = w;
                    i = close;
                }
            } else {
                lastAtom = 1;
            }
        }
        return groups.stream().mapToLong(g -> g[0]).max().orElse(1);
    }
}
