package dev.vigil.prometheus;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real Prometheus (the Debian package's binary, or VIGIL_PROMETHEUS) started on a free local port over TSDB
 * blocks that promtool backfilled from an OpenMetrics text: known data at known times, queried through the real
 * PromQL engine. Stopped with {@link #close()}.
 */
public final class RealPrometheus implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path log;
    private final boolean tls;

    private RealPrometheus(Process process, int port, Path log, boolean tls) {
        this.process = process;
        this.port = port;
        this.log = log;
        this.tls = tls;
    }

    public static String prometheusBinary() {
        return System.getenv().getOrDefault("VIGIL_PROMETHEUS", "prometheus");
    }

    public static String promtoolBinary() {
        return System.getenv().getOrDefault("VIGIL_PROMTOOL", "promtool");
    }

    /** Backfills {@code openMetrics} into a fresh TSDB under {@code work} and serves it over plain HTTP. */
    public static RealPrometheus serving(Path work, String openMetrics) throws IOException, InterruptedException {
        return serving(work, openMetrics, null, null);
    }

    /** The same over HTTPS with the given PEM certificate and key (Prometheus' own web config TLS). */
    public static RealPrometheus serving(Path work, String openMetrics, Path certFile, Path keyFile)
            throws IOException, InterruptedException {
        return serving(work, openMetrics, certFile, keyFile, null);
    }

    /** Backfilled data plus a rules file that Prometheus evaluates every second from the moment it starts. */
    public static RealPrometheus servingWithRules(Path work, String openMetrics, String rulesYaml)
            throws IOException, InterruptedException {
        return serving(work, openMetrics, null, null, rulesYaml);
    }

    private static RealPrometheus serving(Path work, String openMetrics, Path certFile, Path keyFile, String rulesYaml)
            throws IOException, InterruptedException {
        Path data = Files.createDirectories(work.resolve("data"));
        Path input = work.resolve("input.om");
        Files.writeString(input, openMetrics);
        Process backfill = new ProcessBuilder(promtoolBinary(), "tsdb", "create-blocks-from", "openmetrics", "--quiet",
                input.toString(), data.toString()).redirectErrorStream(true).start();
        String out = new String(backfill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(backfill.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(backfill.exitValue()).as("promtool tsdb create-blocks-from openmetrics:%n%s", out).isZero();

        Path config = work.resolve("prometheus.yml");
        if (rulesYaml == null) {
            Files.writeString(config, "global: {scrape_interval: 1m}\n");
        } else {
            Path rules = work.resolve("rules.yml");
            Files.writeString(rules, rulesYaml);
            Files.writeString(config, "global: {scrape_interval: 1m, evaluation_interval: 1s}\nrule_files: [" + rules + "]\n");
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path log = work.resolve("prometheus.log");
        List<String> command = new java.util.ArrayList<>(List.of(prometheusBinary(), "--config.file=" + config,
                "--storage.tsdb.path=" + data, "--storage.tsdb.retention.time=100y",
                "--web.listen-address=127.0.0.1:" + port, "--log.level=warn"));
        if (certFile != null) {
            Path web = work.resolve("web.yml");
            Files.writeString(web, "tls_server_config:\n  cert_file: " + certFile + "\n  key_file: " + keyFile + "\n");
            command.add("--web.config.file=" + web);
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        RealPrometheus prometheus = new RealPrometheus(p, port, log, certFile != null);
        prometheus.awaitReady();
        return prometheus;
    }

    /** What Prometheus logged so far (to explain a failed assertion). */
    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    public String url() {
        return (tls ? "https" : "http") + "://127.0.0.1:" + port;
    }

    private void awaitReady() throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("prometheus exited:\n" + Files.readString(log));
            }
            if (tls) {
                // Readiness of the TLS listener: the port accepts connections and the log shows no error.
                try (java.net.Socket ignored = new java.net.Socket("127.0.0.1", port)) {
                    Thread.sleep(500);
                    return;
                } catch (IOException e) {
                    Thread.sleep(200);
                    continue;
                }
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url() + "/-/ready"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("prometheus not ready in 60 s:\n" + Files.readString(log));
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
