package dev.vigil.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.collector.RealCollector;
import dev.vigil.config.DashboardSettings;
import dev.vigil.prometheus.OpenMetricsCounters;
import dev.vigil.prometheus.OpenMetricsCounters.Phase;
import dev.vigil.prometheus.PrometheusClient;
import dev.vigil.prometheus.PrometheusEndpoint;
import dev.vigil.prometheus.RealPrometheus;
import dev.vigil.render.GoldenFiles;
import dev.vigil.render.Render;
import io.fabric8.kubernetes.api.model.ConfigMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The fleet dashboard: golden JSON for a fleet of 8 shards, its ConfigMap; every query evaluated by a real
 * Prometheus over synthetic series of the 8 shards; and every collector metric it reads exposed under that name by
 * the real collector (the binary the fleet image is built from).
 */
class FleetDashboardTest {
    @TempDir
    Path work;

    static TelemetryCollector fleet() throws Exception {
        return (TelemetryCollector) Render.parse(new StringReader("""
                apiVersion: vigil.dev/v1alpha1
                kind: TelemetryCollector
                metadata: {name: platform, namespace: observability}
                spec:
                  shards: 8
                  prometheus: {url: "http://prometheus.monitoring:9090"}
                  dashboard: {folder: Platform}
                """), "test").get(0);
    }

    @Test
    void goldenJsonAndConfigMap() throws Exception {
        String json = Grafana.json(FleetDashboard.build(fleet()));
        GoldenFiles.assertMatches(DashboardTest.GOLDEN.resolve("fleet-8-shards.json"), json);
        JsonNode d = new ObjectMapper().readTree(json);
        assertThat(d.get("uid").asText()).isEqualTo("vf-observability-platform");
        ConfigMap cm = FleetDashboardConfigMap.build(fleet(), DashboardSettings.defaults());
        assertThat(cm.getMetadata().getName()).isEqualTo("platform-collector-dashboard");
        assertThat(cm.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
        assertThat(cm.getMetadata().getAnnotations()).containsEntry("grafana_folder", "Platform");
        assertThat(cm.getData()).containsOnlyKeys("observability-platform-collectors.json");
    }

    @Test
    void everyQueryReturnsSeriesForEightShards() throws Exception {
        Instant start = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofHours(1));
        OpenMetricsCounters data = new OpenMetricsCounters();
        List<String> pods = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            pods.add("platform-collector-" + i);
        }
        for (int i = 0; i < 8; i++) {
            data.gauge("vigil_fleet_shard_targets", "vigil_fleet_shard_targets{fleet_namespace=\"observability\",fleet=\"platform\",shard=\""
                    + i + "\"}", start, 59, 100 + i);
        }
        gauge(data, "otelcol_process_uptime", "", pods, 3600, start);
        counter(data, "otelcol_receiver_accepted_metric_points", "receiver=\"prometheus\",transport=\"http\"", pods, 6000, start);
        counter(data, "otelcol_receiver_refused_metric_points", "receiver=\"prometheus\",transport=\"http\"", pods, 0, start);
        counter(data, "otelcol_receiver_failed_metric_points", "receiver=\"prometheus\",transport=\"http\"", pods, 0, start);
        counter(data, "otelcol_exporter_sent_metric_points", "exporter=\"prometheusremotewrite\"", pods, 6000, start);
        counter(data, "otelcol_exporter_send_failed_metric_points", "exporter=\"prometheusremotewrite\"", pods, 0, start);
        gauge(data, "otelcol_exporter_queue_size", "exporter=\"prometheusremotewrite\"", pods, 3, start);
        gauge(data, "otelcol_exporter_queue_capacity", "exporter=\"prometheusremotewrite\"", pods, 1000, start);
        counter(data, "otelcol_process_cpu_seconds", "", pods, 6, start);
        gauge(data, "otelcol_process_memory_rss", "", pods, 2e8, start);

