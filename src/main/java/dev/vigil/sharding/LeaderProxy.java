package dev.vigil.sharding;

import dev.vigil.config.Settings;
import dev.vigil.kube.Leadership;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Service discovery from any replica: the shard plans live in the leader's memory, and the chart's Service sends a
 * collector to any operator pod, so a standby sends the request on to the leader's pod (its name is the holder of
 * the Lease, its IP read from the pod, cached for {@link #ADDRESS_TTL}) and relays the answer. One hop at most: a
 * forwarded request carries {@link #FORWARDED_BY} and is never forwarded again. When the leader cannot be reached
 * (it just died; the Lease has not moved yet) the answer is 503 and the collectors keep their last targets
 * (Prometheus' HTTP SD keeps them on a failed refresh) until the new leader answers.
 */
@Singleton
public class LeaderProxy {
    public static final String FORWARDED_BY = "X-Vigil-Forwarded-By";
    static final Duration TIMEOUT = Duration.ofSeconds(2);
    static final Duration ADDRESS_TTL = Duration.ofSeconds(10);
    static final int MAX_BODY = 8 * 1024 * 1024;
    private static final Logger LOG = Logger.getLogger(LeaderProxy.class);

    /** The leader's answer as relayed, or why there is none. */
    public record Reply(int status, String contentType, String body) {
    }

    private record Address(String leader, String ip, Instant until) {
    }

    private final KubernetesClient client;
    private final Leadership leadership;
    private final Optional<String> leaseNamespace;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private volatile Address address;
    volatile int port;
    Clock clock = Clock.systemUTC();

    @Inject
    public LeaderProxy(KubernetesClient client, Leadership leadership, Settings settings,
            @ConfigProperty(name = "quarkus.http.port", defaultValue = "8080") int port) {
        this.client = client;
        this.leadership = leadership;
        this.leaseNamespace = settings.leaseNamespace();
        this.port = port;
    }

    /** The replica this one should send a request to instead of answering it, if any. */
    public Optional<String> leaderToAsk(String forwardedBy) {
        return forwardedBy != null ? Optional.empty() : leadership.otherLeader();
    }

    /** Sends {@code GET path} to the leader's pod with the caller's Authorization header and returns its answer. */
    public Reply forward(String leader, String path, String authorization) {
        return forward(leader, path, authorization, Map.of());
    }

    /** As {@link #forward(String, String, String)}, with {@code headers} (the caller's own X-Vigil-* headers) too. */
    public Reply forward(String leader, String path, String authorization, Map<String, String> headers) {
        Optional<String> ip;
        try {
            ip = leaderIp(leader);
        } catch (KubernetesClientException e) {
            return new Reply(503, "text/plain", "cannot look up the leader " + leader + " now (HTTP " + e.getCode() + ")\n");
        }
        if (ip.isEmpty()) {
            return new Reply(503, "text/plain", "the leader " + leader + " has no pod IP (yet)\n");
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://" + hostPort(ip.get()) + path))
                .timeout(TIMEOUT).header("Authorization", authorization)
                .header(FORWARDED_BY, leadership.identity());
        headers.forEach(builder::header);
        HttpRequest request = builder.GET().build();
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (response.body().length > MAX_BODY) {
                return new Reply(502, "text/plain", "the leader's answer is over " + MAX_BODY + " bytes\n");
            }
            return new Reply(response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse("application/octet-stream"),
                    new String(response.body(), java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            address = null;
            LOG.debugf("cannot reach the leader %s at %s: %s", leader, ip.get(), e.toString());
            return new Reply(503, "text/plain", "cannot reach the leader " + leader + " now\n");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Reply(503, "text/plain", "interrupted\n");
        }
    }

    private String hostPort(String ip) {
        return (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + port;
    }

    private Optional<String> leaderIp(String leader) {
        Instant now = clock.instant();
        Address a = address;
        if (a != null && a.leader().equals(leader) && now.isBefore(a.until())) {
            return Optional.of(a.ip());
        }
        String ns = leaseNamespace.orElseGet(client::getNamespace);
        Pod pod = client.pods().inNamespace(ns).withName(leader).get();
        String ip = pod == null || pod.getStatus() == null ? null : pod.getStatus().getPodIP();
        if (ip == null || ip.isBlank()) {
            return Optional.empty();
        }
        address = new Address(leader, ip, now.plus(ADDRESS_TTL));
        return Optional.of(ip);
    }
}
