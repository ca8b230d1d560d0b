package dev.vigil.logs;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.vigil.api.v1alpha1.AgentSpec;
import dev.vigil.api.v1alpha1.DefaultLogRule;
import dev.vigil.api.v1alpha1.LogParserRule;
import dev.vigil.api.v1alpha1.LogParserRuleSpec;
import dev.vigil.api.v1alpha1.LogRule;
import dev.vigil.api.v1alpha1.Sample;
import dev.vigil.api.v1alpha1.WorkloadRef;
import dev.vigil.collector.RealCollector;
import dev.vigil.serialization.Yaml;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Java evaluation a rule's samples are judged by gives what the agents give: Vigil's collector distribution runs
 * the operators RuleOperators makes (served to its vigilrules processor, as on the agents), over pod-log-shaped files (CRI lines) of the samples and of lines made to fail
 * each step, and every record it exports (attributes, body, severity, timestamp, trace and span id) must equal what
 * RuleEvaluator says of the same line. If the evaluator drifted from the collector, a rule could pass its samples in
 * the operator and parse differently on the nodes; this test is what stops that.
 */
class RealCollectorAgreementTest {
    private static final Instant CRI_TIME = Instant.parse("2026-12-04T08:00:00.5Z");
    /** Attributes the container parser and filelog add, which no rule touches. */
    private static final Set<String> RECEIVER_ATTRIBUTES = Set.of("log.file.path", "log.file.name", "log.iostream", "logtag");
    private static final String[] SEVERITIES = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"};

    /** A rule and the lines (records; multiline ones hold newlines) to run it on. */
    record Case(String name, LogParserRuleSpec spec, List<String> records) {
    }

    static List<Case> cases() throws Exception {
        List<Case> cases = new ArrayList<>();
        for (LogParserRule r : Rules.examples()) {
            List<String> lines = new ArrayList<>(r.getSpec().samples.stream().map(s -> s.line).toList());
            // Each sample cut short and garbled: steps fail and the record must go on as the evaluator says.
            for (Sample s : r.getSpec().samples) {
                lines.add(s.line.substring(0, s.line.length() / 2));
                lines.add(s.line.replace("2026", "20x6").replace("\"", "'"));
            }
            lines.add("not what this rule expects at all");
            LogParserRuleSpec spec = r.getSpec();
            spec.container = null; // the test's pods have one container, "app"
            cases.add(new Case(r.getMetadata().getName(), spec, lines));
        }
        cases.add(new Case("keyvalue", Rules.spec("""
                steps:
                  - keyValue: {}
                  - severity: {from: level, mapping: [{level: fatal, values: [crit, "5xx"]}]}
                  - timestamp: {from: ts, layoutType: epoch, layout: s.ms}
                  - traceContext: {traceId: trace, spanId: span, traceFlags: flags}
                renames: [{from: msg, to: message}]
                drops: [ts]
                """), List.of(
                "level=crit msg=\"disk full\" ts=1764842400.250 trace=4bf92f3577b34da6a3ce929d0e0e4736 span=00f067aa0ba902b7 flags=01",
                "level=503 msg='quoted with space' ts=1764842400.5",
                "level=Warning msg=x ts=abc trace=zz span=00f067aa0ba902b7",
                "level=info a=1 b",
                "   level=debug   msg=spaced  ",
                "level=ERR2 ts=1764842400.007")));
        cases.add(new Case("json-nested", Rules.spec("""
                steps:
                  - json: {}
                  - json: {from: inner}
                  - timestamp: {from: t, layoutType: epoch, layout: ms}
                  - severity: {from: sev}
                """), List.of(
                "{\"inner\": \"{\\\"x\\\": 1, \\\"y\\\": 2.5, \\\"z\\\": true}\", \"t\": 1764842400123, \"sev\": 17}",
                "{\"obj\": {\"a\": [1, \"two\"], \"b\": null}, \"t\": \"1764842400999\", \"sev\": \"WARN3\"}",
                "{\"sev\": 9.5}",
                "[1, 2]",
                "{\"t\": 1.5e12} trailing")));
        cases.add(new Case("strptime", Rules.spec("""
                steps:
                  - regex: {pattern: '^(?P<t>[^|]+)\\|(?P<rest>.*)$'}
                  - timestamp: {from: t, layout: '%d/%b/%Y:%H:%M:%S.%L %z'}
                  - regex: {pattern: '(?P<word>[a-z]+)?(?P<num>[0-9]+)', from: rest}
                """), List.of(
                "04/Dec/2026:10:15:00.123456 +0530|abc123",
                "04/dec/2026:10:15:00 -0800|42",
                "4/Dec/2026:10:15:00 +0000|x",
                "31/Feb/2026:10:15:00 +0000|x7",
                "04/Dec/2026:10:15:00,5 Z|",
                "4/Dec/2026: 9:5:7 +05|y1",
                "04/Dec/2026:10:15:00 +05:30|z2",
                "04/Dec/26:10:15:00 +0000|short year",
                "04/Dec/2026:24:15:00 +0000|hour 24",
                "04/Dec/2026:10:15:00 +0000 trailing|")));
        cases.add(new Case("multiline", Rules.spec("""
                multiline: {lineStartPattern: '^\\d{4}-'}
                steps:
                  - regex: {pattern: '^(?P<t>\\S+ \\S+) (?P<level>[A-Z]+) (?P<message>(?s:.*))$'}
                  - severity: {from: level}
                  - timestamp: {from: t, layout: '%F %T,%L'}
                drops: [t]
                """), List.of(
                "2026-12-04 10:15:00,250 ERROR failed\njava.lang.IllegalStateException: x\n\tat a.B.c(B.java:1)",
                "2026-12-04 10:15:01,000 INFO one line",
                "2026-12-04 10:15:02,000 WARN two\n  lines")));
        return cases;
    }

