package dev.vigil.collector.config;

/** The signals a collector pipeline carries; the pipeline ids Vigil generates are these names. */
public enum Signal {
    METRICS("metrics"),
    TRACES("traces"),
    LOGS("logs");

    private final String id;

    Signal(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }
}
