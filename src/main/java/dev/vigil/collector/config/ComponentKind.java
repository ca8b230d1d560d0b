package dev.vigil.collector.config;

/** The component sections of a collector configuration, in the order the collector's docs (and Vigil) write them. */
public enum ComponentKind {
    EXTENSION("extensions"),
    RECEIVER("receivers"),
    PROCESSOR("processors"),
    EXPORTER("exporters"),
    CONNECTOR("connectors");

    private final String section;

    ComponentKind(String section) {
        this.section = section;
    }

    /** The top-level key of this kind's components, e.g. {@code receivers}. */
    public String section() {
        return section;
    }
}