    @Test
    void theEvaluatorAgreesWithTheCollectorOnEveryLine(@TempDir Path dir) throws Exception {
        List<Case> cases = cases();
        List<RuleOperators.Served> rules = new ArrayList<>();
        Map<String, Case> byPod = new LinkedHashMap<>();
        int expectedRecords = 0;
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            String workload = "w" + i;
            String pod = workload + "-7c9f5b4d6-x2k9z";
            byPod.put(pod + "/app", c);
            rules.add(new RuleOperators.Served("agree", c.name(), 1, c.spec(),
                    List.of(new Workload(WorkloadRef.Kind.Deployment, workload))));
            write(dir, "agree", pod, i, "app", c.records());
            expectedRecords += c.records().size();
        }
        Map<String, List<JsonNode>> records = collect(dir, AgentOperators.of(List.of(), rules), expectedRecords);

        SoftAssertions soft = new SoftAssertions();
        int compared = 0;
        for (Map.Entry<String, Case> e : byPod.entrySet()) {
            Case c = e.getValue();
            List<JsonNode> got = records.getOrDefault(e.getKey(), List.of());
            assertThat(got).as(c.name()).hasSize(c.records().size());
            for (int i = 0; i < got.size(); i++) {
                agree(soft, c.name(), c.spec(), c.records().get(i), got.get(i));
                compared++;
            }
        }
        soft.assertAll();
        assertThat(compared).isEqualTo(expectedRecords);
    }

    /**
     * A fleet's default rules parse the records no app team's rule applies to, and only those: not the records of the
     * container an app rule parses (even the lines that rule's steps cannot parse), but the same pod's other
     * container, a pod no rule selects and another namespace's pod of the same name; defaults run in order, a
     * default rule's container restricts it too.
     */
    @Test
    void defaultRulesParseTheRecordsNoRuleAppliesTo(@TempDir Path dir) throws Exception {
        LogParserRuleSpec access = Rules.spec("""
                container: app
                steps:
                  - regex: {pattern: '^(?P<method>[A-Z]+) (?P<path>\\S+)$'}
                samples:
                  - line: GET /cart
                    attributes: {method: GET, path: /cart}
                """);
        DefaultLogRule json = Yaml.MAPPER.readValue("""
                name: json-lines
                steps:
                  - json: {}
                  - severity: {from: level}
                samples:
                  - line: '{"level":"warn","msg":"x"}'
                    attributes: {level: warn, msg: x}
                    severity: WARN
                """, DefaultLogRule.class);
        DefaultLogRule message = Yaml.MAPPER.readValue("""
                name: message
                container: app
                renames: [{from: msg, to: message}]
                """, DefaultLogRule.class);
        assertThat(RuleCheck.check(access).problems()).isEmpty();
        assertThat(DefaultRules.problems(agent(json, message))).isEmpty();
        // Both defaults in one rule: what running json-lines, then message, does to a line.
        LogRule both = new LogRule();
        both.steps = json.steps;
        both.renames = message.renames;

        String w0 = "w0-7c9f5b4d6-x2k9z";
        List<String> appLines = List.of("GET /cart", "{\"level\":\"warn\",\"msg\":\"covered\"}", "post /lower");
        record Expect(String key, LogRule spec, List<String> lines) {
        }
        List<Expect> expects = List.of(
                new Expect(w0 + "/app", access, appLines),                 // the app rule's records: no default
                new Expect(w0 + "/proxy", json, jsonLines("proxy")),       // its pod's other container: json-lines only
                new Expect("w1-5d8b9c7f6-q7r2m/app", both, jsonLines("w1")), // no rule selects the pod: both defaults
                new Expect("other:" + w0 + "/app", both, jsonLines("other"))); // the same pod in another namespace
        write(dir, "agree", w0, 0, "app", appLines);
        write(dir, "agree", w0, 0, "proxy", expects.get(1).lines());
        write(dir, "agree", "w1-5d8b9c7f6-q7r2m", 1, "app", expects.get(2).lines());
        write(dir, "other", w0, 2, "app", expects.get(3).lines());

        List<Map<String, Object>> ops = AgentOperators.of(List.of(), List.of(new RuleOperators.Served("agree", "access",
                1, access, List.of(new Workload(WorkloadRef.Kind.Deployment, "w0")))), List.of(json, message));
        Map<String, List<JsonNode>> records = collect(dir, ops, expects.stream().mapToInt(e -> e.lines().size()).sum());
        SoftAssertions soft = new SoftAssertions();
        for (Expect e : expects) {
            List<JsonNode> got = records.getOrDefault(e.key(), List.of());
            assertThat(got).as(e.key() + " in " + records.keySet()).hasSize(e.lines().size());
            for (int i = 0; i < got.size(); i++) {
                agree(soft, e.key(), e.spec(), e.lines().get(i), got.get(i));
            }
        }
        soft.assertAll();
        // The test means something: the defaults did parse (and the app rule's container kept its JSON line whole).
        assertThat(RuleEvaluator.run(both, jsonLines("w1").get(0)).attributes).containsEntry("message", "hi w1");
        assertThat(RuleEvaluator.run(access, appLines.get(1)).attributes).isEmpty();
    }

    /** Lines for a default rule, different in each file (the receiver takes files of equal content for one). */
    private static List<String> jsonLines(String file) {
        return List.of("{\"level\":\"error\",\"msg\":\"hi " + file + "\",\"n\":3}", "GET /cart " + file, "plain text");
    }

    private static AgentSpec agent(DefaultLogRule... rules) {
        AgentSpec a = new AgentSpec();
        a.defaultRules = List.of(rules);
        return a;
    }

    /** A pod log file (CRI lines) of {@code records} under dir/pods, as the kubelet lays them out. */
    private static void write(Path dir, String ns, String pod, int uid, String container, List<String> records)
            throws Exception {
        Path log = dir.resolve("pods").resolve(ns + "_" + pod + "_0f0e0d0c-0000-4000-8000-" + String.format("%012d", uid))
                .resolve(container).resolve("0.log");
        Files.createDirectories(log.getParent());
        StringBuilder cri = new StringBuilder();
        for (String record : records) {
            for (String line : record.split("\n", -1)) {
                cri.append(CRI_TIME).append(" stdout F ").append(line).append('\n');
            }
        }
        Files.writeString(log, cri.toString(), StandardCharsets.UTF_8);
    }

    /**
     * Runs Vigil's collector as an agent runs it, over dir/pods until it exported {@code expected} records: filelog with
     * the container parser only, and {@code ops} served to its vigilrules processor by a stand-in for the operator's
     * endpoint. Returns the records by [namespace:]pod/container (no namespace for "agree").
     */
    private static Map<String, List<JsonNode>> collect(Path dir, List<Map<String, Object>> ops, int expected)
            throws Exception {
        Path out = dir.resolve("out.jsonl");
        byte[] served = Yaml.write(ops).getBytes(StandardCharsets.UTF_8);
        HttpServer operator = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        operator.createContext("/logs/v1/agree/agents", exchange -> {
            exchange.getResponseHeaders().add("ETag", "\"1\"");
            exchange.sendResponseHeaders(200, served.length);
            exchange.getResponseBody().write(served);
            exchange.close();
        });
        operator.start();
        Map<String, Object> filelog = new LinkedHashMap<>();
        filelog.put("include", List.of(dir.resolve("pods") + "/*/*/*.log"));
        filelog.put("start_at", "beginning");
        filelog.put("include_file_path", true);
        filelog.put("operators", List.of(AgentOperators.containerParser()));
        String config = Yaml.write(Map.of(
                "receivers", Map.of("filelog", filelog),
                "processors", Map.of("vigilrules", Map.of("endpoint", "http://127.0.0.1:" + operator.getAddress().getPort()
                        + "/logs/v1/agree/agents", "token_file", "")),
                "exporters", Map.of("file", Map.of("path", out.toString(), "format", "json", "flush_interval", "100ms")),
                "service", Map.of("telemetry", Map.of("metrics", Map.of("level", "none")),
                        "pipelines", Map.of("logs", Map.of("receivers", List.of("filelog"), "processors", List.of("vigilrules"),
                                "exporters", List.of("file"))))));
        Path configFile = dir.resolve("config.yaml");
        Files.writeString(configFile, config);

        Process p = new ProcessBuilder(RealCollector.binary().toString(), "--config=" + configFile)
                .redirectErrorStream(true).redirectOutput(dir.resolve("collector.log").toFile()).start();
        Map<String, List<JsonNode>> records;
        try {
            Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
            do {
                Thread.sleep(300);
                records = read(out);
            } while (records.values().stream().mapToInt(List::size).sum() < expected && Instant.now().isBefore(deadline)
                    && p.isAlive());
        } finally {
            p.destroy();
            p.waitFor();
            operator.stop(0);
        }
        assertThat(records.values().stream().mapToInt(List::size).sum())
                .as("records exported (collector log: %s)", Files.readString(dir.resolve("collector.log")))
                .isEqualTo(expected);
        return records;
    }

    /** The record the collector exported for {@code line} is what RuleEvaluator makes of it with {@code spec}. */
    private static void agree(SoftAssertions soft, String name, LogRule spec, String line, JsonNode rec) {
        RuleEvaluator.Record want = RuleEvaluator.run(spec, line);
        String as = name + ": " + line;
        soft.assertThat(value(rec.get("body"))).as(as + " body").isEqualTo(want.body);
        Map<String, Object> attributes = new LinkedHashMap<>();
        for (JsonNode kv : rec.path("attributes")) {
            if (!RECEIVER_ATTRIBUTES.contains(kv.get("key").asText())) {
                attributes.put(kv.get("key").asText(), value(kv.get("value")));
            }
        }
        soft.assertThat(attributes).as(as + " attributes").isEqualTo(normal(want.attributes));
        int number = rec.path("severityNumber").asInt(0);
        soft.assertThat(number == 0 ? null : SEVERITIES[(number - 1) / 4] + ((number - 1) % 4 == 0 ? "" : (number - 1) % 4 + 1))
                .as(as + " severity").isEqualTo(want.severity);
        Instant time = Instant.EPOCH.plusNanos(Long.parseLong(rec.path("timeUnixNano").asText("0")));
        if (want.timestamp == null) {
            soft.assertThat(time).as(as + " timestamp (the CRI line's)").isEqualTo(CRI_TIME);
        } else if (want.timestamp.hasYear()) {
            soft.assertThat(time).as(as + " timestamp").isEqualTo(want.timestamp.instant());
        }
        soft.assertThat(rec.path("traceId").asText("")).as(as + " traceId").isEqualTo(hex(want.traceId, 16));
        soft.assertThat(rec.path("spanId").asText("")).as(as + " spanId").isEqualTo(hex(want.spanId, 8));
    }

    /** OTLP JSON log records by [namespace:]pod/container, in the order exported. */
    private static Map<String, List<JsonNode>> read(Path out) throws Exception {
        Map<String, List<JsonNode>> byPod = new LinkedHashMap<>();
        for (RealCollector.ExportedLogs logs : RealCollector.exportedLogs(out)) {
            Map<String, String> resource = logs.resource();
            String ns = resource.getOrDefault("k8s.namespace.name", "");
            String pod = (ns.equals("agree") ? "" : ns + ":") + resource.getOrDefault("k8s.pod.name", "")
                    + "/" + resource.getOrDefault("k8s.container.name", "");
            for (JsonNode sl : logs.node().path("scopeLogs")) {
                for (JsonNode r : sl.path("logRecords")) {
                    byPod.computeIfAbsent(pod, k -> new ArrayList<>()).add(r);
                }
            }
        }
        return byPod;
    }

    /** An OTLP AnyValue as Java: String, Long, Double, Boolean, Map, List; null for an empty value. */
    private static Object value(JsonNode v) {
        if (v == null || v.isEmpty()) {
            return null;
        }
        if (v.has("stringValue")) {
            return v.get("stringValue").asText();
        }
        if (v.has("intValue")) {
            return Long.parseLong(v.get("intValue").asText());
        }
        if (v.has("doubleValue")) {
            return v.get("doubleValue").asDouble();
        }
        if (v.has("boolValue")) {
            return v.get("boolValue").asBoolean();
        }
        if (v.has("kvlistValue")) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (JsonNode kv : v.get("kvlistValue").path("values")) {
                m.put(kv.get("key").asText(), value(kv.get("value")));
            }
            return m;
        }
        if (v.has("arrayValue")) {
            List<Object> l = new ArrayList<>();
            v.get("arrayValue").path("values").forEach(x -> l.add(value(x)));
            return l;
        }
        return null;
    }

    /** The evaluator's values in the same terms: every whole number a Long. */
    @SuppressWarnings("unchecked")
    private static Object normal(Object v) {
        if (v instanceof Integer i) {
            return i.longValue();
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            ((Map<String, Object>) m).forEach((k, x) -> out.put(k, normal(x)));
            return out;
        }
        if (v instanceof List<?> l) {
            return l.stream().map(RealCollectorAgreementTest::normal).toList();
        }
        return v;
    }

    private static String hex(byte[] b, int size) {
        return b == null || b.length != size ? "" : HexFormat.of().formatHex(b);
    }
}
