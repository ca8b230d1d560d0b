package dev.vigil.collector.config;

/**
 * A component type a collector must contain, e.g. the {@code memory_limiter} processor, with the Go module that
 * provides it — the entry the collector distribution's builder manifest (e2e/tools/otelcol-builder.yaml) must list.
 */
public record ComponentType(ComponentKind kind, String type, String module) {
    public static ComponentType receiver(String type, String module) {
        return new ComponentType(ComponentKind.RECEIVER, type, module);
    }

    public static ComponentType processor(String type, String module) {
        return new ComponentType(ComponentKind.PROCESSOR, type, module);
    }

    public static ComponentType exporter(String type, String module) {
        return new ComponentType(ComponentKind.EXPORTER, type, module);
    }

    public static ComponentType extension(String type, String module) {
        return new ComponentType(ComponentKind.EXTENSION, type, module);
    }

    public static ComponentType connector(String type, String module) {
        return new ComponentType(ComponentKind.CONNECTOR, type, module);
    }

    /** The type of a component id ({@code type} or {@code type/name}). */
    public static String typeOf(String id) {
        int slash = id.indexOf('/');
        return slash < 0 ? id : id.substring(0, slash);
    }
}
