package dev.vigil.slo;

import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.prometheus.OpenMetricsCounters;
import dev.vigil.prometheus.OpenMetricsCounters.Phase;
import dev.vigil.prometheus.RealPrometheus;
import dev.vigil.render.GoldenFiles;
import dev.vigil.render.Render;
import dev.vigil.serialization.Yaml;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.StringReader;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SLO templates: the rules they generate (golden, accepted by promtool), and what they measure on a real
 * Prometheus holding synthetic series named as OpenTelemetry's conventions name them, next to decoys that a wrong
 * selector would pick up (another service, route, method, pool, consumer group; 4xx and NOT_FOUND answers, which
 * are not the server's fault).
 *
 * <p>The data: 8 days up to T = 2026-02-01T06:00:00Z, one sample a minute. Prometheus 2.42 selects a range
 * [T-w, T] with both ends, samples sit exactly on them, so a rate over w is the exact counter difference over w, and
 * over w there are w/1m + 1 samples of a gauge. Request-based templates see a constant mix, so their error ratio is
 * the same over every window, computed in each row below.
 */
class SloTemplatesTest {
    static final Instant T = Instant.parse("2026-02-01T06:00:00Z");
    static final Instant START = T.minus(Duration.ofDays(8));
    static final long MINUTES = Duration.ofDays(8).toMinutes();

    @TempDir
    static Path work;
    static RealPrometheus prometheus;

    @BeforeAll
    static void start() throws Exception {
        OpenMetricsCounters om = new OpenMetricsCounters();
        String http = "http_server_request_duration_seconds";
        // httpAvail (route /checkout, POST): 948 OK + 50 x 404 + 2 x 503 = 1000 a minute -> 2 / 1000 = 0.002.
        // Decoys: GET and /cart 5xx on the same service, and another service's 5xx.
        om.unknownIncreasing(http + "_count", http + "_count" + labels("httpavail", "http_route=\"/checkout\",http_request_method=\"POST\",http_response_status_code=\"200\""), START, flat(948))
                .unknownIncreasing(http + "_count", http + "_count" + labels("httpavail", "http_route=\"/checkout\",http_request_method=\"POST\",http_response_status_code=\"404\""), START, flat(50))
                .unknownIncreasing(http + "_count", http + "_count" + labels("httpavail", "http_route=\"/checkout\",http_request_method=\"POST\",http_response_status_code=\"503\""), START, flat(2))
                .unknownIncreasing(http + "_count", http + "_count" + labels("httpavail", "http_route=\"/checkout\",http_request_method=\"GET\",http_response_status_code=\"500\""), START, flat(100))
                .unknownIncreasing(http + "_count", http + "_count" + labels("httpavail", "http_route=\"/cart\",http_request_method=\"POST\",http_response_status_code=\"500\""), START, flat(100))
                .unknownIncreasing(http + "_count", http + "_count" + labels("other", "http_route=\"/checkout\",http_request_method=\"POST\",http_response_status_code=\"500\""), START, flat(500))
                // httplat (route /checkout, 0.5 s): 990 of 1000 within 0.5 s -> 0.01. Decoy: /other, all slow.
                .unknownIncreasing(http + "_count", http + "_count" + labels("httplat", "http_route=\"/checkout\""), START, flat(1000))
                .unknownIncreasing(http + "_count", http + "_count" + labels("httplat", "http_route=\"/other\""), START, flat(1000))
                // calendar: 10 errors a minute in January, 1 from February 1st on, of 1000.
                .unknownIncreasing(http + "_count", http + "_count" + labels("calendar", "http_response_status_code=\"200\""), START,
                        List.of(new Phase(990, MINUTES - 360), new Phase(999, 360)))
                .unknownIncreasing(http + "_count", http + "_count" + labels("calendar", "http_response_status_code=\"500\""), START,
                        List.of(new Phase(10, MINUTES - 360), new Phase(1, 360)));
        om.unknownIncreasing(http + "_bucket", http + "_bucket" + labels("httplat", "http_route=\"/checkout\",le=\"0.25\""), START, flat(500))
                .unknownIncreasing(http + "_bucket", http + "_bucket" + labels("httplat", "http_route=\"/checkout\",le=\"0.5\""), START, flat(990))
                .unknownIncreasing(http + "_bucket", http + "_bucket" + labels("httplat", "http_route=\"/other\",le=\"0.5\""), START, flat(0));
        // grpcavail: 995 OK + 3 UNAVAILABLE (14) + 2 NOT_FOUND (5) -> 3 / 1000. Decoy: another rpc.system failing.
        String rpc = "rpc_server_duration_milliseconds";
        om.unknownIncreasing(rpc + "_count", rpc + "_count" + labels("grpcavail", "rpc_system=\"grpc\",rpc_grpc_status_code=\"0\""), START, flat(995))
                .unknownIncreasing(rpc + "_count", rpc + "_count" + labels("grpcavail", "rpc_system=\"grpc\",rpc_grpc_status_code=\"14\""), START, flat(3))
                .unknownIncreasing(rpc + "_count", rpc + "_count" + labels("grpcavail", "rpc_system=\"grpc\",rpc_grpc_status_code=\"5\""), START, flat(2))
                .unknownIncreasing(rpc + "_count", rpc + "_count" + labels("grpcavail", "rpc_system=\"dubbo\",rpc_grpc_status_code=\"14\""), START, flat(1000))
                // grpclat (rpc.method Place, 100 ms): 980 of 1000 -> 0.02. Decoy: method List, all slow.
                .unknownIncreasing(rpc + "_count", rpc + "_count" + labels("grpclat", "rpc_system=\"grpc\",rpc_method=\"Place\""), START, flat(1000))
                .unknownIncreasing(rpc + "_count", rpc + "_count" + labels("grpclat", "rpc_system=\"grpc\",rpc_method=\"List\""), START, flat(1000));
        om.unknownIncreasing(rpc + "_bucket", rpc + "_bucket" + labels("grpclat", "rpc_system=\"grpc\",rpc_method=\"Place\",le=\"100\""), START, flat(980))
                .unknownIncreasing(rpc + "_bucket", rpc + "_bucket" + labels("grpclat", "rpc_system=\"grpc\",rpc_method=\"List\",le=\"100\""), START, flat(0));
        // clientavail (payments): 990 OK + 4 x 503 + 1 connection refused + 5 x 404 -> 5 / 1000. Decoy: another server.
        String client = "http_client_request_duration_seconds";
        om.unknownIncreasing(client + "_count", client + "_count" + labels("clientavail", "server_address=\"payments\",http_response_status_code=\"200\""), START, flat(990))
                .unknownIncreasing(client + "_count", client + "_count" + labels("clientavail", "server_address=\"payments\",http_response_status_code=\"503\",error_type=\"503\""), START, flat(4))
                .unknownIncreasing(client + "_count", client + "_count" + labels("clientavail", "server_address=\"payments\",error_type=\"java.net.ConnectException\""), START, flat(1))
                .unknownIncreasing(client + "_count", client + "_count" + labels("clientavail", "server_address=\"payments\",http_response_status_code=\"404\",error_type=\"404\""), START, flat(5))
                .unknownIncreasing(client + "_count", client + "_count" + labels("clientavail", "server_address=\"ledger\",http_response_status_code=\"500\",error_type=\"500\""), START, flat(1000));
        // poolwait (pool main, 10 ms): 996 of 1000 acquisitions within 10 ms -> 0.004. Decoy: pool batch, all slow.
        String pool = "db_client_connection_wait_time_seconds";
        om.unknownIncreasing(pool + "_count", pool + "_count" + labels("poolwait", "db_client_connection_pool_name=\"main\""), START, flat(1000))
                .unknownIncreasing(pool + "_count", pool + "_count" + labels("poolwait", "db_client_connection_pool_name=\"batch\""), START, flat(1000));
        om.unknownIncreasing(pool + "_bucket", pool + "_bucket" + labels("poolwait", "db_client_connection_pool_name=\"main\",le=\"0.01\""), START, flat(996))
                .unknownIncreasing(pool + "_bucket", pool + "_bucket" + labels("poolwait", "db_client_connection_pool_name=\"batch\",le=\"0.01\""), START, flat(0));
        // lag (consumer group orders, above 100): 50 messages behind, 1000 in the last 60 minutes. Decoy: group audit,
        // always far behind.
        om.gaugeSteps("kafka_consumergroup_lag", "kafka_consumergroup_lag{consumergroup=\"orders\"}", START,
                        List.of(new Phase(50, MINUTES - 60), new Phase(1000, 60)))
                .gaugeSteps("kafka_consumergroup_lag", "kafka_consumergroup_lag{consumergroup=\"audit\"}", START,
                        List.of(new Phase(1_000_000, MINUTES)));
        // collection: pod a always up, pod b down (0) for the last 60 minutes; another service's pod always down.
        om.gaugeSteps("up", "up" + labels("collection", "pod=\"a\""), START, List.of(new Phase(1, MINUTES)))
                .gaugeSteps("up", "up" + labels("collection", "pod=\"b\""), START, List.of(new Phase(1, MINUTES - 60), new Phase(0, 60)))
                .gaugeSteps("up", "up" + labels("other", "pod=\"c\""), START, List.of(new Phase(0, MINUTES)));
        prometheus = RealPrometheus.serving(work, om.build());
    }

    @AfterAll
    static void stop() {
        if (prometheus != null) {
            prometheus.close();
        }
    }

    private static String labels(String service, String more) {
        return "{namespace=\"shop\",service=\"" + service + "\"," + more + "}";
    }

    private static List<Phase> flat(double perMinute) {
        return List.of(new Phase(perMinute, MINUTES));
    }

    static InstrumentedService service(String name, String window, String template) throws Exception {
        return (InstrumentedService) Render.parse(new StringReader("""
                apiVersion: vigil.dev/v1alpha1
                kind: InstrumentedService
                metadata: {name: %s, namespace: shop}
                spec:
                  workloadRef: {name: %s}
                  metrics: {port: 8080}
                  slos:
                    - name: sli
                      objective: "99"
                      window: %s
                      template: %s
                """.formatted(name, name, window, template)), "test").get(0);
    }

    static TelemetryCollector fleet() throws Exception {
        return (TelemetryCollector) Render.parse(new StringReader("""
                apiVersion: vigil.dev/v1alpha1
                kind: TelemetryCollector
                metadata: {name: platform, namespace: shop}
                spec:
                  prometheus: {url: "%s"}
                """.formatted(prometheus.url())), "test").get(0);
    }

    /**
     * Each template measured over every window: request-based ones at their constant ratio; the time-based ones from
     * their 60 bad minutes (lag above the threshold; pod b down), hand-counted per window in the expectations
     * (5m: 6 samples, 1h: 61, 7d: 10 081 per series).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
            "httpavail; {httpServerAvailability: {route: /checkout, method: POST}}; 0.002; 0.002; 0.002",
            "httplat; {httpServerLatency: {route: /checkout, threshold: \"0.5\"}}; 0.01; 0.01; 0.01",
            "grpcavail; {grpcServerAvailability: {}}; 0.003; 0.003; 0.003",
            "grpclat; {grpcServerLatency: {rpcMethod: Place, threshold: \"100\"}}; 0.02; 0.02; 0.02",
            "clientavail; {httpClientAvailability: {serverAddress: payments}}; 0.005; 0.005; 0.005",
            "poolwait; {connectionPoolWait: {pool: main, threshold: \"0.01\"}}; 0.004; 0.004; 0.004",
            // 5m: 6 of 6 steps above 100; 1h: 60 of 61; 7d: 60 of 10 081.
            "lag; {consumerLag: {metric: kafka_consumergroup_lag, selector: consumergroup=\"orders\", threshold: 100}}; 1; 60/61; 60/10081",
            // 5m: b's 6 samples are 0 of 12; 1h: 60 of 122; 7d: 60 of 20 162.
            "collection; {collectionHealth: {}}; 0.5; 60/122; 60/20162"})
    void eachTemplateMeasuresItsOwnSeries(String name, String template, String r5m, String r1h, String r7d) throws Exception {
        InstrumentedService s = service(name, "7d", template);
        SloMonitor.Measurement m = new SloMonitor(null).measure(s, fleet(), PlatformTemplates.none(), T);
        assertThat(m.rejected()).isEmpty();
        SloEvaluation.Result r = m.results().get("sli");
        assertThat(r.status().burnRates).as("burn rates").containsEntry("5m", burn(r5m)).containsEntry("1h", burn(r1h))
                .containsEntry("7d", burn(r7d));
        assertThat(r.status().errorRatio).isEqualTo(SloEvaluation.round(ratio(r7d), SloEvaluation.RATIO_SCALE));
        assertThat(r.status().sli.template).isEqualTo(SloTemplates.name(s.getSpec().slos.get(0).template));
    }

    /**
     * A calendar month measured 6 hours into February: only February's 1 error a minute counts (0.001 of a 0.01
     * budget: 90% left), where the rolling 30 days (10 a minute in January) have spent 97% of it; the week since
     * Monday January 26th holds 6 days of January: (8 640 x 10 + 360) / 9 000 000. Three minutes into the month the
     * budget is whole.
     */
    @Test
    void aCalendarWindowStartsWholeAtItsBoundary() throws Exception {
        String template = "{httpServerAvailability: {}}";
        SloEvaluation.Result month = new SloMonitor(null).measure(service("calendar", "month", template), fleet(), PlatformTemplates.none(), T)
                .results().get("sli");
        assertThat(month.status().periodStart).isEqualTo("2026-02-01T00:00:00Z");
        assertThat(month.status().errorRatio).isEqualTo("0.001");
        assertThat(month.status().budgetRemaining).isEqualTo("0.9");
        // The rolling 30d (the data holds 8 days): 111 960 errors of 11 520 000.
        assertThat(month.status().burnRates).containsEntry("month", "0.1").containsEntry("30d", "0.9719");
        assertThat(month.health()).isEqualTo(SloEvaluation.Health.HEALTHY);

        SloEvaluation.Result rolling = new SloMonitor(null).measure(service("calendar", "30d", template), fleet(), PlatformTemplates.none(), T)
                .results().get("sli");
        assertThat(rolling.status().budgetRemaining).isEqualTo("0.0281");

        SloEvaluation.Result week = new SloMonitor(null).measure(service("calendar", "week", template), fleet(), PlatformTemplates.none(), T)
                .results().get("sli");
        assertThat(week.status().periodStart).isEqualTo("2026-01-26T00:00:00Z");
        assertThat(week.status().errorRatio).isEqualTo(SloEvaluation.round(ratio("86760/9000000"), SloEvaluation.RATIO_SCALE));

        Instant justAfter = Instant.parse("2026-02-01T00:03:00Z");
        SloEvaluation.Result fresh = new SloMonitor(null).measure(service("calendar", "month", template), fleet(), PlatformTemplates.none(), justAfter)
                .results().get("sli");
        assertThat(fresh.health()).isEqualTo(SloEvaluation.Health.NO_TRAFFIC);
        assertThat(fresh.status().budgetRemaining).isEqualTo("1");
        assertThat(fresh.message()).isEqualTo("the month began at 2026-02-01T00:00:00Z: the whole error budget is left");
    }

    private static BigDecimal ratio(String v) {
        if (v.contains("/")) {
            String[] p = v.split("/");
            return new BigDecimal(p[0]).divide(new BigDecimal(p[1]), MathContext.DECIMAL64);
        }
        return new BigDecimal(v);
    }

    private static String burn(String ratio) {
        return SloEvaluation.round(ratio(ratio).divide(new BigDecimal("0.01"), 20, RoundingMode.HALF_EVEN), SloEvaluation.SCALE);
    }

    /** One SLO per template with every parameter set: the golden rules, which promtool accepts. */
    @Test
    void everyTemplatesRulesMatchTheGoldenFileAndPassPromtool() throws Exception {
        InstrumentedService s = (InstrumentedService) Render.parse(Files.newBufferedReader(
                GoldenFiles.repoRoot().resolve("src/test/resources/golden-slo/templates.input.yaml")), "test").get(0);
        assertThat(s.getSpec().slos).hasSize(9);
        assertThat(SloRules.problems(s, PlatformTemplates.none())).isEmpty();
        String yaml = Yaml.write(SloRules.rulesFile(s, PlatformTemplates.none()));
        GoldenFiles.assertMatches(GoldenFiles.repoRoot().resolve("src/test/resources/golden-slo/templates.rules.yaml"), yaml);
        Path file = work.resolve("templates.rules.yaml");
        Files.writeString(file, yaml);
        Process p = new ProcessBuilder(RealPrometheus.promtoolBinary(), "check", "rules", file.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("promtool check rules:%n%s", out).isZero();
    }
}
