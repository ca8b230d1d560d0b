package dev.vigil.dashboard;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.util.List;
import java.util.Map;

/**
 * Typed pieces of Grafana's dashboard JSON model (schemaVersion {@value #SCHEMA_VERSION}, the model of Grafana 11,
 * which Grafana 12 loads and migrates), serialised in declaration order with absent fields left out.
 */
public final class Grafana {
    public static final int SCHEMA_VERSION = 39;
    /** The datasource every panel uses: the dashboard's datasource variable. */
    public static final Datasource PROMETHEUS = new Datasource("prometheus", "${datasource}");

    // Maps (panel options) sorted by key: the same dashboard always gives the same bytes, whatever map built it.
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private Grafana() {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Dashboard(String uid, String title, String description, List<String> tags, String timezone,
            boolean editable, int graphTooltip, int schemaVersion, int version, TimeRange time, String refresh,
            Templating templating, Annotations annotations, List<Link> links, List<Panel> panels) {
    }

    public record TimeRange(String from, String to) {
    }

    public record Templating(List<Variable> list) {
    }

    public record Annotations(List<Annotation> list) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Link(String title, String type, String icon, String tooltip, List<String> tags, boolean asDropdown,
            boolean includeVars, boolean keepTime, boolean targetBlank) {
    }

    public record Datasource(String type, String uid) {
    }

    public record GridPos(int h, int w, int x, int y) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Panel(int id, String type, String title, String description, Datasource datasource, GridPos gridPos,
            List<Target> targets, FieldConfig fieldConfig, Map<String, Object> options, Boolean collapsed,
            List<Panel> panels) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Target(String refId, Datasource datasource, String expr, String legendFormat, Boolean instant,
            Boolean range, String format) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FieldConfig(Defaults defaults, List<Object> overrides) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Defaults(String unit, Integer decimals, Double min, Double max, Thresholds thresholds,
            Map<String, Object> color, Map<String, Object> custom) {
    }

    public record Thresholds(String mode, List<Step> steps) {
    }

    /** A threshold step; the first one's value is null (the base colour). */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Step(String color, Double value) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Variable(String type, String name, String label, String description, Object query,
            Datasource datasource, String definition, Current current, Boolean multi, Boolean includeAll,
            String allValue, Integer refresh, Integer sort, String regex, int hide, List<Object> options) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Current(Boolean selected, Object text, Object value) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Annotation(String name, Datasource datasource, boolean enable, boolean hide, String iconColor,
            Integer builtIn, String type, String expr, String step, String titleFormat, String textFormat,
            String tagKeys, Boolean useValueForTime) {
    }

    /**
     * The dashboard as delivered (ConfigMap key, GrafanaDashboard {@code spec.json}): compact JSON, deterministic. A
     * third smaller than {@link #json}: the dashboard ConfigMaps are most of the bytes the operator writes, reads
     * back in the write's answer and again from its watch, and that every Grafana sidecar watching them receives (at
     * 1,000 services, 31 of the 47 MB all watchers received from the apply to Ready).
     */
    public static String compactJson(Dashboard dashboard) {
        try {
            return JSON.writeValueAsString(dashboard);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render a dashboard: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * The dashboard as pretty-printed JSON with a trailing newline (deterministic: same input, same bytes): for people
     * (goldens, the chart's operator dashboard file).
     */
    public static String json(Dashboard dashboard) {
        try {
            DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                    .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                    .withArrayIndenter(new DefaultIndenter("  ", "\n"));
            return JSON.writer(printer).writeValueAsString(dashboard) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render a dashboard: " + e.getOriginalMessage(), e);
        }
    }
}
