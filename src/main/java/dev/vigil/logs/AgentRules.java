package dev.vigil.logs;

import dev.vigil.naming.Names;
import dev.vigil.serialization.Yaml;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Comparator;
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
    /** One fleet's served value, and the generation of each LogParserRule in it. */
    public record Served(String yaml, String etag, Map<ResourceID, Long> rules) {
    }

    /** A fleet that serves a rule, and the rule's generation it serves. */
    public record Serving(ResourceID fleet, long generation) {
    }

    private final Map<ResourceID, Served> served = new ConcurrentHashMap<>();

    /** Publishes {@code operators} for {@code fleet}; returns what is now served. */
    public Served publish(ResourceID fleet, List<Map<String, Object>> operators) {
        return publish(fleet, operators, Map.of());
    }

    /** Publishes {@code operators}, which hold {@code rules} (by rule, the generation), for {@code fleet}. */
    public Served publish(ResourceID fleet, List<Map<String, Object>> operators, Map<ResourceID, Long> rules) {
        String yaml = Yaml.write(operators);
        Served next = new Served(yaml, "\"" + Names.sha256Hex(yaml).substring(0, 16) + "\"", Map.copyOf(rules));
        served.put(fleet, next);
        return next;
    }

    public Optional<Served> get(ResourceID fleet) {
        return Optional.ofNullable(served.get(fleet));
    }

    /** The fleets this replica serves {@code rule} to, by fleet. */
    public List<Serving> servedBy(ResourceID rule) {
        return served.entrySet().stream().filter(e -> e.getValue().rules().containsKey(rule))
                .map(e -> new Serving(e.getKey(), e.getValue().rules().get(rule)))
                .sorted(Comparator.comparing((Serving f) -> f.fleet().getNamespace().orElse(""))
                        .thenComparing(f -> f.fleet().getName()))
                .toList();
    }

    public void remove(ResourceID fleet) {
        served.remove(fleet);
    }

    /** Forgets fleets that no longer exist (or are no agent fleets). */
    public void retain(Set<ResourceID> fleets) {
        served.keySet().retainAll(fleets);
    }
}
