package dev.vigil.prometheus;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * TLS against a real Prometheus serving HTTPS (its web config) with certificates openssl makes for the test: the CA
 * bundle from the fleet's Secret is what the client trusts; a server certificate for another host name is refused
 * unless insecureSkipVerify is set; without the CA nothing is trusted.
 */
class PrometheusTlsTest {
    @TempDir
    static Path work;
    static RealPrometheus rightName;
    static RealPrometheus wrongName;
    static String caPem;

    @BeforeAll
    static void start() throws Exception {
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
                "-subj", "/CN=vigil-test-ca", "-days", "2");
        serverCert("right", "subjectAltName=IP:127.0.0.1");
        serverCert("wrong", "subjectAltName=DNS:prometheus.elsewhere.example");
        caPem = Files.readString(work.resolve("ca.crt"));
        String data = new OpenMetricsCounters().counter("up_total", "up_total", Instant.parse("2026-01-01T00:00:00Z"),
                List.of(new OpenMetricsCounters.Phase(1, 10))).build();
        rightName = RealPrometheus.serving(Files.createDirectories(work.resolve("p1")), data,
                work.resolve("right.crt"), work.resolve("right.key"));
        wrongName = RealPrometheus.serving(Files.createDirectories(work.resolve("p2")), data,
                work.resolve("wrong.crt"), work.resolve("wrong.key"));
    }

    private static void serverCert(String name, String san) throws Exception {
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + name);
        Files.writeString(work.resolve(name + ".ext"), san + "\n");
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", name + ".crt", "-days", "2", "-extfile", name + ".ext");
    }

    private static void openssl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("openssl %s%n%s", cmd, out).isZero();
    }

    @AfterAll
    static void stop() {
        for (RealPrometheus p : new RealPrometheus[] {rightName, wrongName}) {
            if (p != null) {
                p.close();
            }
        }
    }

    private static List<Sample> query(RealPrometheus p, Optional<String> ca, boolean insecure) throws PrometheusException {
        return new PrometheusClient().instantQuery(new PrometheusEndpoint(URI.create(p.url()), Optional.empty(), ca, insecure),
                "up_total", Instant.parse("2026-01-01T00:10:00Z"));
    }

    @Test
    void theCaBundleIsTrusted() throws Exception {
        assertThat(rightName.url()).startsWith("https://");
        assertThat(query(rightName, Optional.of(caPem), false)).singleElement()
                .satisfies(s -> assertThat(s.value()).isEqualTo("10"));
    }

    @Test
    void withoutTheCaTheServerIsNotTrusted() {
        assertThatThrownBy(() -> query(rightName, Optional.empty(), false))
                .isInstanceOf(PrometheusException.class)
                .satisfies(e -> assertThat(((PrometheusException) e).kind()).isEqualTo(PrometheusException.Kind.UNREACHABLE))
                .hasMessageContaining("SSLHandshakeException");
    }

    @Test
    void aCertificateForAnotherHostIsRefusedUnlessVerificationIsSkipped() throws Exception {
        assertThatThrownBy(() -> query(wrongName, Optional.of(caPem), false))
                .isInstanceOf(PrometheusException.class)
                .hasMessageContaining("SSLHandshakeException");
        assertThat(query(wrongName, Optional.empty(), true)).singleElement()
                .satisfies(s -> assertThat(s.value()).isEqualTo("10"));
    }
}
