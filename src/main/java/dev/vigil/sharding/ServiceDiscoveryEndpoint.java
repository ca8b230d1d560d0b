package dev.vigil.sharding;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.time.Clock;
import java.util.Optional;

/**
 * Prometheus HTTP service discovery for the collectors: {@code GET /sd/v1/<namespace>/<fleet>/<shard>} answers the
 * targets that shard scrapes, as {@code [{"targets": [...], "labels": {...}}]}. Only the fleet's own collectors may
 * ask, and a standby relays to the leader ({@link CollectorCallers}).
 */
@ApplicationScoped
public class ServiceDiscoveryEndpoint {
    public static final String PATH = "/sd/v1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ShardPlans plans;
    private final CollectorCallers callers;
    Clock clock = Clock.systemUTC();

    public ServiceDiscoveryEndpoint(ShardPlans plans, CollectorCallers callers) {
        this.plans = plans;
        this.callers = callers;
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
            CollectorCallers.reply(rc, 400, "shard must be a number");
            return;
        }
        if (!callers.admit(rc, namespace, fleet, "these targets")) {
            return;
        }
        Optional<ShardPlans.FleetState> state = plans.get(new ResourceID(fleet, namespace));
        if (state.isEmpty()) {
            // Not planned yet (a leader that just took over, a fleet just created): a failed refresh, so that the
            // collectors keep the targets they have rather than drop them.
            CollectorCallers.reply(rc, 503, "no shard plan for TelemetryCollector " + namespace + "/" + fleet + " (yet)");
            return;
        }
        if (shard < 0 || shard >= state.get().plan().replicasNeeded()) {
            // A pod above the shard count (scaling down, already drained) scrapes nothing.
            json(rc, java.util.List.of());
            return;
        }
        json(rc, ShardPlans.targetGroups(state.get(), shard, clock.instant()));
    }

    private static void json(RoutingContext rc, Object body) {
        try {
            rc.response().setStatusCode(200).putHeader("Content-Type", "application/json").end(JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            CollectorCallers.reply(rc, 500, "cannot encode targets");
        }
    }
}
