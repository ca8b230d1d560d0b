package dev.vigil.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A small, defensive client of the Prometheus HTTP query API: instant queries by POST, a timeout on every request,
 * redirects never followed, responses larger than {@link #maxBodyBytes} refused, TLS with the endpoint's own CA,
 * a bearer token when given, and errors that never quote the response body.
 */
public class PrometheusClient {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    public static final int DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_CLIENTS = 32;

    /** How long an endpoint that let a query time out is not asked again, except by one probe at its end. */
    public static final Duration HANG_COOL_DOWN = Duration.ofSeconds(30);
    private final HangingEndpoints hanging;
    Clock clock = Clock.systemUTC();
    private final Duration timeout;
    private final int maxBodyBytes;
    private final Map<String, HttpClient> clients = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, HttpClient> eldest) {
            return size() > MAX_CLIENTS;
        }
    };

    public PrometheusClient() {
        this(DEFAULT_TIMEOUT, DEFAULT_MAX_BODY_BYTES);
    }

    public PrometheusClient(Duration timeout, int maxBodyBytes) {
        this(timeout, maxBodyBytes, HANG_COOL_DOWN);
    }

    PrometheusClient(Duration timeout, int maxBodyBytes, Duration coolDown) {
        this.hanging = new HangingEndpoints(coolDown);
        if (timeout.compareTo(DEFAULT_TIMEOUT) > 0) {
            throw new IllegalArgumentException("timeout must be at most " + DEFAULT_TIMEOUT.toSeconds() + " s");
        }
        this.timeout = timeout;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** Evaluates {@code query} at {@code time}; the result must be an instant vector. */
    public List<Sample> instantQuery(PrometheusEndpoint endpoint, String query, Instant time) throws PrometheusException {
        byte[] body = post(endpoint, "api/v1/query", "query=" + URLEncoder.encode(query, StandardCharsets.UTF_8)
                + "&time=" + URLEncoder.encode(time.toString(), StandardCharsets.UTF_8));
        return parseVector(body, endpoint);
    }

    /** One series of a range query: its labels and its (time, value) points in time order. */
    public record Series(Map<String, String> labels, List<Point> points) {
    }

    public record Point(Instant time, String value) {
    }

    /** Evaluates {@code query} from {@code start} to {@code end} every {@code step}; the result must be a matrix. */
    public List<Series> rangeQuery(PrometheusEndpoint endpoint, String query, Instant start, Instant end, Duration step)
            throws PrometheusException {
        byte[] body = post(endpoint, "api/v1/query_range", "query=" + URLEncoder.encode(query, StandardCharsets.UTF_8)
                + "&start=" + URLEncoder.encode(start.toString(), StandardCharsets.UTF_8)
                + "&end=" + URLEncoder.encode(end.toString(), StandardCharsets.UTF_8)
                + "&step=" + step.toSeconds() + "s");
        return parseMatrix(body, endpoint);
    }

    private byte[] post(PrometheusEndpoint endpoint, String path, String form) throws PrometheusException {
        String key = endpoint.baseUrl().toString();
        Instant now = clock.instant();
        if (!hanging.admit(key, now)) {
            // It did not answer the last query within the timeout: until it answers a probe again, every other
            // query fails at once, so one hanging Prometheus holds one reconcile thread per cool-down, not all.
            throw new PrometheusException(PrometheusException.Kind.TIMEOUT,
                    where(endpoint) + " did not answer within " + timeout.toMillis() + " ms");
        }
        boolean timedOut = false;
        try {
            return exchange(endpoint, path, form);
        } catch (PrometheusException e) {
            timedOut = e.kind() == PrometheusException.Kind.TIMEOUT;
            throw e;
        } finally {
            if (timedOut) {
                hanging.timedOut(key, clock.instant());
            } else {
                hanging.answered(key);
            }
        }
    }

    private byte[] exchange(PrometheusEndpoint endpoint, String path, String form) throws PrometheusException {
        HttpRequest.Builder request = HttpRequest.newBuilder(resolve(endpoint.baseUrl(), path))
                .timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form + "&timeout=" + timeout.toSeconds() + "s"));
        endpoint.bearerToken().ifPresent(t -> request.header("Authorization", "Bearer " + t.strip()));
        HttpResponse<LimitedBody.Body> response = send(client(endpoint), request.build(), endpoint);
        int status = response.statusCode();
        byte[] body = response.body().bytes();
        if (status >= 300 && status < 400) {
            throw new PrometheusException(PrometheusException.Kind.REDIRECT,
                    where(endpoint) + " answered HTTP " + status + " (a redirect, which Vigil does not follow)");
        }
        if (response.body().truncated()) {
            throw new PrometheusException(PrometheusException.Kind.TOO_LARGE,
                    where(endpoint) + " answered more than " + maxBodyBytes + " bytes (HTTP " + status + ")");
        }
        if (status == 400 || status == 422) {
            throw new PrometheusException(PrometheusException.Kind.QUERY_REJECTED,
                    where(endpoint) + " rejected the query (HTTP " + status + errorType(body) + ")");
        }
        if (status < 200 || status >= 300) {
            throw new PrometheusException(PrometheusException.Kind.HTTP_ERROR,
                    where(endpoint) + " answered HTTP " + status + errorType(body));
        }
        return body;
    }

    /** The whole exchange, body included, is bounded by the timeout (a slow body must not hold a reconcile). */
    private HttpResponse<LimitedBody.Body> send(HttpClient client, HttpRequest request, PrometheusEndpoint endpoint)
            throws PrometheusException {
        CompletableFuture<HttpResponse<LimitedBody.Body>> exchange = client.sendAsync(request, LimitedBody.handler(maxBodyBytes));
        try {
            return exchange.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            exchange.cancel(true);
            throw new PrometheusException(PrometheusException.Kind.TIMEOUT,
                    where(endpoint) + " did not answer within " + timeout.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof HttpTimeoutException) {
                throw new PrometheusException(PrometheusException.Kind.TIMEOUT,
                        where(endpoint) + " did not answer within " + timeout.toMillis() + " ms", cause);
            }
            if (cause instanceof ConnectException) {
                throw new PrometheusException(PrometheusException.Kind.UNREACHABLE, "cannot connect to " + where(endpoint), cause);
            }
            throw new PrometheusException(PrometheusException.Kind.UNREACHABLE,
                    "query to " + where(endpoint) + " failed: " + (cause == null ? "unknown" : cause.getClass().getSimpleName()), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PrometheusException(PrometheusException.Kind.UNREACHABLE, "interrupted", e);
        }
    }

    /** Only Prometheus' own errorType word (e.g. bad_data) is kept from an error body, never its text. */
    private static String errorType(byte[] body) {
        try {
            JsonNode type = JSON.readTree(body).path("errorType");
            String t = type.asText("");
            return t.matches("[a-z_]{1,32}") ? ", " + t : "";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    static List<Sample> parseVector(byte[] body, PrometheusEndpoint endpoint) throws PrometheusException {
        List<Sample> out = new ArrayList<>();
        for (JsonNode element : result(body, endpoint, "vector", "a successful instant vector")) {
            JsonNode value = element.path("value");
            if (!value.isArray() || value.size() != 2 || !value.get(1).isTextual()) {
                throw new PrometheusException(PrometheusException.Kind.MALFORMED, where(endpoint) + " answered a malformed sample");
            }
            out.add(new Sample(labels(element), value.get(1).asText()));
        }
        return out;
    }

    static List<Series> parseMatrix(byte[] body, PrometheusEndpoint endpoint) throws PrometheusException {
        List<Series> out = new ArrayList<>();
        for (JsonNode element : result(body, endpoint, "matrix", "a successful range matrix")) {
            List<Point> points = new ArrayList<>();
            for (JsonNode v : element.path("values")) {
                if (!v.isArray() || v.size() != 2 || !v.get(0).isNumber() || !v.get(1).isTextual()) {
                    throw new PrometheusException(PrometheusException.Kind.MALFORMED, where(endpoint) + " answered a malformed point");
                }
                points.add(new Point(Instant.ofEpochMilli(Math.round(v.get(0).asDouble() * 1000)), v.get(1).asText()));
            }
            out.add(new Series(labels(element), points));
        }
        return out;
    }

    /** The {@code data.result} of a successful answer of the given result type. */
    private static JsonNode result(byte[] body, PrometheusEndpoint endpoint, String resultType, String what)
            throws PrometheusException {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw new PrometheusException(PrometheusException.Kind.MALFORMED, where(endpoint) + " answered something that is not JSON");
        }
        if (root == null || !"success".equals(root.path("status").asText())
                || !resultType.equals(root.path("data").path("resultType").asText())) {
            throw new PrometheusException(PrometheusException.Kind.MALFORMED, where(endpoint) + " answered without " + what);
        }
        return root.path("data").path("result");
    }

    private static Map<String, String> labels(JsonNode element) {
        Map<String, String> labels = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = element.path("metric").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            labels.put(e.getKey(), e.getValue().asText());
        }
        return labels;
    }

    private static String where(PrometheusEndpoint endpoint) {
        URI u = endpoint.baseUrl();
        return "Prometheus at " + u.getScheme() + "://" + u.getAuthority();
    }

    private static URI resolve(URI base, String path) {
        String b = base.toString();
        return URI.create(b.endsWith("/") ? b + path : b + "/" + path);
    }

    private synchronized HttpClient client(PrometheusEndpoint endpoint) throws PrometheusException {
        HttpClient existing = clients.get(endpoint.transportKey());
        if (existing != null) {
            return existing;
        }
        HttpClient.Builder builder = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(timeout);
        if ("https".equalsIgnoreCase(endpoint.baseUrl().getScheme())) {
            builder.sslContext(sslContext(endpoint));
        }
        HttpClient client = builder.build();
        clients.put(endpoint.transportKey(), client);
        return client;
    }

    private static SSLContext sslContext(PrometheusEndpoint endpoint) throws PrometheusException {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            if (endpoint.insecureSkipVerify()) {
                context.init(null, new TrustManager[] {new TrustAll()}, null);
            } else if (endpoint.caPem().isPresent()) {
                KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
                store.load(null, null);
                Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(
                        new ByteArrayInputStream(endpoint.caPem().get().getBytes(StandardCharsets.US_ASCII)));
                if (certs.isEmpty()) {
                    throw new PrometheusException(PrometheusException.Kind.UNREACHABLE, "the CA bundle holds no certificate");
                }
                int i = 0;
                for (Certificate c : certs) {
                    store.setCertificateEntry("ca-" + i++, c);
                }
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(store);
                context.init(null, tmf.getTrustManagers(), null);
            } else {
                context.init(null, null, null);
            }
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new PrometheusException(PrometheusException.Kind.UNREACHABLE,
                    "the CA bundle for " + where(endpoint) + " is not usable PEM: " + e.getClass().getSimpleName(), e);
        }
    }

    /** insecureSkipVerify: accepts any chain and, being an extended trust manager, skips the host-name check too. */
    private static final class TrustAll extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
