package dev.vigil.logs;

import dev.vigil.api.v1alpha1.LogParserRule;
import dev.vigil.api.v1alpha1.LogParserRuleSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A rule's checks and its samples, judged in Java before any agent runs it: what passes, and what each failure says. */
class RuleCheckTest {
    @Test
    void theExampleRulesPassTheirOwnSamples() throws Exception {
        List<LogParserRule> examples = Rules.examples();
        assertThat(examples).hasSize(2);
        for (LogParserRule r : examples) {
            assertThat(RuleCheck.check(r.getSpec()).problems()).as(r.getMetadata().getName()).isEmpty();
        }
    }

    /** Each row: a rule whose sample cannot pass, and what the verdict must say about it. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            regex that does not match | 'steps: [{regex: {pattern: "^(?P<a>[0-9]+)$"}}]\nsamples: [{line: "abc", attributes: {a: "1"}}]' | sample 1 "abc": attribute a: expected "1", got none (step 1 (regex) did not apply: the pattern does not match)
            wrong value | 'steps: [{regex: {pattern: "^(?P<a>[0-9]+)"}}]\nsamples: [{line: "12x", attributes: {a: "1"}}]' | attribute a: expected "1", got "12"
            json not an object | 'steps: [{json: {}}]\nsamples: [{line: "[1,2]", attributes: {a: "1"}}]' | step 1 (json) did not apply: not a JSON object
            json number is a number | 'steps: [{json: {}}]\nsamples: [{line: "{\\"a\\": 1.50}", attributes: {a: "1.5"}}]' | -
            json integer vs text | 'steps: [{json: {}}]\nsamples: [{line: "{\\"a\\": 2}", attributes: {a: "two"}}]' | attribute a: expected "two", got 2 (number)
            key value without delimiter | 'steps: [{keyValue: {}}]\nsamples: [{line: "a=1 b", attributes: {a: "1"}}]' | step 1 (keyValue) did not apply: cannot split "b" at "="
            key value quoted | 'steps: [{keyValue: {}}]\nsamples: [{line: "a=\\"x y\\" b=2", attributes: {a: "x y", b: "2"}}]' | -
            severity default words | 'steps: [{regex: {pattern: "^(?P<l>\\\\w+)"}}, {severity: {from: l}}]\nsamples: [{line: "Warning x", severity: WARN}, {line: "ERR y", severity: ERROR}]' | -
            severity unknown | 'steps: [{regex: {pattern: "^(?P<l>\\\\w+)"}}, {severity: {from: l}}]\nsamples: [{line: "crit x", severity: FATAL}]' | severity: expected FATAL, got none
            severity mapping | 'steps: [{regex: {pattern: "^(?P<l>\\\\w+)"}}, {severity: {from: l, mapping: [{level: fatal, values: [CRIT]}]}}]\nsamples: [{line: "crit x", severity: FATAL}]' | -
            strptime wrong zone | 'steps: [{regex: {pattern: "^(?P<t>\\\\S+)"}}, {timestamp: {from: t, layout: "%Y-%m-%dT%H:%M:%S%z"}}]\nsamples: [{line: "2026-12-04T10:00:00+0100 x", timestamp: "2026-12-04T10:00:00Z"}]' | timestamp: expected 2026-12-04T10:00:00Z, got 2026-12-04T09:00:00Z
            strptime without year | 'steps: [{regex: {pattern: "^(?P<t>\\\\w+ +\\\\d+ \\\\S+)"}}, {timestamp: {from: t, layout: "%b %e %H:%M:%S"}}]\nsamples: [{line: "Dec  4 10:00:00 host x", timestamp: "1999-12-04T10:00:00Z"}]' | -
            epoch milliseconds | 'steps: [{json: {}}, {timestamp: {from: ts, layoutType: epoch, layout: ms}}]\nsamples: [{line: "{\\"ts\\": 1764843300123}", timestamp: "2025-12-04T10:15:00.123Z"}]' | -
            trace id | 'steps: [{keyValue: {}}, {traceContext: {traceId: t}}]\nsamples: [{line: "t=zz", traceId: "4bf92f3577b34da6a3ce929d0e0e4736"}]' | traceId: expected 4bf92f3577b34da6a3ce929d0e0e4736, got none (step 2 (traceContext) did not apply: trace id not hex)
            drop | 'steps: [{keyValue: {}}]\ndrops: [b]\nsamples: [{line: "a=1 b=2", absent: [a]}]' | attribute a: expected none, got "1"
            rename | 'steps: [{keyValue: {}}]\nrenames: [{from: a, to: x}]\nsamples: [{line: "a=1", attributes: {x: "1"}, absent: [a]}]' | -
            multiline start | 'multiline: {lineStartPattern: "^\\\\d"}\nsamples: [{line: "x\\n1"}]' | its first line does not match multiline.lineStartPattern
            multiline continuation | 'multiline: {lineStartPattern: "^\\\\d"}\nsamples: [{line: "1 a\\n2 b"}]' | its line 2 matches multiline.lineStartPattern
            several lines without multiline | 'steps: [{json: {}}]\nsamples: [{line: "{}\\n{}"}]' | it has several lines but the rule has no multiline
            """)
    void samples(String what, String yaml, String expected) {
        RuleCheck.Verdict v = RuleCheck.check(Rules.spec(yaml));
        if (expected.equals("-")) {
            assertThat(v.problems()).as(what).isEmpty();
        } else {
            assertThat(v.sampleMismatch()).as(what).isTrue();
            assertThat(String.join("; ", v.problems())).as(what).contains(expected);
        }
    }

    /** Rules the agents could not run, refused before their samples are even tried. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            not RE2 (lookahead) | 'steps: [{regex: {pattern: "^(?P<a>x)(?=y)"}}]' | steps[0] (regex): not an RE2 expression
            not RE2 (backreference) | 'steps: [{regex: {pattern: "(?P<a>x)\\\\1"}}]' | steps[0] (regex): not an RE2 expression
            unclosed class | 'steps: [{regex: {pattern: "(?P<a>[a-z)"}}]' | not an RE2 expression
            no named group | 'steps: [{regex: {pattern: "(?P<a>x)|(y)"}, json: null}, {regex: {pattern: "(x)(y)(?:z)"}}]' | steps[1] (regex): the pattern has no named group
            nested repetition | 'steps: [{regex: {pattern: "(?P<a>(x{100}){20})"}}]' | counted repetitions multiply to 2000
            repetition over the limit | 'steps: [{regex: {pattern: "(?P<a>x{1001})"}}]' | not an RE2 expression
            multiline not RE2 | 'multiline: {lineStartPattern: "^(?!x)"}' | multiline.lineStartPattern: not an RE2 expression
            strptime unknown directive | 'steps: [{timestamp: {from: t, layout: "%Y %Q"}}]' | %Q is not a supported strptime directive
            strptime lone percent | 'steps: [{timestamp: {from: t, layout: "%Y %"}}]' | the layout ends with a lone %
            fraction without point | 'steps: [{timestamp: {from: t, layout: "%S%L"}}]' | must follow . or ,
            nothing to do | 'container: app' | a rule needs at least one of steps, renames, drops or multiline
            """)
    void refused(String what, String yaml, String expected) {
        RuleCheck.Verdict v = RuleCheck.check(Rules.spec(yaml + "\nsamples: [{line: x}]"));
        assertThat(v.sampleMismatch()).as(what).isFalse();
        assertThat(String.join("; ", v.problems())).as(what).contains(expected);
    }

    @Test
    void repetitionWeightMultipliesAlongNesting() {
        assertThat(RuleCheck.repetitionWeight("a{3}")).isEqualTo(3);
        assertThat(RuleCheck.repetitionWeight("(a{3}){4}")).isEqualTo(12);
        assertThat(RuleCheck.repetitionWeight("(a{3})(b{5})")).isEqualTo(5);
        assertThat(RuleCheck.repetitionWeight("((a{2}){3}){4}")).isEqualTo(24);
        assertThat(RuleCheck.repetitionWeight("[{]{9}\\{10}")).isEqualTo(9);
        assertThat(RuleCheck.repetitionWeight("x{2,50}")).isEqualTo(50);
    }

    @Test
    void anInvalidGenerationLeavesTheLastValidOneServed() {
        RuleBook book = new RuleBook(dev.vigil.config.Settings.defaults());
        String good = "steps: [{keyValue: {}}]\nsamples: [{line: \"a=1\", attributes: {a: \"1\"}}]";
        String bad = "steps: [{keyValue: {}}]\nsamples: [{line: \"a=1\", attributes: {a: \"2\"}}]";
        assertThat(book.served(Rules.rule("ns", "r", 1, bad))).isEmpty();
        assertThat(book.served(Rules.rule("ns", "r", 2, good))).hasValueSatisfying(g -> assertThat(g.generation()).isEqualTo(2));
        RuleBook.Judged third = book.judge(Rules.rule("ns", "r", 3, bad));
        assertThat(third.valid()).isFalse();
        assertThat(third.reason()).isEqualTo("SampleMismatch");
        assertThat(book.served(Rules.rule("ns", "r", 3, bad))).hasValueSatisfying(g -> {
            assertThat(g.generation()).isEqualTo(2);
            assertThat(g.spec().samples.get(0).attributes).containsEntry("a", "1");
        });
        book.retain(java.util.Set.of());
        assertThat(book.served(Rules.rule("ns", "r", 3, bad))).isEmpty();
    }

    /** A restarted operator (an empty RuleBook) serves the last valid generation its status recorded, if it checks. */
    @Test
    void aRestartedOperatorServesTheLastValidGenerationFromStatus() {
        String good = "steps: [{keyValue: {}}]\nsamples: [{line: \"a=1\", attributes: {a: \"1\"}}]";
        String bad = "steps: [{keyValue: {}}]\nsamples: [{line: \"a=1\", attributes: {a: \"2\"}}]";
        RuleBook before = new RuleBook(dev.vigil.config.Settings.defaults());
        RuleBook.Good served = before.served(Rules.rule("ns", "r", 1, good)).orElseThrow();
        com.fasterxml.jackson.databind.JsonNode recorded = RuleBook.servedRule(served);
        assertThat(recorded.path("samples").size()).isZero();
        assertThat(recorded.path("steps").size()).isEqualTo(1);

        java.util.function.Function<Long, dev.vigil.api.v1alpha1.LogParserRule> badWithStatus = servedGeneration -> {
            var r = Rules.rule("ns", "r", 2, bad);
            r.setStatus(new dev.vigil.api.v1alpha1.LogParserRuleStatus());
            r.getStatus().servedGeneration = servedGeneration;
            r.getStatus().servedRule = recorded.deepCopy();
            return r;
        };
        RuleBook after = new RuleBook(dev.vigil.config.Settings.defaults());
        assertThat(after.served(badWithStatus.apply(1L))).hasValueSatisfying(g -> {
            assertThat(g.generation()).isEqualTo(1);
            assertThat(g.spec().steps).hasSize(1);
            assertThat(g.spec().steps.get(0).keyValue).isNotNull();
        });
        // A status that names a later generation, or a rule that no longer passes the checks, is not served.
        assertThat(new RuleBook(dev.vigil.config.Settings.defaults()).served(badWithStatus.apply(3L))).isEmpty();
        var tampered = badWithStatus.apply(1L);
        ((com.fasterxml.jackson.databind.node.ObjectNode) tampered.getStatus().servedRule.path("steps").get(0))
                .set("keyValue", com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
                        .put("delimiter", " ").put("pairDelimiter", " "));
        assertThat(new RuleBook(dev.vigil.config.Settings.defaults()).served(tampered)).isEmpty();
        // Without a servedRule (a status from before it existed), nothing to restore.
        var old = badWithStatus.apply(1L);
        old.getStatus().servedRule = null;
        assertThat(new RuleBook(dev.vigil.config.Settings.defaults()).served(old)).isEmpty();
    }

    @Test
    void specDefaultsAreWhatTheSchemaSays() {
        LogParserRuleSpec s = Rules.spec("steps: [{timestamp: {from: t, layout: s}}]");
        assertThat(s.steps.get(0).timestamp.layoutType.name()).isEqualTo("strptime");
    }
}
