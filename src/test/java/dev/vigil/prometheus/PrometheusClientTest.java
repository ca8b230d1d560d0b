package dev.vigil.prometheus;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The client's defences, against a local HTTP server that answers what a broken or hostile endpoint would (a real
 * Prometheus is used for the queries themselves in SloStatusFromPrometheusTest): redirects are not followed, a
 * body over the limit is refused, a slow answer times out, a bearer token is sent, error bodies never reach the
 * message.
 */
class PrometheusClientTest {
    static final String SECRET_BODY = "{\"status\":\"error\",\"errorType\":\"internal\",\"error\":\"password=hunter2\"}";
    HttpServer server;
    final AtomicReference<String> authorization = new AtomicReference<>();
    final AtomicReference<String> form = new AtomicReference<>();
    final AtomicInteger redirectedHits = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/ok/api/v1/query", ex -> {
            authorization.set(ex.getRequestHeaders().getFirst("Authorization"));
            form.set(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            reply(ex, 200, "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
                    + "{\"metric\":{\"vigil_window\":\"5m\"},\"value\":[1769817600,\"0.0012\"]},"
                    + "{\"metric\":{\"vigil_window\":\"1h\"},\"value\":[1769817600,\"NaN\"]}]}}");
        });
        server.createContext("/redirect/api/v1/query", ex -> {
            ex.getResponseHeaders().add("Location", "http://127.0.0.1:" + server.getAddress().getPort() + "/elsewhere");
            reply(ex, 302, "");
        });
        server.createContext("/elsewhere", ex -> {
            redirectedHits.incrementAndGet();
            reply(ex, 200, "{}");
        });
        server.createContext("/huge/api/v1/query", ex -> {
            ex.sendResponseHeaders(200, 0);
            try (OutputStream out = ex.getResponseBody()) {
                byte[] chunk = new byte[64 * 1024];
                for (int i = 0; i < 40; i++) {
                    out.write(chunk);
                }
            } catch (IOException e) {
                // the client hung up, as it should
            }
        });
        server.createContext("/slow/api/v1/query", ex -> {
            try {
                Thread.sleep(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            reply(ex, 200, "{}");
        });
        server.createContext("/error/api/v1/query", ex -> reply(ex, 503, SECRET_BODY));
        server.createContext("/bad/api/v1/query", ex -> reply(ex, 400,
                "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"parse error near password=hunter2\"}"));
        server.createContext("/html/api/v1/query", ex -> reply(ex, 200, "<html>login</html>"));
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
        ex.close();
    }

    private PrometheusEndpoint endpoint(String path, String token) {
        return new PrometheusEndpoint(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/" + path),
                Optional.ofNullable(token), Optional.empty(), false);
    }

    @Test
    void sendsTheQueryByPostWithTheTokenAndReadsTheVector() throws Exception {
        List<Sample> samples = new PrometheusClient().instantQuery(endpoint("ok", "s3cret\n"), "up{job=\"a b\"}",
                Instant.parse("2026-01-31T00:00:00Z"));
        assertThat(samples).containsExactly(new Sample(Map.of("vigil_window", "5m"), "0.0012"),
                new Sample(Map.of("vigil_window", "1h"), "NaN"));
        assertThat(samples.get(1).isFinite()).isFalse();
        assertThat(authorization.get()).isEqualTo("Bearer s3cret");
        assertThat(form.get()).isEqualTo("query=up%7Bjob%3D%22a+b%22%7D&time=2026-01-31T00%3A00%3A00Z&timeout=5s");
    }

    @Test
    void doesNotFollowRedirects() {
        assertThatThrownBy(() -> new PrometheusClient().instantQuery(endpoint("redirect", "s3cret"), "up", Instant.now()))
                .isInstanceOf(PrometheusException.class)
                .hasMessageEndingWith("answered HTTP 302 (a redirect, which Vigil does not follow)")
                .satisfies(e -> assertThat(((PrometheusException) e).kind()).isEqualTo(PrometheusException.Kind.REDIRECT));
        assertThat(redirectedHits).hasValue(0);
    }

    @Test
    void refusesAnswersOverTheLimit() {
        assertThatThrownBy(() -> new PrometheusClient().instantQuery(endpoint("huge", null), "up", Instant.now()))
                .isInstanceOf(PrometheusException.class)
                .hasMessageContaining("answered more than 1048576 bytes")
                .satisfies(e -> assertThat(((PrometheusException) e).kind()).isEqualTo(PrometheusException.Kind.TOO_LARGE));
    }

    @Test
    void timesOut() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> new PrometheusClient(Duration.ofMillis(500), 1024).instantQuery(endpoint("slow", null), "up", Instant.now()))
                .isInstanceOf(PrometheusException.class)
                .hasMessageContaining("did not answer within 500 ms")
                .satisfies(e -> assertThat(((PrometheusException) e).kind()).isEqualTo(PrometheusException.Kind.TIMEOUT));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));
    }

    @Test
    void aPrometheusThatNeverAnswersCostsOneTimeoutPerCoolDownNotOnePerQuery() throws Exception {
        try (SilentServer silent = new SilentServer()) {
            PrometheusEndpoint hanging = PrometheusEndpoint.of(silent.url());
            PrometheusClient client = new PrometheusClient(Duration.ofMillis(500), 1024, Duration.ofSeconds(2));
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> client.instantQuery(hanging, "up", Instant.now())).hasMessageContaining("did not answer within 500 ms");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(500));
            // the next 20 queries within the cool-down fail at once, with the same words
            long t1 = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                assertThatThrownBy(() -> client.instantQuery(hanging, "up", Instant.now()))
                        .hasMessageContaining("did not answer within 500 ms")
                        .satisfies(e -> assertThat(((PrometheusException) e).kind()).isEqualTo(PrometheusException.Kind.TIMEOUT));
            }
            assertThat(Duration.ofNanos(System.nanoTime() - t1)).isLessThan(Duration.ofMillis(200));
            // another Prometheus is asked as usual meanwhile
            assertThat(client.instantQuery(endpoint("ok", null), "up", Instant.now())).hasSize(2);
            // after the cool-down one probe goes out (and waits its timeout again)
            Thread.sleep(2100);
            long t2 = System.nanoTime();
            assertThatThrownBy(() -> client.instantQuery(hanging, "up", Instant.now())).isInstanceOf(PrometheusException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - t2)).isGreaterThanOrEqualTo(Duration.ofMillis(500));
        }
    }

    @Test
    void aTimeoutAboveFiveSecondsIsNotAllowed() {
        assertThatThrownBy(() -> new PrometheusClient(Duration.ofSeconds(6), 1024)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void errorBodiesAreNeverQuoted() {
        assertThatThrownBy(() -> new PrometheusClient().instantQuery(endpoint("error", null), "up", Instant.now()))
                .isInstanceOf(PrometheusException.class)
                .hasMessage("Prometheus at http://127.0.0.1:" + server.getAddress().getPort() + " answered HTTP 503, internal")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> new PrometheusClient().instantQuery(endpoint("bad", null), "up{", Instant.now()))
                .isInstanceOf(PrometheusException.class)
                .hasMessageEndingWith("rejected the query (HTTP 400, bad_data)")
                .hasMessageNotContaining("hunter2")
                .satisfies(e -> assertThat(((PrometheusException) e).kind()).isEqualTo(PrometheusException.Kind.QUERY_REJECTED));
        assertThatThrownBy(() -> new PrometheusClient().instantQuery(endpoint("html", null), "up", Instant.now()))
                .isInstanceOf(PrometheusException.class)
                .hasMessageEndingWith("answered something that is not JSON")
                .hasMessageNotContaining("login");
    }

    @Test
    void theTokenIsNotInTheEndpointsText() {
        assertThat(endpoint("ok", "s3cret").toString()).doesNotContain("s3cret").contains("bearer token");
    }
}
