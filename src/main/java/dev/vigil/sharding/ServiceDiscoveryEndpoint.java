package dev.vigil.sharding;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.naming.Names;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Prometheus HTTP service discovery for the collectors: {@code GET /sd/v1/<namespace>/<fleet>/<shard>} answers the
 * targets that shard scrapes, as {@code [{"targets": [...], "labels": {...}}]}.
 *
 * <p>Scoped per fleet: the caller sends its ServiceAccount token as a bearer token; the apiserver's TokenReview says
 * whose it is, and only the fleet's own collector ServiceAccount ({@code <fleet>-collector} in the fleet's
 * namespace) may read the fleet's targets. Verdicts for a token are cached for a minute.
 *
 * <p>Any replica answers: a standby relays the request to the leader ({@link LeaderProxy}).
 */
@ApplicationScoped
public class ServiceDiscoveryEndpoint {
    public static final String PATH = "/sd/v1";
    private static final Logger LOG = Logger.getLogger(ServiceDiscoveryEndpoint.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CACHE = Duration.ofMinutes(1);

    private record Verdict(Optional<String> user, Instant until) {
    }

    private final KubernetesClient client;
    private final ShardPlans plans;
    private final LeaderProxy leader;
    private final Map<String, Verdict> verdicts = new ConcurrentHashMap<>();
    Clock clock = Clock.systemUTC();

    public ServiceDiscoveryEndpoint(KubernetesClient client, ShardPlans plans, LeaderProxy leader) {
        this.client = client;
        this.plans = plans;
        this.leader = leader;
    }

    void routes(@Observes Router router) {
        router.get(PATH + "/:namespace/:fleet/:shard").blockingHandler(this::handle, false);
    }

    void handle(RoutingContext rc) {
        String namespace = rc.pathParam("namespace");
        String fleet = rc.pathParam("fleet");
        int shard;
        try {
            shard = Integer.parseInt(rc.pathParam("shard"));
        } catch (NumberFormatException e) {
            reply(rc, 400, "shard must be a number");
            return;
        }
        String auth = rc.request().getHeader("Authorization");
        if (auth == null || !auth.startsWith("Bearer ") || auth.length() <= 7) {
            rc.response().putHeader("WWW-Authenticate", "Bearer");
            reply(rc, 401, "a bearer token (the collector's ServiceAccount token) is required");
            return;
        }
        Optional<String> other = leader.leaderToAsk(rc.request().getHeader(LeaderProxy.FORWARDED_BY));
        if (other.isPresent()) {
            // A standby: the plans are the leader's; it checks the token itself.
            LeaderProxy.Reply r = leader.forward(other.get(), rc.request().path(), auth);
            send(rc, r.status(), r.contentType(), r.body());
            return;
        }
        String expected = "system:serviceaccount:" + namespace + ":" + Names.collectorServiceAccount(fleet);
        Optional<String> user;
        try {
            user = whoIs(auth.substring(7).strip());
        } catch (KubernetesClientException e) {
            LOG.warnf("TokenReview failed (HTTP %d); refusing service discovery for %s/%s", e.getCode(), namespace, fleet);
            reply(rc, 503, "cannot verify the token now");
            return;
        }
        if (user.isEmpty() || !user.get().equals(expected)) {
            reply(rc, 403, "only " + expected + " may read these targets");
            return;
        }
        Optional<ShardPlans.FleetState> state = plans.get(new ResourceID(fleet, namespace));
        if (state.isEmpty()) {
            // Not planned yet (a leader that just took over, a fleet just created): a failed refresh, so that the
            // collectors keep the targets they have rather than drop them.
            reply(rc, 503, "no shard plan for TelemetryCollector " + namespace + "/" + fleet + " (yet)");
            return;
        }
        if (shard < 0 || shard >= state.get().plan().replicasNeeded()) {
            // A pod above the shard count (scaling down, already drained) scrapes nothing.
            json(rc, java.util.List.of());
            return;
        }
        json(rc, ShardPlans.targetGroups(state.get(), shard, clock.instant()));
    }

    /** The username a token belongs to, when the apiserver authenticates it. */
    Optional<String> whoIs(String token) {
        String hash = Names.sha256Hex(token);
        Instant now = clock.instant();
        Verdict cached = verdicts.get(hash);
        if (cached != null && now.isBefore(cached.until())) {
            return cached.user();
        }
        TokenReview review = client.resource(new TokenReviewBuilder().withNewSpec().withToken(token).endSpec().build()).create();
        Optional<String> user = review.getStatus() != null && Boolean.TRUE.equals(review.getStatus().getAuthenticated())
                && review.getStatus().getUser() != null
                ? Optional.ofNullable(review.getStatus().getUser().getUsername()) : Optional.empty();
        if (verdicts.size() > 1024) {
            verdicts.clear();
        }
        verdicts.put(hash, new Verdict(user, now.plus(CACHE)));
        return user;
    }

    private static void json(RoutingContext rc, Object body) {
        try {
            rc.response().setStatusCode(200).putHeader("Content-Type", "application/json").end(JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            reply(rc, 500, "cannot encode targets");
        }
    }

    private static void reply(RoutingContext rc, int status, String message) {
        send(rc, status, "text/plain", message + "\n");
    }

    /** Every 503 (nobody can answer now) carries Retry-After: a failed refresh, the collectors keep their targets. */
    private static void send(RoutingContext rc, int status, String contentType, String body) {
        if (status == 503) {
            rc.response().putHeader("Retry-After", "2");
        }
        rc.response().setStatusCode(status).putHeader("Content-Type", contentType).end(body);
    }
}
