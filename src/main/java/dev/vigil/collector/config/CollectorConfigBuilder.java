package dev.vigil.collector.config;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The skeleton of a collector configuration, typed: named components by kind, one pipeline per signal with its
 * receivers, processors and exporters, the service's extensions and its own telemetry. Component bodies stay maps
 * (they are the components' own settings). {@link #toMap()} writes the document the collector reads, in a fixed
 * order: extensions, receivers, processors, exporters, connectors, service.
 */
public final class CollectorConfigBuilder {
    /** One pipeline's members, in the order they were added. */
    public static final class Pipeline {
        private final List<String> receivers = new ArrayList<>();
        private final List<String> processors = new ArrayList<>();
        private final List<String> exporters = new ArrayList<>();

        public List<String> receivers() {
            return List.copyOf(receivers);
        }

        public List<String> processors() {
            return List.copyOf(processors);
        }

        public List<String> exporters() {
            return List.copyOf(exporters);
        }
    }

    private final Map<ComponentKind, Map<String, Map<String, Object>>> components = new EnumMap<>(ComponentKind.class);
    private final Map<Signal, Pipeline> pipelines = new EnumMap<>(Signal.class);
    private Map<String, Object> telemetry;

    /** Adds (or replaces) component {@code id} of {@code kind}; extensions are also enabled in the service. */
    public CollectorConfigBuilder component(ComponentKind kind, String id, Map<String, Object> body) {
        components.computeIfAbsent(kind, k -> new LinkedHashMap<>()).put(id, body);
        return this;
    }

    public CollectorConfigBuilder receiver(String id, Map<String, Object> body) {
        return component(ComponentKind.RECEIVER, id, body);
    }

    public CollectorConfigBuilder processor(String id, Map<String, Object> body) {
        return component(ComponentKind.PROCESSOR, id, body);
    }

    public CollectorConfigBuilder exporter(String id, Map<String, Object> body) {
        return component(ComponentKind.EXPORTER, id, body);
    }

    public CollectorConfigBuilder extension(String id, Map<String, Object> body) {
        return component(ComponentKind.EXTENSION, id, body);
    }

    public boolean has(ComponentKind kind, String id) {
        return components.getOrDefault(kind, Map.of()).containsKey(id);
    }

    /** The pipeline of {@code signal}, created empty on first use. */
    public Pipeline pipeline(Signal signal) {
        return pipelines.computeIfAbsent(signal, s -> new Pipeline());
    }

    /** Puts receiver {@code id} (which must be defined) into the pipelines of {@code signals}. */
    public CollectorConfigBuilder receive(String id, Signal... signals) {
        return join(ComponentKind.RECEIVER, id, signals);
    }

    public CollectorConfigBuilder process(String id, Signal... signals) {
        return join(ComponentKind.PROCESSOR, id, signals);
    }

    /** Puts processor {@code id} first in the pipelines of {@code signals}, before those other contributions put there. */
    public CollectorConfigBuilder processFirst(String id, Signal... signals) {
        join(ComponentKind.PROCESSOR, id, signals);
        for (Signal s : signals) {
            List<String> members = pipeline(s).processors;
            members.remove(id);
            members.add(0, id);
        }
        return this;
    }

    public CollectorConfigBuilder export(String id, Signal... signals) {
        return join(ComponentKind.EXPORTER, id, signals);
    }

    /**
     * Puts connector {@code id} (which must be defined) at the end of the {@code from} pipeline and at the start of
     * the {@code to} pipeline: what the first exports, the second receives.
     */
    public CollectorConfigBuilder connect(String id, Signal from, Signal to) {
        if (!has(ComponentKind.CONNECTOR, id)) {
            throw new IllegalStateException("connectors." + id + " joins pipelines but is not defined");
        }
        if (!pipeline(from).exporters.contains(id)) {
            pipeline(from).exporters.add(id);
        }
        if (!pipeline(to).receivers.contains(id)) {
            pipeline(to).receivers.add(id);
        }
        return this;
    }

    private CollectorConfigBuilder join(ComponentKind kind, String id, Signal... signals) {
        if (!has(kind, id)) {
            throw new IllegalStateException(kind.section() + "." + id + " joins a pipeline but is not defined");
        }
        for (Signal s : signals) {
            Pipeline p = pipeline(s);
            List<String> members = switch (kind) {
                case RECEIVER -> p.receivers;
                case PROCESSOR -> p.processors;
                case EXPORTER -> p.exporters;
                default -> throw new IllegalArgumentException(kind + " components are not pipeline members");
            };
            if (!members.contains(id)) {
                members.add(id);
            }
        }
        return this;
    }

    /** The signals that have a pipeline so far. */
    public List<Signal> signals() {
        return List.copyOf(pipelines.keySet());
    }

    /** The collector's own telemetry ({@code service.telemetry}). */
    public CollectorConfigBuilder telemetry(Map<String, Object> telemetry) {
        this.telemetry = telemetry;
        return this;
    }

    public Map<String, Object> toMap() {
        Map<String, Object> config = new LinkedHashMap<>();
        for (ComponentKind kind : ComponentKind.values()) {
            Map<String, Map<String, Object>> defined = components.get(kind);
            if (defined != null) {
                config.put(kind.section(), new LinkedHashMap<>(defined));
            }
        }
        Map<String, Object> service = new LinkedHashMap<>();
        service.put("extensions", new ArrayList<>(components.getOrDefault(ComponentKind.EXTENSION, Map.of()).keySet()));
        Map<String, Object> ps = new LinkedHashMap<>();
        pipelines.forEach((signal, p) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("receivers", p.receivers());
            m.put("processors", p.processors());
            m.put("exporters", p.exporters());
            ps.put(signal.id(), m);
        });
        service.put("pipelines", ps);
        if (telemetry != null) {
            service.put("telemetry", telemetry);
        }
        config.put("service", service);
        return config;
    }
}
