package dev.vigil.logs;

import dev.vigil.sharding.CollectorCallers;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.Optional;

/**
 * The log operators of an agent fleet: {@code GET /logs/v1/<namespace>/<fleet>} answers the YAML list the agents'
 * vigilrules processor runs (see {@link AgentOperators}), with an ETag; {@code If-None-Match} with the current ETag
 * gets 304. The processor (collector/vigilrules) polls it and swaps its rules in place when the answer changes; each
 * poll carries the agent's parse-failure counts ({@link ParseFailures}).
 * Only the fleet's own collectors may ask; a standby relays to the leader ({@link CollectorCallers}). Nothing
 * published yet (a leader that just took over) is a 503: the agents keep what they run.
 */
@ApplicationScoped
public class LogRulesEndpoint {
    public static final String PATH = "/logs/v1";

    private final AgentRules rules;
    private final CollectorCallers callers;
    private final ParseFailures failures;

    public LogRulesEndpoint(AgentRules rules, CollectorCallers callers, ParseFailures failures) {
        this.rules = rules;
        this.callers = callers;
        this.failures = failures;
    }

    void routes(@Observes Router router) {
        router.get(PATH + "/:namespace/:fleet").blockingHandler(this::handle, false);
    }

    void handle(RoutingContext rc) {
        String namespace = rc.pathParam("namespace");
        String fleet = rc.pathParam("fleet");
        if (!callers.admit(rc, namespace, fleet, "this fleet's log rules")) {
            return;
        }
        Optional<AgentRules.Served> served = rules.get(new ResourceID(fleet, namespace));
        if (served.isEmpty()) {
            CollectorCallers.reply(rc, 503, "no log rules for agent fleet " + namespace + "/" + fleet + " (yet)");
            return;
        }
        failures.report(new ResourceID(fleet, namespace), rc.request().getHeader(ParseFailures.AGENT_HEADER),
                rc.request().getHeader(ParseFailures.HEADER));
        CollectorCallers.sendTagged(rc, served.get().etag(), "application/yaml", served.get().yaml());
    }
}
