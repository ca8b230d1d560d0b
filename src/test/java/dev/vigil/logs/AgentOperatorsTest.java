package dev.vigil.logs;

import dev.vigil.api.v1alpha1.DefaultLogRule;
import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.InstrumentedServiceSpec;
import dev.vigil.api.v1alpha1.LogParserRuleSpec;
import dev.vigil.api.v1alpha1.WorkloadRef;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The operators an agent fleet is served: each service's enrichment, then the rules; nothing when there are none. */
class AgentOperatorsTest {
    private static final Pattern POD_NAME = Pattern.compile("resource\\[\"k8s.pod.name\"] matches \"((?:[^\"\\\\]|\\\\.)*)\"");

    static InstrumentedService service(String ns, String name, WorkloadRef.Kind kind, String workload) {
        InstrumentedService s = new InstrumentedService();
        s.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName(name).build());
        s.setSpec(new InstrumentedServiceSpec());
        s.getSpec().workloadRef = new WorkloadRef();
        s.getSpec().workloadRef.kind = kind;
        s.getSpec().workloadRef.name = workload;
        return s;
    }

    /** The pod-name regex of the operator with {@code id}, unquoted from its expr string literal. */
    static Pattern podPattern(List<Map<String, Object>> ops, String id) {
        Map<String, Object> op = ops.stream().filter(o -> id.equals(o.get("id"))).findFirst().orElseThrow();
        Matcher m = POD_NAME.matcher((String) op.get("if"));
        assertThat(m.find()).as("%s", op).isTrue();
        return Pattern.compile(m.group(1).replace("\\\\", "\\"));
    }

    @Test
    void servicesComeSortedAndNothingIsServedWithoutThem() {
        assertThat(AgentOperators.of(List.of())).isEmpty();
        List<Map<String, Object>> ops = AgentOperators.of(List.of(
                service("shop", "web", WorkloadRef.Kind.Deployment, "web"),
                service("bank", "ledger", WorkloadRef.Kind.StatefulSet, "ledger")));
        assertThat(ops).extracting(o -> o.get("id")).containsExactly("svc-bank-ledger",
                "svc-bank-ledger-workload", "svc-shop-web", "svc-shop-web-workload");
        assertThat(ops.get(0)).containsEntry("field", "resource[\"service.name\"]").containsEntry("value", "ledger");
        assertThat(ops.get(1)).containsEntry("field", "resource[\"k8s.statefulset.name\"]").containsEntry("value", "ledger");
        assertThat(ops.get(3)).containsEntry("field", "resource[\"k8s.deployment.name\"]").containsEntry("value", "web");
        assertThat((String) ops.get(2).get("if")).startsWith("resource[\"k8s.namespace.name\"] == \"shop\" and ");
    }

    @Test
    void whatIsServedDependsOnTheServicesNotOnTheirOrder() {
        var a = service("shop", "web", WorkloadRef.Kind.Deployment, "web");
        var b = service("shop", "api", WorkloadRef.Kind.Deployment, "api");
        assertThat(AgentOperators.of(List.of(a, b))).isEqualTo(AgentOperators.of(List.of(b, a)));
        assertThat(AgentOperators.of(List.of(a, b))).hasSize(4);
    }

    @ParameterizedTest(name = "{0} {1}: {2} -> {3}")
    @CsvSource({
            "Deployment, web, web-7c9f8d6b5-x2x4z, true",
            "Deployment, web, web-5d4b9-qz7kp, true",
            "Deployment, web, web-api-7c9f8d6b5-x2x4z, false",
            "Deployment, web, web-7c9f8d6b5, false",
            "Deployment, web, web-7c9f8d6b5-x2x4, false",
            "Deployment, web, web-7c9f8d6b5-aaaaa, false",
            "Deployment, web, myweb-7c9f8d6b5-x2x4z, false",
            "Deployment, api.v2, api.v2-7c9f8d6b5-x2x4z, true",
            "Deployment, api.v2, apixv2-7c9f8d6b5-x2x4z, false",
            "StatefulSet, db, db-0, true",
            "StatefulSet, db, db-12, true",
            "StatefulSet, db, db-x, false",
            "StatefulSet, db, db-0-7c9f8d6b5-x2x4z, false",
            "StatefulSet, db, redis-db-0, false",
    })
    void aWorkloadIsRecognisedByItsPodsNames(WorkloadRef.Kind kind, String workload, String pod, boolean matches) {
        List<Map<String, Object>> ops = AgentOperators.of(List.of(service("ns", "svc", kind, workload)));
        assertThat(podPattern(ops, "svc-ns-svc").matcher(pod).matches()).isEqualTo(matches);
    }

    @Test
    void quotesAreEscapedForTheExpressionLanguage() {
        assertThat(AgentOperators.quote("a\"b\\c")).isEqualTo("\"a\\\"b\\\\c\"");
    }

    /** Every rule's router and last operator lead to the next rule's router; the last rule's to the end. */
    @Test
    void theRulesFormOneChainAppRulesFirst() throws Exception {
        LogParserRuleSpec drop = Rules.spec("drops: [x]");
        DefaultLogRule json = dev.vigil.serialization.Yaml.MAPPER.readValue(
                "{name: json, steps: [{json: {}}], samples: [{line: '{\"a\": 1}', attributes: {a: '1'}}]}", DefaultLogRule.class);
        List<RuleOperators.Served> apps = List.of(
                new RuleOperators.Served("shop", "b", 1, drop, List.of(new Workload(WorkloadRef.Kind.Deployment, "web"))),
                new RuleOperators.Served("shop", "a", 1, drop, List.of(new Workload(WorkloadRef.Kind.Deployment, "api"))));
        List<Map<String, Object>> ops = AgentOperators.of(List.of(), apps, List.of(json));
        assertThat(ops).extracting(o -> o.get("id")).containsExactly("lpr/shop/a/route", "lpr/shop/a/drop-x",
                "lpr/shop/b/route", "lpr/shop/b/drop-x", "default/json/route", "default/json/step-1", "end-of-rules");
        assertThat(ops.get(0)).containsEntry("default", "lpr/shop/b/route");
        assertThat(ops.get(1)).containsEntry("output", "lpr/shop/b/route");
        assertThat(ops.get(2)).containsEntry("default", "default/json/route");
        assertThat(ops.get(3)).containsEntry("output", "default/json/route");
        assertThat(ops.get(4)).containsEntry("default", "end-of-rules");
        assertThat(ops.get(5)).containsEntry("output", "end-of-rules");
        assertThat(expr(ops.get(4))).isEqualTo("not ((" + apps.get(1).condition() + ") or (" + apps.get(0).condition() + "))");
        // Without app rules, a default rule applies to every record (of its container, if it names one).
        assertThat(expr(AgentOperators.of(List.of(), List.of(), List.of(json)).get(0))).isEqualTo("true");
        json.container = "app";
        assertThat(expr(AgentOperators.of(List.of(), List.of(), List.of(json)).get(0)))
                .isEqualTo("true and resource[\"k8s.container.name\"] == \"app\"");
    }

    @SuppressWarnings("unchecked")
    private static String expr(Map<String, Object> router) {
        return (String) ((List<Map<String, Object>>) router.get("routes")).get(0).get("expr");
    }
}
