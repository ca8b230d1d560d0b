package dev.vigil.logs;

import dev.vigil.api.v1alpha1.LogParserRuleSpec;
import dev.vigil.api.v1alpha1.ParseStep;
import dev.vigil.api.v1alpha1.WorkloadRef;
import dev.vigil.collector.RealCollector;
import dev.vigil.serialization.Yaml;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property: a rule Vigil accepts (RuleCheck, before its samples) is one the real collector accepts. 400 seeded
 * random edits (a step added, removed, or changed; patterns, layouts, delimiters, mappings, names with quotes and
 * backslashes) of a random starting rule; after every edit the rule's operators, with the container parser and every
 * other rule of its batch, go through {@code otelcol validate} of Vigil's distribution. A failure prints the seed and
 * the operators the collector refused.
 */
class RandomRuleEditsValidateTest {
    private static final long SEED = 20261204L;
    private static final int EDITS = 400;
    private static final int BATCH = 40;
    private static final String[] PATTERNS = {
            "^(?P<a>\\S+) (?P<b>.*)$", "(?P<level>[A-Z]+)", "^(?P<ip>[0-9.]+) \"(?P<req>[^\"]*)\"",
            "(?i)(?P<word>hello|wörld)", "(?P<x>\\d{1,3})\\.(?P<y>\\d{2,})", "(?s)^(?P<all>.*)$",
            "(?P<q>\\\\\\\"quoted\\\\\\\")", "(?<go122>a+)b", "\\A(?P<start>\\pL+)\\z", "(?P<u>[\\x{1F600}-\\x{1F64F}])"};
    private static final String[] LAYOUTS = {"%Y-%m-%dT%H:%M:%S.%L%z", "%d/%b/%Y:%H:%M:%S %z", "%b %e %H:%M:%S",
            "%F %T,%L", "%a, %d %B %Y %I:%M:%S %p %j", "%y%m%d %H%M%S.%f", "100%% %Y"};
    private static final String[] EPOCHS = {"s", "ms", "us", "ns", "s.ms", "s.us", "s.ns"};
    private static final String[] NAMES = {"a", "level", "trace_id", "@timestamp", "http.response.status_code",
            "k-8.s", "_x", "b"};
    private static final String[] DELIMITERS = {"=", ":", "=>", "\"", "\\", "|", " ", "\t", ",", ";"};

    @Test
    void everyAcceptedRandomEditIsAcceptedByTheCollector(@TempDir Path dir) throws Exception {
        Random random = new Random(SEED);
        LogParserRuleSpec spec = randomSpec(random);
        List<LogParserRuleSpec> batch = new ArrayList<>();
        int accepted = 0;
        int refused = 0;
        for (int i = 0; i < EDITS; i++) {
            spec = edit(spec, random);
            if (RuleCheck.check(spec).problems().isEmpty()) {
                accepted++;
                batch.add(spec);
            } else {
                refused++;
            }
            if (batch.size() == BATCH || (i == EDITS - 1 && !batch.isEmpty())) {
                validate(batch, dir, i);
                batch.clear();
            }
        }
        // The generator must mostly make rules Vigil accepts, or the property says little.
        assertThat(accepted).as("accepted edits (refused: %d)", refused).isGreaterThan(EDITS * 3 / 4);
    }

