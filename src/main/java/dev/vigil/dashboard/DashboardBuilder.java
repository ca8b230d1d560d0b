package dev.vigil.dashboard;

import dev.vigil.dashboard.Grafana.Annotation;
import dev.vigil.dashboard.Grafana.Defaults;
import dev.vigil.dashboard.Grafana.FieldConfig;
import dev.vigil.dashboard.Grafana.GridPos;
import dev.vigil.dashboard.Grafana.Panel;
import dev.vigil.dashboard.Grafana.Step;
import dev.vigil.dashboard.Grafana.Target;
import dev.vigil.dashboard.Grafana.Thresholds;
import dev.vigil.dashboard.Grafana.Variable;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lays panels out on Grafana's 24-column grid: rows across the whole width, panels left to right, wrapping when a
 * panel does not fit; panel ids count up from 1 in layout order. Every panel queries the datasource variable.
 */
public final class DashboardBuilder {
    public static final int GRID_WIDTH = 24;

    /** One query of a panel: PromQL and the legend. */
    public record Query(String expr, String legend) {
    }

    private final String uid;
    private final String title;
    private final List<String> tags;
    private final List<Panel> panels = new ArrayList<>();
    private final List<Variable> variables = new ArrayList<>();
    private final List<Annotation> annotations = new ArrayList<>();
    private String description;
    private int nextId = 1;
    private int x;
    private int y;
    private int rowHeight;

    public DashboardBuilder(String uid, String title, List<String> tags) {
        if (uid.length() > 40 || !uid.matches("[A-Za-z0-9_-]+")) {
            throw new IllegalArgumentException("a dashboard uid has at most 40 characters of [A-Za-z0-9_-]: " + uid);
        }
        this.uid = uid;
        this.title = title;
        this.tags = tags;
        annotations.add(new Annotation("Annotations & Alerts", new Grafana.Datasource("grafana", "-- Grafana --"), true,
                true, "rgba(0, 211, 255, 1)", 1, "dashboard", null, null, null, null, null, null));
    }

    public DashboardBuilder description(String text) {
        this.description = text;
        return this;
    }

    /** The datasource variable every panel uses (any Prometheus datasource; the default one first). */
    public DashboardBuilder datasourceVariable() {
        variables.add(new Variable("datasource", "datasource", "Data source", null, "prometheus", null, null,
                null, null, null, null, 1, null, "", 0, List.of()));
        return this;
    }

    /** A query variable over label values, e.g. the namespace or the pods of a service. */
    public DashboardBuilder labelValuesVariable(String name, String label, String metricSelector, String labelName,
            String defaultValue, boolean multiAll) {
        String definition = "label_values(" + metricSelector + ", " + labelName + ")";
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("qryType", 1);
        query.put("query", definition);
        query.put("refId", "PrometheusVariableQueryEditor-VariableQuery");
        Grafana.Current current = defaultValue == null ? null
                : new Grafana.Current(true, defaultValue, defaultValue);
        variables.add(new Variable("query", name, label, null, query, Grafana.PROMETHEUS, definition, current,
                multiAll, multiAll, multiAll ? ".*" : null, 2, 1, "", 0, List.of()));
        return this;
    }

    /** Annotations from a PromQL expression: a mark wherever it has a value. */
    public DashboardBuilder annotation(String name, String expr, String color, String titleFormat, String textFormat) {
        annotations.add(new Annotation(name, Grafana.PROMETHEUS, true, false, color, null, null, expr, "15s",
                titleFormat, textFormat, null, false));
        return this;
    }

    public DashboardBuilder row(String rowTitle) {
        newLine();
        panels.add(new Panel(nextId++, "row", rowTitle, null, null, new GridPos(1, GRID_WIDTH, 0, y), null, null, null,
                false, List.of()));
        y += 1;
        return this;
    }

    public DashboardBuilder timeseries(String panelTitle, String panelDescription, String unit, int width, List<Query> queries) {
        Map<String, Object> options = new LinkedHashMap<>();
        Map<String, Object> legend = new LinkedHashMap<>();
        legend.put("calcs", List.of());
        legend.put("displayMode", "list");
        legend.put("placement", "bottom");
        legend.put("showLegend", true);
        options.put("legend", legend);
        options.put("tooltip", Map.of("mode", "multi", "sort", "desc"));
        Map<String, Object> custom = new LinkedHashMap<>();
        custom.put("drawStyle", "line");
        custom.put("lineWidth", 1);
        custom.put("fillOpacity", 10);
        custom.put("showPoints", "never");
        custom.put("spanNulls", false);
        return add("timeseries", panelTitle, panelDescription, width, 8, queries, false,
                new Defaults(unit, null, null, null, null, Map.of("mode", "palette-classic"), custom), options);
    }

    public DashboardBuilder stat(String panelTitle, String panelDescription, String unit, int width, Query query,
            List<Step> steps) {
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("reduceOptions", Map.of("calcs", List.of("lastNotNull"), "fields", "", "values", false));
        options.put("colorMode", "value");
        options.put("graphMode", "area");
        options.put("textMode", "auto");
        options.put("justifyMode", "auto");
        options.put("orientation", "auto");
        options.put("wideLayout", true);
        options.put("showPercentChange", false);
        options.put("percentChangeColorMode", "standard");
        return add("stat", panelTitle, panelDescription, width, 4, List.of(query), true,
                new Defaults(unit, 2, null, null, new Thresholds("absolute", steps), Map.of("mode", "thresholds"), null),
                options);
    }

    private DashboardBuilder add(String type, String panelTitle, String panelDescription, int width, int height,
            List<Query> queries, boolean instant, Defaults defaults, Map<String, Object> options) {
        if (x + width > GRID_WIDTH) {
            newLine();
        }
        List<Target> targets = new ArrayList<>();
        for (int i = 0; i < queries.size(); i++) {
            targets.add(new Target(String.valueOf((char) ('A' + i)), Grafana.PROMETHEUS, queries.get(i).expr(),
                    queries.get(i).legend(), instant ? Boolean.TRUE : null, instant ? Boolean.FALSE : null, null));
        }
        panels.add(new Panel(nextId++, type, panelTitle, panelDescription, Grafana.PROMETHEUS,
                new GridPos(height, width, x, y), targets, new FieldConfig(defaults, List.of()), options, null, null));
        x += width;
        rowHeight = Math.max(rowHeight, height);
        return this;
    }

    private void newLine() {
        if (x > 0) {
            y += rowHeight;
        }
        x = 0;
        rowHeight = 0;
    }

    public Grafana.Dashboard build() {
        return new Grafana.Dashboard(uid, title, description, tags, "browser", true, 1, Grafana.SCHEMA_VERSION, 1,
                new Grafana.TimeRange("now-6h", "now"), "30s", new Grafana.Templating(List.copyOf(variables)),
                new Grafana.Annotations(List.copyOf(annotations)),
                List.of(new Grafana.Link("Vigil", "dashboards", "external link", "", List.of("vigil"), true, true, true, false)), List.copyOf(panels));
    }

    /** Green below the first threshold, then orange, then red. */
    public static List<Step> traffic(double orange, double red) {
        return List.of(new Step("green", null), new Step("orange", orange), new Step("red", red));
    }

    /** Red below the first threshold, orange up to the second, green above (for "left" values). */
    public static List<Step> reverseTraffic(double orange, double green) {
        return List.of(new Step("red", null), new Step("orange", orange), new Step("green", green));
    }
}
