package dev.vigil.sampling;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.naming.Names;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The sampling strategies each shard fleet serves its apps' SDKs: for every service the fleet collects that has a
 * {@code spec.traces.sampling}, the ratio the sampling loop decided ({@link TraceSampler}). The fleet's collectors
 * poll them ({@link SamplingStrategiesEndpoint}) as Jaeger's strategies document:
 * {@code {"service_strategies":[{"service":"checkout","type":"probabilistic","param":0.25}]}}, sorted, with an ETag.
 *
 * <p>The strategy is keyed by the service name the SDK sends (the InstrumentedService's name): two services of one
 * fleet with the same name in two namespaces cannot both have one, and the one that claimed it first keeps it.
 * A fleet with nothing to serve serves an empty list: an SDK then gets no strategy and keeps its own settings.
 */
@ApplicationScoped
public class SamplingStrategies {
    /** One fleet's document and its ETag. */
    public record Served(String json, String etag) {
    }

    private record Entry(String serviceName, double ratio) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** By fleet, by service (its ResourceID), what it is served. */
    private final Map<ResourceID, Map<ResourceID, Entry>> byFleet = new ConcurrentHashMap<>();
    private volatile Predicate<ResourceID> alive = id -> true;

    /** Which services still exist: the others' strategies are dropped when a document is built. */
    public void alive(Predicate<ResourceID> alive) {
        this.alive = alive;
    }

    /**
     * Serves {@code ratio} to {@code service} through {@code fleet} (and through no other fleet). Returns the service
     * that holds the name already, if another does.
     */
    public synchronized Optional<ResourceID> put(ResourceID fleet, ResourceID service, String serviceName, double ratio) {
        removeElsewhere(fleet, service);
        Map<ResourceID, Entry> entries = byFleet.computeIfAbsent(fleet, f -> new ConcurrentHashMap<>());
        Optional<ResourceID> holder = entries.entrySet().stream()
                .filter(e -> !e.getKey().equals(service) && e.getValue().serviceName().equals(serviceName)
                        && alive.test(e.getKey()))
                .map(Map.Entry::getKey).findFirst();
        if (holder.isPresent()) {
            entries.remove(service);
            return holder;
        }
        entries.put(service, new Entry(serviceName, ratio));
        return Optional.empty();
    }

    /** The service has no strategy any more (sampling removed, the service deleted). */
    public synchronized void remove(ResourceID service) {
        byFleet.values().forEach(m -> m.remove(service));
    }

    private void removeElsewhere(ResourceID fleet, ResourceID service) {
        byFleet.forEach((f, m) -> {
            if (!f.equals(fleet)) {
                m.remove(service);
            }
        });
    }

    /** The ratio served to {@code service}, if any. */
    public Optional<Double> served(ResourceID service) {
        return byFleet.values().stream().map(m -> m.get(service)).filter(e -> e != null).map(Entry::ratio).findFirst();
    }

    /** The document {@code fleet} serves (an empty list when it serves no service). */
    public Served get(ResourceID fleet) {
        Map<ResourceID, Entry> entries = byFleet.getOrDefault(fleet, Map.of());
        entries.keySet().removeIf(alive.negate());
        TreeMap<String, Double> sorted = new TreeMap<>();
        entries.values().forEach(e -> sorted.put(e.serviceName(), e.ratio()));
        ObjectNode doc = JSON.createObjectNode();
        ArrayNode list = doc.putArray("service_strategies");
        sorted.forEach((name, ratio) -> list.addObject().put("service", name).put("type", "probabilistic")
                .put("param", ratio));
        String json = doc.toString();
        return new Served(json, "\"" + Names.sha256Hex(json).substring(0, 16) + "\"");
    }
}
