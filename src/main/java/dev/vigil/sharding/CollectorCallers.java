package dev.vigil.sharding;

import dev.vigil.naming.Names;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What every endpoint a fleet's collectors call shares (the service discovery, the agents' log rules): the caller
 * sends its ServiceAccount token as a bearer token; the apiserver's TokenReview says whose it is, and only the
 * fleet's own collector ServiceAccount ({@code <fleet>-collector} in the fleet's namespace) may read what is served
 * for the fleet. Verdicts for a token are cached for a minute; while TokenReviews fail (the apiserver is away), a
 * token admitted before keeps being admitted for {@link #STALE} more. A standby relays the request to the leader
 * ({@link LeaderProxy}), whose state it is, with the caller's X-Vigil-* headers (an agent's parse-failure report). Every 503 carries Retry-After: a failed poll, the collectors keep what
 * they have.
 */
@ApplicationScoped
public class CollectorCallers {
    private static final Logger LOG = Logger.getLogger(CollectorCallers.class);
    private static final Duration CACHE = Duration.ofMinutes(1);
    /** How long past its minute a verdict that admitted a token holds while TokenReviews fail. */
    static final Duration STALE = Duration.ofMinutes(10);

    private record Verdict(Optional<String> user, Instant until) {
    }

    private final KubernetesClient client;
    private final LeaderProxy leader;
    private final Map<String, Verdict> verdicts = new ConcurrentHashMap<>();
    Clock clock = Clock.systemUTC();

    public CollectorCallers(KubernetesClient client, LeaderProxy leader) {
        // TokenReviews are asked while a collector waits: one try, 2 s, then the verdict (or its stale copy) or a
        // 503; the shared client's retries (10, backing off) would hold the poll past the collector's timeout.
        this.client = new KubernetesClientBuilder().withConfig(new ConfigBuilder(client.getConfiguration())
                .withRequestRetryBackoffLimit(0).withRequestTimeout(2000).withConnectionTimeout(2000).build()).build();
        this.leader = leader;
    }

    /**
     * True when this replica answers the request itself: the caller is the fleet's collector and this replica leads.
     * Otherwise the request has been answered (401, 403, 503, or the leader's own answer).
     */
    public boolean admit(RoutingContext rc, String namespace, String fleet, String what) {
        String auth = rc.request().getHeader("Authorization");
        if (auth == null || !auth.startsWith("Bearer ") || auth.length() <= 7) {
            rc.response().putHeader("WWW-Authenticate", "Bearer");
            reply(rc, 401, "a bearer token (the collector's ServiceAccount token) is required");
            return false;
        }
        Optional<String> other = leader.leaderToAsk(rc.request().getHeader(LeaderProxy.FORWARDED_BY));
        if (other.isPresent()) {
            // A standby: the state is the leader's; it checks the token itself.
            Map<String, String> own = new TreeMap<>();
            rc.request().headers().forEach((name, value) -> {
                if (name.regionMatches(true, 0, "X-Vigil-", 0, 8) && !name.equalsIgnoreCase(LeaderProxy.FORWARDED_BY)) {
                    own.put(name, value);
                }
            });
            LeaderProxy.Reply r = leader.forward(other.get(), rc.request().path(), auth, own);
            send(rc, r.status(), r.contentType(), r.body());
            return false;
        }
        String expected = "system:serviceaccount:" + namespace + ":" + Names.collectorServiceAccount(fleet);
        Optional<String> user;
        try {
            user = whoIs(auth.substring(7).strip());
        } catch (KubernetesClientException e) {
            LOG.warnf("TokenReview failed (HTTP %d); refusing %s for %s/%s", e.getCode(), what, namespace, fleet);
            reply(rc, 503, "cannot verify the token now");
            return false;
        }
        if (user.isEmpty() || !user.get().equals(expected)) {
            reply(rc, 403, "only " + expected + " may read " + what);
            return false;
        }
        return true;
    }

    /** The username a token belongs to, when the apiserver authenticates it. */
    Optional<String> whoIs(String token) {
        String hash = Names.sha256Hex(token);
        Instant now = clock.instant();
        Verdict cached = verdicts.get(hash);
        if (cached != null && now.isBefore(cached.until())) {
            return cached.user();
        }
        TokenReview review;
        try {
            review = client.resource(new TokenReviewBuilder().withNewSpec().withToken(token).endSpec().build()).create();
        } catch (KubernetesClientException e) {
            // The apiserver is away (restarting, its etcd down): a token it vouched for in the last minutes still
            // reads its fleet's last plan, so the collectors keep their targets current when the operator itself is
            // fine. A token it never vouched for is refused as before (503).
            if (cached != null && cached.user().isPresent() && now.isBefore(cached.until().plus(STALE))) {
                return cached.user();
            }
            throw e;
        }
        Optional<String> user = review.getStatus() != null && Boolean.TRUE.equals(review.getStatus().getAuthenticated())
                && review.getStatus().getUser() != null
                ? Optional.ofNullable(review.getStatus().getUser().getUsername()) : Optional.empty();
        if (verdicts.size() > 1024) {
            verdicts.clear();
        }
        verdicts.put(hash, new Verdict(user, now.plus(CACHE)));
        return user;
    }

    /** Sends {@code body} with its ETag, or 304 when the caller has it already (If-None-Match). */
    public static void sendTagged(RoutingContext rc, String etag, String contentType, String body) {
        rc.response().putHeader("ETag", etag);
        if (etag.equals(rc.request().getHeader("If-None-Match"))) {
            rc.response().setStatusCode(304).end();
            return;
        }
        send(rc, 200, contentType, body);
    }

    public static void reply(RoutingContext rc, int status, String message) {
        send(rc, status, "text/plain", message + "\n");
    }

    public static void send(RoutingContext rc, int status, String contentType, String body) {
        if (status == 503) {
            rc.response().putHeader("Retry-After", "2");
        }
        rc.response().setStatusCode(status).putHeader("Content-Type", contentType).end(body);
    }
}
