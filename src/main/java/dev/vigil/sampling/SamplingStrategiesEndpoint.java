package dev.vigil.sampling;

import dev.vigil.sharding.CollectorCallers;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The sampling strategies of a shard fleet: {@code GET /sampling/v1/<namespace>/<fleet>} answers the JSON document
 * the fleet's vigilsampling extension serves the apps' SDKs ({@link SamplingStrategies}), with an ETag;
 * {@code If-None-Match} with the current ETag gets 304. Only the fleet's own collectors may ask; a standby relays
 * to the leader ({@link CollectorCallers}).
 */
@ApplicationScoped
public class SamplingStrategiesEndpoint {
    public static final String PATH = "/sampling/v1";

    private final SamplingStrategies strategies;
    private final CollectorCallers callers;

    public SamplingStrategiesEndpoint(SamplingStrategies strategies, CollectorCallers callers) {
        this.strategies = strategies;
        this.callers = callers;
    }

    void routes(@Observes Router router) {
        router.get(PATH + "/:namespace/:fleet").blockingHandler(this::handle, false);
    }

    void handle(RoutingContext rc) {
        String namespace = rc.pathParam("namespace");
        String fleet = rc.pathParam("fleet");
        if (!callers.admit(rc, namespace, fleet, "this fleet's sampling strategies")) {
            return;
        }
        SamplingStrategies.Served served = strategies.get(new ResourceID(fleet, namespace));
        CollectorCallers.sendTagged(rc, served.etag(), "application/json", served.json());
    }
}
