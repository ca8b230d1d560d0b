package dev.vigil.collector;

import dev.vigil.collector.config.ComponentKind;
import dev.vigil.collector.config.ComponentType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks a merged collector configuration the way the collector itself would reject it at start-up: unknown
 * sections, component types the deployed collector does not contain, pipelines that name components nobody
 * defined. It cannot check every component's own settings; the test suite runs the real collector's
 * {@code validate} on every generated configuration for that.
 */
public final class CollectorConfigValidator {
    /**
     * Component types of the collector Vigil deploys, by section: exactly what the config contributions use and what
     * fragments are offered (CollectorConfig.components()), which a test compares with the distribution's builder
     * manifest (e2e/tools/otelcol-builder.yaml).
     */
    public static final Map<String, Set<String>> COMPONENTS = byKind(CollectorConfig.components());
    private static final Set<String> TOP_LEVEL = Set.of("receivers", "processors", "exporters", "extensions",
            "connectors", "service");
    private static final Set<String> SIGNALS = Set.of("traces", "metrics", "logs");

    private CollectorConfigValidator() {
    }

    /** Returns the problems found, each naming the path of the offending key; empty when the config is usable. */
    public static List<String> validate(Map<String, Object> config) {
        List<String> problems = new ArrayList<>();
        for (String key : new TreeSet<>(config.keySet())) {
            if (!TOP_LEVEL.contains(key)) {
                problems.add(key + ": unknown top-level section (allowed: " + String.join(", ", new TreeSet<>(TOP_LEVEL)) + ")");
            }
        }
        for (String section : List.of("receivers", "processors", "exporters", "extensions", "connectors")) {
            Object value = config.get(section);
            if (value == null) {
                continue;
            }
            if (!(value instanceof Map<?, ?> components)) {
                problems.add(section + ": must be a map of components");
                continue;
            }
            for (Map.Entry<?, ?> e : components.entrySet()) {
                String id = String.valueOf(e.getKey());
                String type = type(id);
                if (!id.matches("^[a-z0-9_]+(/[^/\\s]+)?$")) {
                    problems.add(section + "." + id + ": not a valid component id (type or type/name)");
                } else if (!COMPONENTS.get(section).contains(type)) {
                    problems.add(section + "." + id + ": component type \"" + type + "\" is not in the collector Vigil "
                            + "deploys (available: " + String.join(", ", new TreeSet<>(COMPONENTS.get(section))) + ")");
                }
                if (e.getValue() != null && !(e.getValue() instanceof Map)) {
                    problems.add(section + "." + id + ": settings must be a map");
                }
            }
        }
        Object service = config.get("service");
        if (!(service instanceof Map<?, ?> svc)) {
            problems.add("service: missing or not a map");
            return problems;
        }
        checkReferences(problems, "service.extensions", svc.get("extensions"), config, "extensions", false);
        Object pipelines = svc.get("pipelines");
        if (!(pipelines instanceof Map<?, ?> pm) || pm.isEmpty()) {
            problems.add("service.pipelines: at least one pipeline is required");
            return problems;
        }
        for (Map.Entry<?, ?> p : pm.entrySet()) {
            String id = String.valueOf(p.getKey());
            String path = "service.pipelines." + id;
            if (!SIGNALS.contains(type(id))) {
                problems.add(path + ": pipeline type must be traces, metrics or logs");
            }
            if (!(p.getValue() instanceof Map<?, ?> pipeline)) {
                problems.add(path + ": must be a map");
                continue;
            }
            checkReferences(problems, path + ".receivers", pipeline.get("receivers"), config, "receivers", true);
            checkReferences(problems, path + ".processors", pipeline.get("processors"), config, "processors", false);
            checkReferences(problems, path + ".exporters", pipeline.get("exporters"), config, "exporters", true);
        }
        return problems;
    }

    private static void checkReferences(List<String> problems, String path, Object refs, Map<String, Object> config,
            String section, boolean required) {
        if (refs == null) {
            if (required) {
                problems.add(path + ": at least one is required");
            }
            return;
        }
        if (!(refs instanceof List<?> list)) {
            problems.add(path + ": must be a list");
            return;
        }
        if (required && list.isEmpty()) {
            problems.add(path + ": at least one is required");
        }
        Object defined = config.get(section);
        Object connectors = config.get("connectors");
        for (Object ref : list) {
            String id = String.valueOf(ref);
            boolean found = defined instanceof Map<?, ?> m && m.containsKey(id)
                    || (!section.equals("processors") && !section.equals("extensions")
                            && connectors instanceof Map<?, ?> c && c.containsKey(id));
            if (!found) {
                problems.add(path + ": references \"" + id + "\", which is not defined in " + section);
            }
        }
    }

    private static String type(String id) {
        return ComponentType.typeOf(id);
    }

    private static Map<String, Set<String>> byKind(List<ComponentType> types) {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        for (ComponentKind kind : ComponentKind.values()) {
            out.put(kind.section(), new TreeSet<>());
        }
        types.forEach(t -> out.get(t.kind().section()).add(t.type()));
        out.replaceAll((k, v) -> Set.copyOf(v));
        return Map.copyOf(out);
    }
}
