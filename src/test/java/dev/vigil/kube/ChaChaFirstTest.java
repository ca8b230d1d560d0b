package dev.vigil.kube;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The client's engines offer ChaCha20-Poly1305 first, whatever order they are given, and still talk TLS. */
class ChaChaFirstTest {
    /** The suites Netty sets on a JDK engine when none are configured (its defaults: AES-GCM only in TLS 1.3). */
    private static final String[] NETTY_ORDER = {"TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"};

    @TempDir
    static Path dir;
    private static SSLContext server;
    private static SSLContext client;

    /** A server with a fresh self-signed key (keytool), and a client that trusts it. */
    @BeforeAll
    static void contexts() throws Exception {
        Path store = dir.resolve("server.p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        server = SSLContext.getInstance("TLS");
        server.init(kmf.getKeyManagers(), null, null);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        client = SSLContext.getInstance("TLS");
        client.init(null, tmf.getTrustManagers(), null);
    }

    @Test
    void chaCha20GoesFirstAndTheRestKeepTheirOrder() {
        String[] supported = {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
                "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"};
        assertThat(ChaChaFirst.ordered(new String[] {"TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256",
                "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"}, supported)).containsExactly("TLS_CHACHA20_POLY1305_SHA256",
                        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256",
                        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
        // A JVM without ChaCha20 (e.g. in FIPS mode) keeps the given suites as they are.
        assertThat(ChaChaFirst.ordered(NETTY_ORDER, NETTY_ORDER)).containsExactly(NETTY_ORDER);
    }

    @Test
    void anEngineGivenNettysOrderOffersChaCha20First() {
        SSLEngine engine = ChaChaFirst.wrap(client).createSSLEngine("localhost", 443);
        engine.setEnabledCipherSuites(NETTY_ORDER);
        assertThat(engine.getEnabledCipherSuites()[0]).isEqualTo("TLS_CHACHA20_POLY1305_SHA256");
        assertThat(List.of(engine.getEnabledCipherSuites())).contains(NETTY_ORDER);
        SSLParameters params = engine.getSSLParameters();
        params.setCipherSuites(NETTY_ORDER);
        params.setEndpointIdentificationAlgorithm("HTTPS");
        engine.setSSLParameters(params);
        assertThat(engine.getEnabledCipherSuites()[0]).isEqualTo("TLS_CHACHA20_POLY1305_SHA256");
        assertThat(engine.getSSLParameters().getEndpointIdentificationAlgorithm()).isEqualTo("HTTPS");
        assertThat(engine.getPeerHost()).isEqualTo("localhost");
    }

    /**
     * A server that follows the client's preference (as Go's does when the client puts ChaCha20 before AES-GCM)
     * agrees on ChaCha20 with the wrapped client and on AES-GCM with the plain one; data crosses both ways.
     */
    @Test
    void aHandshakeAgreesOnChaCha20AndDataCrosses() throws Exception {
        assertThat(handshake(ChaChaFirst.wrap(client))).isEqualTo("TLS_CHACHA20_POLY1305_SHA256");
        assertThat(handshake(client)).startsWith("TLS_AES_");
    }

    /** The suite a client made from {@code context} (given Netty's order) and the server agree on, after a round trip. */
    private static String handshake(SSLContext context) throws Exception {
        SSLEngine c = context.createSSLEngine("localhost", 443);
        c.setUseClientMode(true);
        c.setEnabledCipherSuites(NETTY_ORDER);
        SSLEngine s = server.createSSLEngine();
        s.setUseClientMode(false);
        SSLParameters sp = s.getSSLParameters();
        sp.setUseCipherSuitesOrder(false);
        s.setSSLParameters(sp);
        int size = Math.max(c.getSession().getPacketBufferSize(), s.getSession().getPacketBufferSize()) * 4;
        ByteBuffer toServer = ByteBuffer.allocate(size);
        ByteBuffer toClient = ByteBuffer.allocate(size);
        ByteBuffer clientIn = ByteBuffer.allocate(size);
        ByteBuffer serverIn = ByteBuffer.allocate(size);
        ByteBuffer request = ByteBuffer.wrap("GET /api HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        ByteBuffer answer = ByteBuffer.wrap("HTTP/1.1 200 OK\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        c.beginHandshake();
        s.beginHandshake();
        for (int i = 0; i < 200 && (request.hasRemaining() || answer.hasRemaining() || clientIn.position() == 0); i++) {
            step(c.wrap(request, toServer), c);
            step(s.wrap(serverIn.position() > 0 ? answer : ByteBuffer.allocate(0), toClient), s);
            toServer.flip();
            step(s.unwrap(toServer, serverIn), s);
            toServer.compact();
            toClient.flip();
            step(c.unwrap(toClient, clientIn), c);
            toClient.compact();
        }
        serverIn.flip();
        clientIn.flip();
        assertThat(StandardCharsets.US_ASCII.decode(serverIn).toString()).isEqualTo("GET /api HTTP/1.1\r\n\r\n");
        assertThat(StandardCharsets.US_ASCII.decode(clientIn).toString()).isEqualTo("HTTP/1.1 200 OK\r\n\r\n");
        assertThat(c.getSession().getCipherSuite()).isEqualTo(s.getSession().getCipherSuite());
        return c.getSession().getCipherSuite();
    }

    private static void step(SSLEngineResult r, SSLEngine engine) {
        if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
            Runnable task;
            while ((task = engine.getDelegatedTask()) != null) {
                task.run();
            }
        }
    }
}
