package dev.vigil.dashboard;

import dev.vigil.slo.PlatformTemplates;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.prometheus.OpenMetricsCounters;
import dev.vigil.prometheus.OpenMetricsCounters.Phase;
import dev.vigil.prometheus.PrometheusClient;
import dev.vigil.prometheus.PrometheusEndpoint;
import dev.vigil.prometheus.RealPrometheus;
import dev.vigil.prometheus.Sample;
import dev.vigil.serialization.Yaml;
import dev.vigil.slo.SloRules;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every PromQL expression of the generated service dashboard (panels, annotations, the variables' selectors), with
 * Grafana's variables filled in, evaluated by a real Prometheus that holds synthetic series of the service in the
 * names the dashboard reads (OpenTelemetry HTTP server metrics, RedisClient and OpenTelemetry pool metrics, up) and
 * evaluates Vigil's own SLO recording rules for it: no expression is rejected, and every panel returns series.
 */
class DashboardQueriesTest {
    @TempDir
    Path work;

    @Test
    void everyExpressionEvaluatesAndEveryPanelHasData() throws Exception {
        InstrumentedService service = DashboardCases.slosAndPools();
        // Six hours of history up to now, and nothing after: Prometheus then appends the rules' results at now
        // (a backfilled block reaching into the future would put "now" out of the head's bounds).
        Instant start = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofHours(6));
        OpenMetricsCounters data = new OpenMetricsCounters();
        String http = "http_server_request_duration_seconds";
        List<String> pods = List.of("checkout-0", "checkout-1");
        for (String pod : pods) {
            String s = "namespace=\"shop\",service=\"checkout\",pod=\"" + pod + "\"";
            data.unknownIncreasing(http + "_count", http + "_count{" + s + ",http_response_status_code=\"200\"}", start, per(600));
            data.unknownIncreasing(http + "_count", http + "_count{" + s + ",http_response_status_code=\"500\"}", start, per(6));
        }
        for (String pod : pods) {
            String s = "namespace=\"shop\",service=\"checkout\",pod=\"" + pod + "\"";
            data.unknownIncreasing(http + "_bucket", http + "_bucket{" + s + ",le=\"0.1\"}", start, per(400));
            data.unknownIncreasing(http + "_bucket", http + "_bucket{" + s + ",le=\"0.5\"}", start, per(590));
            data.unknownIncreasing(http + "_bucket", http + "_bucket{" + s + ",le=\"+Inf\"}", start, per(606));
        }
        // What the collectors export: up per target (job, instance from the scrape) and target_info carrying the
        // resource attributes, vigil.shard among them; checkout-1 is handed from shard 0 to shard 1 half-way.
        for (int i = 0; i < pods.size(); i++) {
            data.gauge("up", "up{" + scope(pods.get(i)) + "," + target(i) + "}", start, 359, 1);
        }
        for (int i = 0; i < pods.size(); i++) {
            data.gauge("target_info", "target_info{" + target(i) + ",vigil_fleet=\"observability/platform\",vigil_shard=\"0\"}",
                    start, i == 0 ? 359 : 180, 1);
        }
        data.gauge("target_info", "target_info{" + target(1) + ",vigil_fleet=\"observability/platform\",vigil_shard=\"1\"}", start.plus(Duration.ofMinutes(180)), 179, 1);
        gauges(data, "scrape_samples_scraped", "", pods, 120, start);
        gauges(data, "redis_client_pool_max", "pool=\"cache\"", pods, 8, start);
        gauges(data, "redis_client_pool_connections", "pool=\"cache\",state=\"used\"", pods, 4, start);
        for (String pod : pods) {
            data.unknownIncreasing("redis_client_pool_wait_duration_seconds_count", "redis_client_pool_wait_duration_seconds_count{"
                    + scope(pod) + ",pool=\"cache\"}", start, per(30));
        }
        for (String pod : pods) {
            for (String[] b : new String[][] {{"0.01", "20"}, {"+Inf", "30"}}) {
                data.unknownIncreasing("redis_client_pool_wait_duration_seconds_bucket", "redis_client_pool_wait_duration_seconds_bucket{"
                        + scope(pod) + ",pool=\"cache\",le=\"" + b[0] + "\"}", start, per(Double.parseDouble(b[1])));
            }
        }
        // The operator's gauges, as a Prometheus scraping the operator through a ServiceMonitor has them: its own
        // namespace and service as target labels, the service's in service_namespace / service_name.
        for (String[] g : new String[][] {{"vigil_pool_size", "8"}, {"vigil_pool_desired_size", "9"}}) {
            for (String pool : List.of("cache", "postgres")) {
                data.gauge(g[0], g[0] + "{namespace=\"vigil-system\",service=\"vigil\",pod=\"vigil-0\","
                        + "service_namespace=\"shop\",service_name=\"checkout\",pool=\"" + pool + "\"}", start, 359,
                        Double.parseDouble(g[1]));
            }
        }
        data.gauge("vigil_sampling_ratio", "vigil_sampling_ratio{namespace=\"vigil-system\",service=\"vigil\","
                + "pod=\"vigil-0\",service_namespace=\"shop\",service_name=\"checkout\"}", start, 359, 0.2);
        // The fleet's span counter (spanmetrics, by service and shard), as remote write has it.
        data.unknownIncreasing("vigil_spans_calls_total", "vigil_spans_calls_total{service_name=\"checkout\","
                + "vigil_shard=\"0\"}", start, per(1200));
        String db = "db_client_connection_pool_name=\"checkout-db\"";
        gauges(data, "db_client_connection_max", db, pods, 10, start);
        gauges(data, "db_client_connection_count", db + ",db_client_connection_state=\"used\"", pods, 5, start);
        for (String pod : pods) {
            data.unknownIncreasing("db_client_connection_wait_time_seconds_count", "db_client_connection_wait_time_seconds_count{"
                    + scope(pod) + "," + db + "}", start, per(300));
        }
        for (String pod : pods) {
            for (String[] b : new String[][] {{"0.001", "240"}, {"0.01", "290"}, {"+Inf", "300"}}) {
                data.unknownIncreasing("db_client_connection_wait_time_seconds_bucket", "db_client_connection_wait_time_seconds_bucket{"
                        + scope(pod) + "," + db + ",le=\"" + b[0] + "\"}", start, per(Double.parseDouble(b[1])));
            }
        }

        JsonNode dashboard = new ObjectMapper().readTree(Grafana.json(ServiceDashboard.build(service)));
        Map<String, String> panels = new LinkedHashMap<>();
        for (JsonNode p : dashboard.get("panels")) {
            if (p.has("targets")) {
                for (JsonNode t : p.get("targets")) {
                    panels.put(p.get("title").asText() + " / " + t.get("legendFormat").asText() + " #" + p.get("id").asInt(),
                            fill(t.get("expr").asText()));
                }
            }
        }
        Map<String, String> others = new LinkedHashMap<>();
        for (JsonNode a : dashboard.get("annotations").get("list")) {
            if (a.has("expr")) {
                others.put("annotation " + a.get("name").asText(), fill(a.get("expr").asText()));
            }
        }
        Pattern labelValues = Pattern.compile("^label_values\\((.*), [a-z_]+\\)$");
        for (JsonNode v : dashboard.get("templating").get("list")) {
            if (v.has("definition")) {
                Matcher m = labelValues.matcher(v.get("definition").asText());
                assertThat(m.matches()).as(v.get("definition").asText()).isTrue();
                panels.put("variable " + v.get("name").asText(), fill(m.group(1)));
            }
        }

        try (RealPrometheus prometheus = RealPrometheus.servingWithRules(work, data.build(), Yaml.write(SloRules.rulesFile(service, PlatformTemplates.none())))) {
            PrometheusClient client = new PrometheusClient();
            PrometheusEndpoint endpoint = PrometheusEndpoint.of(prometheus.url());
            // The recording rules start with Prometheus; wait for their first evaluation (every second).
            await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() ->
                    assertThat(client.instantQuery(endpoint, SloRules.RECORD_PREFIX + "5m", Instant.now()))
                            .as("recording rules evaluated; Prometheus log:%n%s", prometheus.log()).hasSize(2));
            Instant now = Instant.now();
            List<String> empty = new ArrayList<>();
            for (var e : panels.entrySet()) {
                List<Sample> samples = client.instantQuery(endpoint, e.getValue(), now);
                if (samples.isEmpty()) {
                    empty.add(e.getKey() + ": " + e.getValue());
                }
            }
            for (var e : others.entrySet()) {
                client.instantQuery(endpoint, e.getValue(), now);
            }
            assertThat(empty).as("panels without data").isEmpty();
            // Now, the pods are with their current shards (checkout-1 moved to shard 1, its old series long stale).
            String shards = panels.entrySet().stream().filter(e -> e.getKey().startsWith("Scraped by shard"))
                    .findFirst().orElseThrow().getValue();
            assertThat(client.instantQuery(endpoint, shards, now).stream()
                    .map(x -> x.labels().get("pod") + "@" + x.labels().get("vigil_shard")).sorted().toList())
                    .containsExactly("checkout-0@0", "checkout-1@1");
            assertThat(panels).hasSizeGreaterThan(25);
        }
    }

    private static List<Phase> per(double perMinute) {
        return List.of(new Phase(perMinute, 359));
    }

    /** The labels a scrape gives every series of pod number i. */
    private static String target(int i) {
        return "job=\"shop/checkout\",instance=\"10.0.0." + (i + 1) + ":9464\"";
    }

    private static String scope(String pod) {
        return "namespace=\"shop\",service=\"checkout\",pod=\"" + pod + "\"";
    }

    private static void gauges(OpenMetricsCounters data, String name, String labels, List<String> pods, double value, Instant start) {
        for (String pod : pods) {
            data.gauge(name, name + "{" + scope(pod) + (labels.isEmpty() ? "" : "," + labels) + "}", start, 359, value);
        }
    }

    /** Grafana's variables as a user would have them: this namespace, all pods, a 5m rate window (the data has one sample a minute). */
    static String fill(String expr) {
        return expr.replace("$namespace", "shop").replace("$pod", ".*").replace("$__rate_interval", "5m");
    }
}
