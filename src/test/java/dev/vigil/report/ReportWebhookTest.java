package dev.vigil.report;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The webhook client against a local server that answers well and badly: a Slack-compatible body, redirects not
 * followed, errors that name the host and status but never the URL's path (where a webhook keeps its credential).
 */
class ReportWebhookTest {
    HttpServer server;
    final List<String> received = new CopyOnWriteArrayList<>();
    final List<String> paths = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            paths.add(exchange.getRequestURI().getPath());
            received.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            String path = exchange.getRequestURI().getPath();
            if (path.startsWith("/redirect")) {
                exchange.getResponseHeaders().add("Location", "/elsewhere");
                exchange.sendResponseHeaders(302, -1);
            } else if (path.startsWith("/broken")) {
                exchange.sendResponseHeaders(500, -1);
            } else {
                exchange.sendResponseHeaders(200, -1);
            }
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    @Test
    void aSlackCompatibleBodyIsPostedAndBadAnswersAreNamedWithoutTheSecretPath() {
        ReportWebhook hook = new ReportWebhook();
        assertThat(hook.post(url("/services/T000/B000/SECRET"), ReportWebhook.body("SLO report \"a\"\nline"))).isEmpty();
        assertThat(received).containsExactly("{\"text\":\"SLO report \\\"a\\\"\\nline\"}");

        String where = "http://127.0.0.1:" + server.getAddress().getPort();
        assertThat(hook.post(url("/broken/SECRET"), "{}")).contains(where + " answered HTTP 500");
        assertThat(hook.post(url("/redirect/SECRET"), "{}")).contains(where + " answered HTTP 302 (a redirect, not followed)");
        assertThat(paths).doesNotContain("/elsewhere");
        assertThat(hook.post("http://127.0.0.1:1/SECRET", "{}")).contains("cannot reach http://127.0.0.1:1");
        assertThat(hook.post("ftp://example.com/SECRET", "{}")).contains("the webhook URL must be http(s)://host/...");
        for (String u : List.of("/broken/SECRET", "/redirect/SECRET")) {
            assertThat(hook.post(url(u), "{}").orElseThrow()).doesNotContain("SECRET");
        }
    }
}