    private static void validate(List<LogParserRuleSpec> rules, Path dir, int edit) throws Exception {
        List<RuleOperators.Served> served = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            served.add(new RuleOperators.Served("ns-" + i, "rule-" + i, 1, rules.get(i),
                    List.of(new Workload(i % 2 == 0 ? WorkloadRef.Kind.Deployment : WorkloadRef.Kind.StatefulSet, "w.a-" + i))));
        }
        // The agents build the served operators with the same stanza pipeline builder as a filelog receiver's, so the
        // collector's verdict on them in a filelog receiver (behind the container parser, as on the agents) is theirs.
        List<Map<String, Object>> ops = new ArrayList<>(List.of(AgentOperators.containerParser()));
        ops.addAll(AgentOperators.of(List.of(), served));
        Map<String, Object> filelog = new LinkedHashMap<>();
        filelog.put("include", List.of("/nonexistent/*.log"));
        filelog.put("operators", ops);
        String config = Yaml.write(Map.of("receivers", Map.of("filelog", filelog),
                "exporters", Map.of("debug", Map.of()),
                "service", Map.of("pipelines", Map.of("logs",
                        Map.of("receivers", List.of("filelog"), "exporters", List.of("debug"))))));
        Path file = dir.resolve("config-" + edit + ".yaml");
        Files.writeString(file, config);
        Process p = new ProcessBuilder(RealCollector.binary().toString(), "validate", "--config=" + file)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("seed %d, edits up to %d: the collector refused\n%s\n%s", SEED, edit, out, config)
                .isZero();
    }

    static LogParserRuleSpec randomSpec(Random r) {
        LogParserRuleSpec s = new LogParserRuleSpec();
        s.serviceRef = new LogParserRuleSpec.LocalRef();
        s.serviceRef.name = "web";
        int steps = 1 + r.nextInt(4);
        for (int i = 0; i < steps; i++) {
            s.steps.add(step(r));
        }
        return s;
    }

    /** One edit: add, remove or change a step; add or remove a rename or a drop; set or clear multiline or container. */
    static LogParserRuleSpec edit(LogParserRuleSpec from, Random r) {
        LogParserRuleSpec s = Yaml.MAPPER.convertValue(Yaml.MAPPER.convertValue(from, Map.class), LogParserRuleSpec.class);
        switch (r.nextInt(8)) {
            case 0, 1 -> {
                if (s.steps.size() < LogParserRuleSpec.MAX_STEPS) {
                    s.steps.add(r.nextInt(s.steps.size() + 1), step(r));
                }
            }
            case 2 -> {
                if (s.steps.size() > 1) {
                    s.steps.remove(r.nextInt(s.steps.size()));
                }
            }
            case 3, 4 -> {
                if (!s.steps.isEmpty()) {
                    s.steps.set(r.nextInt(s.steps.size()), step(r));
                }
            }
            case 5 -> {
                String a = pick(r, NAMES);
                String b = pick(r, NAMES);
                if (!a.equals(b) && s.renames.stream().noneMatch(x -> x.from.equals(a)) && !s.drops.contains(a)
                        && !s.drops.contains(b) && s.renames.size() < 32) {
                    LogParserRuleSpec.Rename rename = new LogParserRuleSpec.Rename();
                    rename.from = a;
                    rename.to = b;
                    s.renames.add(rename);
                } else if (!s.renames.isEmpty()) {
                    s.renames.remove(0);
                }
            }
            case 6 -> {
                String d = pick(r, NAMES);
                if (!s.drops.contains(d) && s.renames.stream().noneMatch(x -> x.from.equals(d) || x.to.equals(d))) {
                    s.drops.add(d);
                } else {
                    s.drops.remove(d);
                }
            }
            default -> {
                if (r.nextBoolean()) {
                    s.multiline = s.multiline != null ? null : multiline(r);
                } else {
                    s.container = s.container != null ? null : pick(r, new String[] {"app", "istio-proxy", "x9"});
                }
            }
        }
        return s;
    }

    private static LogParserRuleSpec.Multiline multiline(Random r) {
        LogParserRuleSpec.Multiline m = new LogParserRuleSpec.Multiline();
        m.lineStartPattern = pick(r, new String[] {"^\\d{4}-", "^[^\\s]", "^\"\\\\", "^(INFO|WARN|ERROR) "});
        return m;
    }

    static ParseStep step(Random r) {
        ParseStep s = new ParseStep();
        String from = r.nextInt(3) == 0 ? pick(r, NAMES) : null;
        switch (r.nextInt(6)) {
            case 0 -> {
                s.regex = new ParseStep.Regex();
                s.regex.pattern = pick(r, PATTERNS);
                s.regex.from = from;
            }
            case 1 -> {
                s.json = new ParseStep.Json();
                s.json.from = from;
            }
            case 2 -> {
                s.keyValue = new ParseStep.KeyValue();
                s.keyValue.from = from;
                s.keyValue.delimiter = r.nextBoolean() ? null : pick(r, DELIMITERS);
                do {
                    s.keyValue.pairDelimiter = r.nextBoolean() ? null : pick(r, DELIMITERS);
                } while ((s.keyValue.delimiter == null ? "=" : s.keyValue.delimiter)
                        .equals(s.keyValue.pairDelimiter == null ? " " : s.keyValue.pairDelimiter));
            }
            case 3 -> {
                s.severity = new ParseStep.Severity();
                s.severity.from = pick(r, NAMES);
                for (ParseStep.Level level : ParseStep.Level.values()) {
                    if (r.nextInt(3) == 0) {
                        ParseStep.SeverityMapping m = new ParseStep.SeverityMapping();
                        m.level = level;
                        m.values = List.of(pick(r, new String[] {"2xx", "5xx", "E", "crit\"ical", "\\", "404", "Ω"}));
                        s.severity.mapping.add(m);
                    }
                }
            }
            case 4 -> {
                s.timestamp = new ParseStep.Timestamp();
                s.timestamp.from = pick(r, NAMES);
                if (r.nextBoolean()) {
                    s.timestamp.layoutType = ParseStep.LayoutType.epoch;
                    s.timestamp.layout = pick(r, EPOCHS);
                } else {
                    s.timestamp.layout = pick(r, LAYOUTS);
                }
            }
            default -> {
                s.traceContext = new ParseStep.TraceContext();
                s.traceContext.traceId = r.nextBoolean() ? pick(r, NAMES) : null;
                s.traceContext.spanId = s.traceContext.traceId == null || r.nextBoolean() ? pick(r, NAMES) : null;
                s.traceContext.traceFlags = r.nextInt(3) == 0 ? pick(r, NAMES) : null;
            }
        }
        return s;
    }

    private static String pick(Random r, String[] from) {
        return from[r.nextInt(from.length)];
    }
}
