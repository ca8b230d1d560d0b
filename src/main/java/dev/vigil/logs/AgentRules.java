package dev.vigil.logs;

import dev.vigil.naming.Names;
import dev.vigil.serialization.Yaml;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What this replica serves each agent fleet: the operators list as YAML, with its ETag. The fleet reconciler
 * publishes it after every reconcile of an agent fleet; {@link LogRulesEndpoint} answers from it.
 */
@ApplicationScoped
public class AgentRules {
    /** One fleet's served value. */
    public record Served(String yaml, String etag) {
    }

    private final Map<ResourceID, Served> served = new ConcurrentHashMap<>();

    /** Publishes {@code operators} for {@code fleet}; returns what is now served. */
    public Served publish(ResourceID fleet, List<Map<String, Object>> operators) {
        String yaml = Yaml.write(operators);
        Served next = new Served(yaml, "\"" + Names.sha256Hex(yaml).substring(0, 16) + "\"");
        served.put(fleet, next);
        return next;
    }

    public Optional<Served> get(ResourceID fleet) {
        return Optional.ofNullable(served.get(fleet));
    }

    public void remove(ResourceID fleet) {
        served.remove(fleet);
    }

    /** Forgets fleets that no longer exist (or are no agent fleets). */
    public void retain(Set<ResourceID> fleets) {
        served.keySet().retainAll(fleets);
    }
}
