package dev.vigil.operator;

import dev.vigil.api.v1alpha1.DefaultLogRule;
import dev.vigil.api.v1alpha1.LogParserRule;
import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.logs.AgentRules;
import dev.vigil.logs.ParseFailures;
import dev.vigil.serialization.Yaml;
import dev.vigil.status.Conditions;
import dev.vigil.status.Reasons;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * LogParserRules against the Fabric8 mock server: a valid rule is served to the agent fleet that collects its service
 * (status: Ready, the fleet and the generation it runs); an edit whose samples fail is not served, gets Ready=False
 * with the sample and what differed and a Warning event, and the agents keep the last valid generation; a pod selector
 * resolves to the namespace's workloads; a deleted rule leaves the served operators; an agent fleet's default rules
 * are served after the app rules, and one whose sample fails rejects the fleet while its agents keep what they run.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class LogParserRuleOperatorTest {
    @KubernetesTestServer
    KubernetesServer server;
    @Inject
    KubernetesClient client;
    @Inject
    AgentRules agentRules;
    @Inject
    ParseFailures parseFailures;

    static final String RULE = """
            apiVersion: vigil.dev/v1alpha1
            kind: LogParserRule
            metadata: {name: access, namespace: lpr-a}
            spec:
              serviceRef: {name: web}
              steps:
                - regex: {pattern: '^(?P<method>[A-Z]+) (?P<path>\\S+) (?P<status>\\d{3})$'}
                - severity: {from: status, mapping: [{level: error, values: ["5xx"]}]}
              samples:
                - line: GET /cart 503
                  attributes: {method: GET, path: /cart, status: "503"}
                  severity: ERROR
            """;

    private LogParserRule rule(String ns, String name) {
        return client.resources(LogParserRule.class).inNamespace(ns).withName(name).get();
    }

    private String served(String ns, String fleet) {
        return agentRules.get(new ResourceID(fleet, ns)).map(AgentRules.Served::yaml).orElse("");
    }

    /** The condition of a served rule's router (which records go through the rule), or null. */
    @SuppressWarnings("unchecked")
    private String condition(String ns, String fleet, String router) throws Exception {
        List<java.util.Map<String, Object>> ops = Yaml.MAPPER.readValue(served(ns, fleet), List.class);
        return ops.stream().filter(o -> router.equals(o.get("id")))
                .map(o -> (String) ((List<java.util.Map<String, Object>>) o.get("routes")).get(0).get("expr"))
                .findFirst().orElse(null);
    }

    private List<Event> events(String ns, String reason) {
        return client.v1().events().inNamespace(ns).list().getItems().stream()
                .filter(e -> reason.equals(e.getReason())).toList();
    }

    @Test
    void aRuleIsServedToItsServicesAgentsAndABadEditKeepsTheLastValidGeneration() {
        String ns = "lpr-a";
        client.resource(InstrumentedServiceOperatorTest.deployment(ns, "web")).create();
        client.resource(OperatorTestSupport.service(ns, "web", "web")).create();
        client.resource(OperatorTestSupport.parse(RULE, LogParserRule.class)).create();

        // No agent fleet yet: valid, not served.
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            LogParserRule r = rule(ns, "access");
            assertThat(Conditions.isTrue(r.getStatus().conditions, Reasons.VALID)).as(Yaml.write(r.getStatus())).isTrue();
            assertThat(Conditions.find(r.getStatus().conditions, Reasons.READY).getReason()).isEqualTo(Reasons.NO_AGENT_FLEET);
            assertThat(r.getStatus().workloads).containsExactly("Deployment/web");
            assertThat(r.getStatus().servedGeneration).isEqualTo(1L);
        });

        client.resource(OperatorTestSupport.parse("""
                apiVersion: vigil.dev/v1alpha1
                kind: TelemetryCollector
                metadata: {name: nodes, namespace: lpr-a}
                spec: {mode: agent}
                """, TelemetryCollector.class)).create();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            LogParserRule r = rule(ns, "access");
            assertThat(Conditions.isTrue(r.getStatus().conditions, Reasons.READY)).as(Yaml.write(r.getStatus())).isTrue();
            assertThat(r.getStatus().fleetNames).isEqualTo("lpr-a/nodes");
            assertThat(r.getStatus().fleets).singleElement().satisfies(f -> assertThat(f.generation).isEqualTo(1L));
            assertThat(served(ns, "nodes")).contains("id: lpr/lpr-a/access/step-1", "type: regex_parser",
                    "type: severity_parser");
            assertThat(condition(ns, "nodes", "lpr/lpr-a/access/route"))
                    .startsWith("resource[\"k8s.namespace.name\"] == \"lpr-a\" and resource[\"k8s.pod.name\"] matches \"^web-");
        });
        String good = served(ns, "nodes");

        // The agents report records the rule could not parse with their polls: a baseline, then 5 more (of two agents).
        ResourceID fleet = new ResourceID("nodes", ns);
        parseFailures.report(fleet, "node-a", "{\"lpr/lpr-a/access\":40}");
        parseFailures.report(fleet, "node-b", "{}");
        parseFailures.report(fleet, "node-a", "{\"lpr/lpr-a/access\":43}");
        parseFailures.report(fleet, "node-b", "{\"lpr/lpr-a/access\":2}");
        // (the rule's status follows within its 30 s recheck; a change of the fleet reconciles it now)
        OperatorTestSupport.edit(client.resources(TelemetryCollector.class).inNamespace(ns).withName("nodes"), f -> { f.getMetadata().setLabels(java.util.Map.of("touched", "1")); return f; });
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            LogParserRule r = rule(ns, "access");
            assertThat(r.getStatus().parseFailures).as(Yaml.write(r.getStatus())).isEqualTo(5L);
            assertThat(r.getStatus().lastParseFailureTime).isNotNull();
            assertThat(events(ns, Reasons.PARSE_FAILURES)).singleElement()
                    .satisfies(e -> assertThat(e.getMessage()).contains("5 record(s)", "generation 1"));
        });

        // An edit whose sample no longer holds: not served, the agents keep generation 1.
        OperatorTestSupport.edit(client.resources(LogParserRule.class).inNamespace(ns).withName("access"), r -> {
            r.getSpec().steps.get(0).regex.pattern = "^(?P<method>[A-Z]+) (?P<path>\\S+)";
            return r;
        });
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            LogParserRule r = rule(ns, "access");
            Condition valid = Conditions.find(r.getStatus().conditions, Reasons.VALID);
            assertThat(valid.getStatus()).isEqualTo("False");
            assertThat(valid.getReason()).isEqualTo(Reasons.SAMPLE_MISMATCH);
            assertThat(valid.getMessage()).contains("sample 1 \"GET /cart 503\"", "attribute status: expected \"503\", got none");
            assertThat(Conditions.find(r.getStatus().conditions, Reasons.READY).getMessage())
                    .contains("the agents keep generation 1");
            assertThat(r.getStatus().servedGeneration).isEqualTo(1L);
            // What a restarted operator would serve: generation 1's rule, recorded in status without its samples.
            assertThat(r.getStatus().servedRule.path("steps").get(0).path("regex").path("pattern").asText())
                    .isEqualTo("^(?P<method>[A-Z]+) (?P<path>\\S+) (?P<status>\\d{3})$");
            assertThat(r.getStatus().servedRule.path("samples").size()).isZero();
            assertThat(r.getStatus().observedGeneration).isEqualTo(2L);
            assertThat(events(ns, Reasons.SAMPLE_MISMATCH)).singleElement()
                    .satisfies(e -> assertThat(e.getType()).isEqualTo("Warning"));
        });
        assertThat(served(ns, "nodes")).isEqualTo(good);

        // Fixed: generation 3 is served.
        OperatorTestSupport.edit(client.resources(LogParserRule.class).inNamespace(ns).withName("access"), r -> {
            r.getSpec().steps.get(0).regex.pattern = "^(?P<method>[A-Z]+) (?P<path>\\S+) (?P<status>[0-9]{3})$";
            return r;
        });
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            LogParserRule r = rule(ns, "access");
            assertThat(Conditions.isTrue(r.getStatus().conditions, Reasons.READY)).as(Yaml.write(r.getStatus())).isTrue();
            assertThat(r.getStatus().fleets).singleElement().satisfies(f -> assertThat(f.generation).isEqualTo(3L));
            assertThat(served(ns, "nodes")).contains("(?P<status>[0-9]{3})");
            // A new generation's failures are counted from zero.
            assertThat(r.getStatus().parseFailures).isNull();
        });
        assertThat(events(ns, Reasons.SAMPLE_MISMATCH)).hasSize(1);

        client.resources(LogParserRule.class).inNamespace(ns).withName("access").delete();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(served(ns, "nodes")).doesNotContain("lpr/lpr-a/access").contains("id: svc-lpr-a-web"));
    }

    @Test
    void aPodSelectorResolvesToTheNamespacesWorkloadsAndAMissingServiceIsReported() {
        String ns = "lpr-b";
        var web = InstrumentedServiceOperatorTest.deployment(ns, "web");
        web.getSpec().getTemplate().getMetadata().getLabels().put("logs", "json");
        client.resource(web).create();
        client.resource(InstrumentedServiceOperatorTest.deployment(ns, "other")).create();
        client.resource(InstrumentedServiceOperatorTest.deployment("lpr-c", "web")).create();
        client.resource(OperatorTestSupport.parse("""
                apiVersion: vigil.dev/v1alpha1
                kind: TelemetryCollector
                metadata: {name: nodes, namespace: lpr-c}
                spec: {mode: agent}
                """, TelemetryCollector.class)).create();
        client.resource(OperatorTestSupport.parse("""
                apiVersion: vigil.dev/v1alpha1
                kind: LogParserRule
                metadata: {name: json, namespace: lpr-b}
                spec:
                  podSelector: {matchLabels: {logs: json}}
                  steps: [{json: {}}]
                  samples: [{line: '{"a": 1}', attributes: {a: "1"}}]
                """, LogParserRule.class)).create();
        client.resource(OperatorTestSupport.parse("""
                apiVersion: vigil.dev/v1alpha1
                kind: LogParserRule
                metadata: {name: orphan, namespace: lpr-b}
                spec:
                  serviceRef: {name: nowhere}
                  drops: [x]
                """, LogParserRule.class)).create();

        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            LogParserRule r = rule(ns, "json");
            assertThat(r.getStatus().workloads).as(Yaml.write(r.getStatus())).containsExactly("Deployment/web");
            assertThat(Conditions.isTrue(r.getStatus().conditions, Reasons.READY)).isTrue();
            // Served by the agent fleet of another namespace, for this namespace's pods only.
            assertThat(condition("lpr-c", "nodes", "lpr/lpr-b/json/route"))
                    .startsWith("resource[\"k8s.namespace.name\"] == \"lpr-b\" and resource[\"k8s.pod.name\"] matches \"^web-");
            LogParserRule o = rule(ns, "orphan");
            assertThat(Conditions.find(o.getStatus().conditions, Reasons.READY).getReason()).isEqualTo(Reasons.SERVICE_NOT_FOUND);
        });
        assertThat(served("lpr-c", "nodes")).doesNotContain("lpr/lpr-b/orphan", "^other-");
    }

    @Test
    void aFleetsDefaultRulesFollowTheAppRulesAndABadOneRejectsTheFleetWhileTheAgentsKeepTheirs() throws Exception {
        String ns = "lpr-d";
        client.resource(OperatorTestSupport.parse("""
                apiVersion: vigil.dev/v1alpha1
                kind: TelemetryCollector
                metadata: {name: nodes, namespace: lpr-d}
                spec:
                  mode: agent
                  agent:
                    defaultRules:
                      - name: json-lines
                        steps: [{json: {}}, {severity: {from: level}}]
                        samples: [{line: '{"level": "warn"}', attributes: {level: warn}, severity: WARN}]
                """, TelemetryCollector.class)).create();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            TelemetryCollector f = client.resources(TelemetryCollector.class).inNamespace(ns).withName("nodes").get();
            assertThat(Conditions.isTrue(f.getStatus().conditions, Reasons.CONFIG_VALID)).as(Yaml.write(f.getStatus())).isTrue();
            String served = served(ns, "nodes");
            assertThat(served).contains("id: default/json-lines/route", "id: default/json-lines/step-1",
                    "type: json_parser", "id: default/json-lines/step-2", "id: end-of-rules");
            // After every app rule (the other tests' pod-selector rules run on every agent fleet).
            assertThat(served.indexOf("id: default/json-lines/route")).isGreaterThan(served.lastIndexOf("id: lpr/"));
        });
        String good = served(ns, "nodes");

        // A default rule whose sample fails: the fleet is rejected, the agents keep what they are served.
        OperatorTestSupport.edit(client.resources(TelemetryCollector.class).inNamespace(ns).withName("nodes"), f -> {
            f.getSpec().agent.defaultRules.get(0).samples.get(0).severity = "ERROR";
            return f;
        });
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            TelemetryCollector f = client.resources(TelemetryCollector.class).inNamespace(ns).withName("nodes").get();
            Condition valid = Conditions.find(f.getStatus().conditions, Reasons.CONFIG_VALID);
            assertThat(valid.getStatus()).as(Yaml.write(f.getStatus())).isEqualTo("False");
            assertThat(valid.getMessage()).contains("spec.agent.defaultRules[json-lines]: sample 1",
                    "severity: expected ERROR, got WARN");
            assertThat(Conditions.isTrue(f.getStatus().conditions, Reasons.READY)).isFalse();
            assertThat(events(ns, Reasons.INVALID_CONFIG)).singleElement()
                    .satisfies(e -> assertThat(e.getType()).isEqualTo("Warning"));
        });
        assertThat(served(ns, "nodes")).isEqualTo(good);

        // Fixed, and a second default rule for one container: served in order.
        DefaultLogRule message = Yaml.MAPPER.readValue("""
                name: app-message
                container: app
                renames: [{from: msg, to: message}]
                """, DefaultLogRule.class);
        OperatorTestSupport.edit(client.resources(TelemetryCollector.class).inNamespace(ns).withName("nodes"), f -> {
            f.getSpec().agent.defaultRules.get(0).samples.get(0).severity = "WARN";
            f.getSpec().agent.defaultRules.add(message);
            return f;
        });
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            TelemetryCollector f = client.resources(TelemetryCollector.class).inNamespace(ns).withName("nodes").get();
            assertThat(Conditions.isTrue(f.getStatus().conditions, Reasons.CONFIG_VALID)).as(Yaml.write(f.getStatus())).isTrue();
            String served = served(ns, "nodes");
            assertThat(served.indexOf("id: default/app-message/route")).isGreaterThan(served.indexOf("id: default/json-lines/route"));
            assertThat(condition(ns, "nodes", "default/app-message/route"))
                    .endsWith(" and resource[\"k8s.container.name\"] == \"app\"");
        });

        // The agents report lines a default rule could not parse: the fleet's status shows them by rule (after its
        // generation's baseline; the status follows within the fleet's 30 s recheck, its DaemonSet's status change
        // reconciles it now).
        ResourceID fleet = new ResourceID("nodes", ns);
        parseFailures.report(fleet, "node-a", "{\"default/json-lines\":3}");
        parseFailures.report(fleet, "node-a", "{\"default/json-lines\":10,\"default/app-message\":0}");
        OperatorTestSupport.markDaemonSetReady(client, ns, "nodes-agent", 1);
        await().atMost(Duration.ofSeconds(40)).ignoreExceptions().untilAsserted(() -> {
            TelemetryCollector f = client.resources(TelemetryCollector.class).inNamespace(ns).withName("nodes").get();
            assertThat(f.getStatus().defaultRuleParseFailures).as(Yaml.write(f.getStatus())).singleElement()
                    .satisfies(d -> {
                        assertThat(d.name).isEqualTo("json-lines");
                        assertThat(d.parseFailures).isEqualTo(7L);
                        assertThat(d.lastParseFailureTime).isNotNull();
                    });
        });
    }
}