        JsonNode d = new ObjectMapper().readTree(Grafana.json(FleetDashboard.build(fleet())));
        List<String> queries = new ArrayList<>();
        for (JsonNode p : d.get("panels")) {
            if (p.has("targets")) {
                p.get("targets").forEach(t -> queries.add(fill(t.get("expr").asText())));
            }
        }
        Matcher m = Pattern.compile("^label_values\\((.*), pod\\)$").matcher(d.get("templating").get("list").get(1).get("definition").asText());
        assertThat(m.matches()).isTrue();
        queries.add(m.group(1));
        try (RealPrometheus prometheus = RealPrometheus.serving(work, data.build())) {
            PrometheusClient client = new PrometheusClient();
            List<String> empty = new ArrayList<>();
            for (String q : queries) {
                if (client.instantQuery(PrometheusEndpoint.of(prometheus.url()), q, Instant.now()).isEmpty()) {
                    empty.add(q);
                }
            }
            assertThat(empty).as("queries without data").isEmpty();
            assertThat(client.instantQuery(PrometheusEndpoint.of(prometheus.url()), queries.get(1), Instant.now()))
                    .singleElement().satisfies(s -> assertThat(Double.parseDouble(s.value())).isEqualTo(107.0 / 103.5));
        }
    }

    @Test
    void theRealCollectorExposesEveryMetricTheDashboardReads() throws Exception {
        Set<String> wanted = new TreeSet<>();
        Matcher m = Pattern.compile("otelcol_[a-z_]+").matcher(Grafana.json(FleetDashboard.build(fleet())));
        while (m.find()) {
            wanted.add(m.group());
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        // Scrapes its own telemetry (so the receiver accepts points) and exports to a port nobody listens on, once
        // and without retries (so sends fail), through a sending queue (so the queue is measured).
        Path config = Files.writeString(work.resolve("otelcol.yaml"), """
                receivers:
                  prometheus:
                    config:
                      scrape_configs:
                        - job_name: self
                          scrape_interval: 1s
                          static_configs: [{targets: ["127.0.0.1:%d"]}]
                exporters:
                  otlp:
                    endpoint: 127.0.0.1:1
                    tls: {insecure: true}
                    timeout: 1s
                    retry_on_failure: {enabled: false}
                    sending_queue: {enabled: true}
                service:
                  pipelines:
                    metrics: {receivers: [prometheus], exporters: [otlp]}
                  telemetry:
                    metrics:
                      readers:
                        - pull: {exporter: {prometheus: {host: 127.0.0.1, port: %d}}}
                """.formatted(port, port));
        Process collector = new ProcessBuilder(RealCollector.binary().toString(), "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("otelcol.log").toFile()).start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().untilAsserted(() -> {
                String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                Set<String> exposed = new TreeSet<>();
                Matcher e = Pattern.compile("(?m)^(otelcol_[a-z_]+)[{ ]").matcher(body);
                while (e.find()) {
                    exposed.add(e.group(1));
                }
                assertThat(exposed).as("otelcol log:%n%s", Files.readString(work.resolve("otelcol.log"))).containsAll(wanted);
            });
        } finally {
            collector.destroy();
            collector.waitFor();
        }
        assertThat(wanted).contains("otelcol_receiver_accepted_metric_points", "otelcol_exporter_send_failed_metric_points",
                "otelcol_exporter_queue_size", "otelcol_process_memory_rss");
    }

    private static void gauge(OpenMetricsCounters data, String name, String labels, List<String> pods, double value, Instant start) {
        for (String pod : pods) {
            data.gauge(name, name + "{namespace=\"observability\",pod=\"" + pod + "\"" + (labels.isEmpty() ? "" : "," + labels) + "}",
                    start, 59, value);
        }
    }

    private static void counter(OpenMetricsCounters data, String name, String labels, List<String> pods, double perMinute, Instant start) {
        for (String pod : pods) {
            data.unknownIncreasing(name, name + "{namespace=\"observability\",pod=\"" + pod + "\"" + (labels.isEmpty() ? "" : "," + labels) + "}",
                    start, List.of(new Phase(perMinute, 59)));
        }
    }

    /** All shards, a 5m rate window (one sample a minute). */
    static String fill(String expr) {
        return expr.replace("$shard", ".*").replace("$__rate_interval", "5m");
    }
}
