package dev.vigil.operator;

import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.prometheus.RealPrometheus;
import dev.vigil.status.Conditions;
import dev.vigil.status.Reasons;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SLOs through the operator: the rules ConfigMap (owned, labelled, removed with the SLOs), the budget status
 * measured from a real Prometheus, what happens when Prometheus goes away, and an SLO that promtool rejects.
 * The Prometheus holds "live" data around the test's wall-clock time: 1000 requests a minute, 50 of them errors
 * (a 50x burn of a 99.9% SLO), from three hours ago to three hours ahead.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class SloOperatorTest {
    static final String SLO = Reasons.SLO_CONDITION_PREFIX + "availability";
    static RealPrometheus prometheus;

    @Inject
    KubernetesClient client;

    @BeforeAll
    static void startPrometheus() throws Exception {
        prometheus = OperatorTestSupport.prometheusWithLiveRequests("vigil-slo-operator", (data, start) -> data);
    }

    @AfterAll
    static void stopPrometheus() {
        if (prometheus != null) {
            prometheus.close();
        }
    }

    static TelemetryCollector fleet(String ns, String prometheusUrl) {
        return OperatorTestSupport.parse("""
                apiVersion: vigil.dev/v1alpha1
                kind: TelemetryCollector
                metadata: {name: platform, namespace: %s}
                spec:
                  prometheus: {url: "%s"}
                """.formatted(ns, prometheusUrl), TelemetryCollector.class);
    }

    static InstrumentedService service(String ns, String errors) {
        return OperatorTestSupport.parse("""
                apiVersion: vigil.dev/v1alpha1
                kind: InstrumentedService
                metadata: {name: api, namespace: %s}
                spec:
                  workloadRef: {name: api}
                  metrics: {port: 9464}
                  slos:
                    - name: availability
                      objective: "99.9"
                      window: 30d
                      indicator:
                        ratio:
                          errors: '%s'
                          total: sum(rate(live_requests_total[$window]))
                """.formatted(ns, errors), InstrumentedService.class);
    }

    private InstrumentedService get(String ns) {
        return client.resources(InstrumentedService.class).inNamespace(ns).withName("api").get();
    }

    private ConfigMap rules(String ns) {
        return client.configMaps().inNamespace(ns).withName("api-slo-rules").get();
    }

    private static String state(List<Condition> conditions, String type) {
        Condition c = Conditions.find(conditions, type);
        return c == null ? null : c.getStatus() + "/" + c.getReason();
    }

    @Test
    void rulesAndBudgetsFollowTheSlosAndPrometheus() {
        String ns = "slo-a";
        client.resource(InstrumentedServiceOperatorTest.deployment(ns, "api")).create();
        client.resource(fleet(ns, prometheus.url())).create();
        client.resource(service(ns, "sum(rate(live_requests_total{code=\"500\"}[$window]))")).create();

        // The rules, in a ConfigMap a rule reloader selects, owned by the service.
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            ConfigMap cm = rules(ns);
            assertThat(cm.getMetadata().getLabels()).containsEntry("vigil.dev/prometheus-rules", "true")
                    .containsEntry("app.kubernetes.io/managed-by", "vigil");
            assertThat(cm.getMetadata().getOwnerReferences()).singleElement()
                    .satisfies(o -> assertThat(o.getKind() + "/" + o.getName()).isEqualTo("InstrumentedService/api"));
            assertThat(cm.getData().get("slo-a.api.rules.yaml"))
                    .contains("record: vigil:slo_error_ratio:rate5m", "alert: VigilSLOErrorBudgetBurn", "> 0.0144");
        });

        // The budget, measured: a 50x burn has spent the budget of the data's six hours many times over.
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            var st = get(ns).getStatus();
            assertThat(state(st.conditions, Reasons.METRICS_AVAILABLE)).isEqualTo("True/" + Reasons.QUERIES_ANSWERED);
            assertThat(state(st.conditions, SLO)).isEqualTo("False/" + Reasons.ERROR_BUDGET_EXHAUSTED);
            assertThat(st.slos).singleElement().satisfies(s -> {
                assertThat(s.burnRates).containsEntry("5m", "50").containsEntry("1h", "50").containsEntry("30d", "50");
                assertThat(s.budgetRemaining).isEqualTo("-49");
                assertThat(s.timeLeft).isEqualTo("0m");
                assertThat(s.firing).contains("page 1h/5m", "page 6h/30m");
            });
            assertThat(st.worstBudgetRemaining).isEqualTo("-4900% (availability)");
        });
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() ->
                assertThat(client.v1().events().inNamespace(ns).list().getItems())
                        .anySatisfy(e -> {
                            assertThat(e.getReason()).isEqualTo(Reasons.ERROR_BUDGET_EXHAUSTED);
                            assertThat(e.getType()).isEqualTo("Warning");
                            assertThat(e.getMessage()).isEqualTo("the 30d error budget of SLO availability is spent (-4900% left)");
                        }));

        // Prometheus goes away: the status says so and keeps the last good values with their time.
        String measuredAt = get(ns).getStatus().slos.get(0).measuredAt;
        OperatorTestSupport.edit(client.resources(TelemetryCollector.class).inNamespace(ns).withName("platform"), f -> {
            f.getSpec().prometheus.url = "http://127.0.0.1:1";
            return f;
        });
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            var st = get(ns).getStatus();
            Condition c = Conditions.find(st.conditions, Reasons.METRICS_AVAILABLE);
            assertThat(c.getStatus() + "/" + c.getReason()).isEqualTo("False/" + Reasons.PROMETHEUS_UNAVAILABLE);
            assertThat(c.getMessage()).isEqualTo("cannot connect to Prometheus at http://127.0.0.1:1; the SLO status "
                    + "shows the last good values");
            assertThat(st.slos).singleElement().satisfies(s -> {
                assertThat(s.measuredAt).isEqualTo(measuredAt);
                assertThat(s.budgetRemaining).isEqualTo("-49");
            });
            assertThat(state(st.conditions, SLO)).isEqualTo("False/" + Reasons.ERROR_BUDGET_EXHAUSTED);
        });
        String rulesBefore = rules(ns).getData().get("slo-a.api.rules.yaml");

        // An SLO whose query does not parse: Ready=False with promtool's reason, the rules stay as they were.
        OperatorTestSupport.edit(client.resources(InstrumentedService.class).inNamespace(ns).withName("api"), s -> {
            s.getSpec().slos.get(0).indicator.ratio.errors = "sum(rate(live_requests_total{code=\"500\"[$window]))";
            return s;
        });
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            InstrumentedService s = get(ns);
            Condition ready = Conditions.find(s.getStatus().conditions, Reasons.READY);
            assertThat(ready.getStatus() + "/" + ready.getReason()).isEqualTo("False/" + Reasons.INVALID_SLO);
            assertThat(ready.getMessage()).startsWith("promtool rejected the generated rules: ")
                    .contains("parse error").endsWith("(no rules were written or changed)");
            assertThat(s.getStatus().observedGeneration).isEqualTo(s.getMetadata().getGeneration());
        });
        assertThat(rules(ns).getData().get("slo-a.api.rules.yaml")).isEqualTo(rulesBefore);

        // Without SLOs the rules go, and so does the SLO status.
        OperatorTestSupport.edit(client.resources(InstrumentedService.class).inNamespace(ns).withName("api"), s -> {
            s.getSpec().slos = new java.util.ArrayList<>();
            return s;
        });
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            assertThat(rules(ns)).isNull();
            var st = get(ns).getStatus();
            assertThat(st.slos).isNull();
            assertThat(st.worstBudgetRemaining).isNull();
            assertThat(Conditions.find(st.conditions, SLO)).isNull();
            assertThat(Conditions.find(st.conditions, Reasons.METRICS_AVAILABLE)).isNull();
        });
    }

    @Test
    void aFleetWithoutPrometheusLeavesBudgetsUnmeasuredButWritesTheRules() {
        String ns = "slo-b";
        client.resource(InstrumentedServiceOperatorTest.deployment(ns, "api")).create();
        client.resource(OperatorTestSupport.fleet(ns, "platform", 1)).create();
        client.resource(service(ns, "sum(rate(live_requests_total{code=\"500\"}[$window]))")).create();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            assertThat(rules(ns)).isNotNull();
            var st = get(ns).getStatus();
            Condition c = Conditions.find(st.conditions, Reasons.METRICS_AVAILABLE);
            assertThat(c.getStatus() + "/" + c.getReason()).isEqualTo("False/" + Reasons.PROMETHEUS_NOT_CONFIGURED);
            assertThat(c.getMessage()).isEqualTo("TelemetryCollector platform sets no spec.prometheus to measure the SLOs from");
            assertThat(state(st.conditions, SLO)).isEqualTo("Unknown/" + Reasons.METRICS_UNAVAILABLE);
            // Unmeasured: the entry says what the SLO measures, and no budget.
            assertThat(st.slos).singleElement().satisfies(slo -> {
                assertThat(slo.sli.errors).isEqualTo("sum(rate(live_requests_total{code=\"500\"}[$window]))");
                assertThat(slo.budgetRemaining).isNull();
                assertThat(slo.measuredAt).isNull();
            });
        });
    }

    @Test
    void anSloTheSchemaForbidsIsRefusedEvenWhenAdmissionDidNotCatchIt() {
        // The mock server evaluates no CEL, like an apiserver that skipped validation: objective 100 gets through.
        String ns = "slo-c";
        client.resource(InstrumentedServiceOperatorTest.deployment(ns, "api")).create();
        InstrumentedService s = service(ns, "sum(rate(live_requests_total{code=\"500\"}[$window]))");
        s.getSpec().slos.get(0).objective = "100";
        client.resource(s).create();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            Condition ready = Conditions.find(get(ns).getStatus().conditions, Reasons.READY);
            assertThat(ready.getStatus() + "/" + ready.getReason()).isEqualTo("False/" + Reasons.INVALID_SLO);
            assertThat(ready.getMessage()).isEqualTo("spec.slos[0].objective: objective must be a percentage strictly "
                    + "between 0 and 100 with at most 6 decimals, e.g. \"99.9\" (no rules were written or changed)");
        });
        assertThat(rules(ns)).isNull();
        assertThat(client.v1().events().inNamespace(ns).list().getItems())
                .anySatisfy(e -> assertThat(e.getReason()).isEqualTo(Reasons.INVALID_SLO));
    }

    /**
     * A platform template from the operator's template ConfigMap: the service's rules use it, an edit of the
     * ConfigMap reaches them without touching the service, and a template broken by an edit refuses the service
     * (InvalidSLO naming the template's problem) while the rules it had stay as they were.
     */
    @Test
    void aPlatformTemplateIsUsedAndItsEditsApplyLive() {
        String ns = "slo-p";
        client.resource(InstrumentedServiceOperatorTest.deployment(ns, "api")).create();
        client.resource(OperatorTestSupport.fleet(ns, "platform", 1)).create();
        String template = """
                templates:
                  - name: gateway-availability
                    description: 5xx answers of the API gateway.
                    parameters:
                      - {name: route, description: The route., required: true, example: /checkout}
                    errors: sum(rate(gateway_requests_total{namespace="$namespace",backend="$service",route="$route",code=~"5.."}[$window])) or vector(0)
                    total: sum(rate(gateway_requests_total{namespace="$namespace",backend="$service",route="$route"}[$window]))
                """;
        ConfigMap templates = new io.fabric8.kubernetes.api.model.ConfigMapBuilder().withNewMetadata()
                .withNamespace("vigil-system").withName("vigil-slo-templates").endMetadata()
                .withData(java.util.Map.of("templates.yaml", template)).build();
        client.resource(templates).create();
        client.resource(OperatorTestSupport.parse("""
                apiVersion: vigil.dev/v1alpha1
                kind: InstrumentedService
                metadata: {name: api, namespace: %s}
                spec:
                  workloadRef: {name: api}
                  metrics: {port: 9464}
                  slos:
                    - name: gateway
                      objective: "99.9"
                      template:
                        platform: {name: gateway-availability, parameters: {route: /checkout}}
                """.formatted(ns), InstrumentedService.class)).create();
        String key = ns + ".api.rules.yaml";
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            assertThat(rules(ns).getData().get(key)).contains("backend=\"api\",route=\"/checkout\",code=~\"5..\"");
            assertThat(get(ns).getStatus().slos.get(0).sli.template).isEqualTo("platform:gateway-availability");
        });

        templates.getData().put("templates.yaml", template.replace("code=~", "status_code=~"));
        client.resource(templates).update();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() ->
                assertThat(rules(ns).getData().get(key)).contains("route=\"/checkout\",status_code=~\"5..\""));
        String rulesBefore = rules(ns).getData().get(key);

        templates.getData().put("templates.yaml", template.replace("[$window])) or vector(0)", "[5m])) or vector(0)"));
        client.resource(templates).update();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            Condition ready = Conditions.find(get(ns).getStatus().conditions, Reasons.READY);
            assertThat(ready.getStatus() + "/" + ready.getReason()).isEqualTo("False/" + Reasons.INVALID_SLO);
            assertThat(ready.getMessage()).isEqualTo("spec.slos[0].template.platform.name: platform template "
                    + "gateway-availability in vigil-system/vigil-slo-templates is invalid: errors must use $window as its "
                    + "range, e.g. [$window] (no rules were written or changed)");
        });
        assertThat(rules(ns).getData().get(key)).isEqualTo(rulesBefore);
    }

    /**
     * SLO reports through the operator: the last complete month is reported as soon as the service exists (the data
     * begins three hours ago, so it counted no events), and a new value of the request annotation reports the month
     * so far (50 errors in 1000: 95% against 99.9%, 50 times the budget) into the owned ConfigMap, with an event.
     */
    @Test
    void reportsAreWrittenAtPeriodEndAndOnRequest() {
        String ns = "slo-r";
        client.resource(InstrumentedServiceOperatorTest.deployment(ns, "api")).create();
        client.resource(fleet(ns, prometheus.url())).create();
        client.resource(service(ns, "sum(rate(live_requests_total{code=\"500\"}[$window]))")).create();
        String lastMonth = dev.vigil.report.SloReportPeriod.lastComplete(dev.vigil.api.v1alpha1.ReportsSpec.Period.month,
                java.time.Instant.now()).label();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            var r = get(ns).getStatus().sloReport;
            assertThat(r.period).isEqualTo(lastMonth);
            assertThat(r.complete).isTrue();
            assertThat(r.summary).containsExactly("availability: no events");
            assertThat(client.configMaps().inNamespace(ns).withName("api-slo-report").get().getData().get("report.md"))
                    .contains("# SLO report: slo-r/api, " + lastMonth + "\n");
        });

        OperatorTestSupport.edit(client.resources(InstrumentedService.class).inNamespace(ns).withName("api"),
                s -> {
                    s.getMetadata().setAnnotations(java.util.Map.of("vigil.dev/slo-report-request", "r1"));
                    return s;
                });
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            var r = get(ns).getStatus().sloReport;
            assertThat(r.request).isEqualTo("r1");
            assertThat(r.complete).isFalse();
            assertThat(r.summary).containsExactly("availability: 95% of 99.9% (missed, 5000% of the budget)");
            ConfigMap cm = client.configMaps().inNamespace(ns).withName("api-slo-report").get();
            assertThat(cm.getMetadata().getOwnerReferences()).singleElement()
                    .satisfies(o -> assertThat(o.getKind() + "/" + o.getName()).isEqualTo("InstrumentedService/api"));
            assertThat(cm.getData().get("report.json")).contains("\"achieved\" : \"95\"", "\"complete\" : false");
            assertThat(cm.getData().get("report.md")).contains("(so far)", "| availability | 99.9% | 95% | 5000% | **no** |");
        });
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() ->
                assertThat(client.v1().events().inNamespace(ns).list().getItems()).anySatisfy(e -> {
                    assertThat(e.getReason()).isEqualTo(Reasons.SLO_REPORT_READY);
                    assertThat(e.getMessage()).contains("(so far) written to ConfigMap api-slo-report: availability: 95%");
                }));
        // Answered once: later reconciles write no other report.
        String generated = get(ns).getStatus().sloReport.generatedAt;
        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6))
                .until(() -> generated.equals(get(ns).getStatus().sloReport.generatedAt));
    }

    /**
     * spec.reports: a weekly service reports the last complete week (Monday to Monday, UTC); a service with reports
     * switched off writes none, not even on request, while its SLOs are measured as usual.
     */
    @Test
    void aWeeklyServiceReportsLastWeekAndASwitchedOffOneReportsNothing() {
        String weekly = "slo-week";
        client.resource(InstrumentedServiceOperatorTest.deployment(weekly, "api")).create();
        client.resource(fleet(weekly, prometheus.url())).create();
        InstrumentedService w = service(weekly, "sum(rate(live_requests_total{code=\"500\"}[$window]))");
        w.getSpec().reports = new dev.vigil.api.v1alpha1.ReportsSpec();
        w.getSpec().reports.period = dev.vigil.api.v1alpha1.ReportsSpec.Period.week;
        client.resource(w).create();
        var lastWeek = dev.vigil.report.SloReportPeriod.lastComplete(dev.vigil.api.v1alpha1.ReportsSpec.Period.week,
                java.time.Instant.now());
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            var r = get(weekly).getStatus().sloReport;
            assertThat(r.period).isEqualTo(lastWeek.label());
            assertThat(r.start).isEqualTo(lastWeek.start().toString());
            assertThat(r.complete).isTrue();
            assertThat(client.configMaps().inNamespace(weekly).withName("api-slo-report").get().getData().get("report.md"))
                    .contains("# SLO report: " + weekly + "/api, " + lastWeek.label() + "\n");
        });
        assertThat(java.time.Duration.between(lastWeek.start(), lastWeek.end())).isEqualTo(Duration.ofDays(7));
        assertThat(lastWeek.start().atZone(java.time.ZoneOffset.UTC).getDayOfWeek()).isEqualTo(java.time.DayOfWeek.MONDAY);

        String off = "slo-off";
        client.resource(InstrumentedServiceOperatorTest.deployment(off, "api")).create();
        client.resource(fleet(off, prometheus.url())).create();
        InstrumentedService o = service(off, "sum(rate(live_requests_total{code=\"500\"}[$window]))");
        o.getSpec().reports = new dev.vigil.api.v1alpha1.ReportsSpec();
        o.getSpec().reports.enabled = false;
        o.getMetadata().setAnnotations(java.util.Map.of("vigil.dev/slo-report-request", "r1"));
        client.resource(o).create();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() ->
                assertThat(get(off).getStatus().slos).singleElement().satisfies(slo -> assertThat(slo.name).isEqualTo("availability")));
        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6)).until(() ->
                get(off).getStatus().sloReport == null
                        && client.configMaps().inNamespace(off).withName("api-slo-report").get() == null);
    }

    /**
     * A report's summary goes to the service's webhook (a local HTTP server standing in for Slack), its URL read from
     * a Secret; the fleet's roll-up ConfigMap lists the service under its namespace.
     */
    @Test
    void aReportGoesToTheWebhookAndIntoTheFleetsRollup() throws Exception {
        String ns = "slo-w";
        List<String> received = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer hook = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        hook.createContext("/", exchange -> {
            received.add(exchange.getRequestURI().getPath() + " " + new String(exchange.getRequestBody().readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        hook.start();
        try {
            client.resource(new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata().withNamespace(ns)
                    .withName("slack").endMetadata().withStringData(java.util.Map.of("url",
                            "http://127.0.0.1:" + hook.getAddress().getPort() + "/services/T0/B0/secret")).build()).create();
            client.resource(InstrumentedServiceOperatorTest.deployment(ns, "api")).create();
            client.resource(fleet(ns, prometheus.url())).create();
            InstrumentedService s = service(ns, "sum(rate(live_requests_total{code=\"500\"}[$window]))");
            s.getSpec().reports = new dev.vigil.api.v1alpha1.ReportsSpec();
            s.getSpec().reports.webhook = new dev.vigil.api.v1alpha1.ReportsSpec.Webhook();
            s.getSpec().reports.webhook.urlSecretRef = new dev.vigil.api.v1alpha1.SecretKeyRef("slack", "url");
            client.resource(s).create();
            String lastMonth = dev.vigil.report.SloReportPeriod.lastComplete(dev.vigil.api.v1alpha1.ReportsSpec.Period.month,
                    java.time.Instant.now()).label();
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
                assertThat(received).singleElement().isEqualTo("/services/T0/B0/secret {\"text\":\"SLO report slo-w/api "
                        + lastMonth + ": 1 met, 0 missed\\navailability: no events\\nThe report: ConfigMap slo-w/api-slo-report\"}");
                var w = get(ns).getStatus().sloReport.webhook;
                assertThat(w.delivered).isTrue();
                assertThat(w.attempts).isEqualTo(1);
            });
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() ->
                    assertThat(client.configMaps().inNamespace(ns).withName("platform-slo-rollup").get().getData().get("rollup.md"))
                            .contains("| slo-w | 1 | 1 | 0 |", "| api | " + lastMonth + " | availability: no events |"));
        } finally {
            hook.stop(0);
        }
    }
}
