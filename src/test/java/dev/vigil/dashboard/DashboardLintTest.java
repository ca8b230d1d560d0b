package dev.vigil.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * House rules for every dashboard Vigil generates or ships, in the spirit of Grafana's dashboard linter (which is
 * not installable here, see docs/dashboards.md): each panel says what it shows (title, description) and in which
 * unit; rate windows follow the dashboard's resolution ({@code $__rate_interval}) except the pool waits, which show
 * the signal exactly as the operator reads it; query variables refresh when the time range changes, so a pod that
 * started five minutes ago is selectable; one Prometheus data source variable, used by every panel.
 */
class DashboardLintTest {
    private static final Pattern WINDOW = Pattern.compile("\\b(rate|irate|increase)\\((?:[^()\\[]|\\([^()]*\\))*\\[([^\\]]+)\\]");

    static Map<String, JsonNode> dashboards() throws Exception {
        ObjectMapper json = new ObjectMapper();
        Map<String, JsonNode> all = new LinkedHashMap<>();
        all.put("minimal service", json.readTree(Grafana.json(ServiceDashboard.build(DashboardCases.minimal()))));
        all.put("service with SLOs and pools", json.readTree(Grafana.json(ServiceDashboard.build(DashboardCases.slosAndPools()))));
        all.put("fleet", json.readTree(Grafana.json(FleetDashboard.build(FleetDashboardTest.fleet()))));
        all.put("operator", json.readTree(Grafana.json(OperatorDashboard.build())));
        return all;
    }

    @Test
    void everyDashboardFollowsTheRules() throws Exception {
        List<String> problems = new ArrayList<>();
        for (var e : dashboards().entrySet()) {
            problems.addAll(lint(e.getKey(), e.getValue()));
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void theRulesCatchWhatTheyAreAbout() throws Exception {
        JsonNode d = new ObjectMapper().readTree(Grafana.json(ServiceDashboard.build(DashboardCases.minimal())));
        ObjectNode panel = (ObjectNode) d.get("panels").get(1);
        panel.put("description", "");
        ((ObjectNode) panel.get("targets").get(0)).put("expr",
                "sum(rate(http_server_request_duration_seconds_count[5m]))");
        ((ObjectNode) d.get("templating").get("list").get(2)).put("refresh", 1);
        assertThat(lint("mutated", d)).hasSize(3)
                .anyMatch(p -> p.contains("no description"))
                .anyMatch(p -> p.contains("window 5m"))
                .anyMatch(p -> p.contains("refresh"));
    }

    static List<String> lint(String name, JsonNode d) {
        List<String> problems = new ArrayList<>();
        List<String> datasources = new ArrayList<>();
        for (JsonNode v : d.get("templating").get("list")) {
            String where = name + " variable " + v.get("name").asText();
            if ("datasource".equals(v.get("type").asText())) {
                datasources.add(v.get("name").asText());
                if (!"prometheus".equals(v.get("query").asText())) {
                    problems.add(where + ": not a Prometheus data source variable");
                }
            } else if ("query".equals(v.get("type").asText()) && v.get("refresh").asInt() != 2) {
                problems.add(where + ": refresh is not 'on time range change'");
            }
        }
        if (!datasources.equals(List.of("datasource"))) {
            problems.add(name + ": data source variables " + datasources + ", expected exactly [datasource]");
        }
        for (JsonNode p : d.get("panels")) {
            if ("row".equals(p.get("type").asText())) {
                continue;
            }
            String where = name + " panel '" + p.get("title").asText() + "'";
            if (p.get("title").asText().isBlank()) {
                problems.add(where + ": no title");
            }
            if (!p.hasNonNull("description") || p.get("description").asText().isBlank()) {
                problems.add(where + ": no description");
            }
            JsonNode unit = p.path("fieldConfig").path("defaults").path("unit");
            if (unit.isMissingNode() || unit.asText().isBlank()) {
                problems.add(where + ": no unit");
            }
            for (JsonNode t : p.get("targets")) {
                Matcher m = WINDOW.matcher(t.get("expr").asText());
                while (m.find()) {
                    if (!"$__rate_interval".equals(m.group(2)) && !"Waits".equals(p.get("title").asText())) {
                        problems.add(where + ": " + m.group(1) + " window " + m.group(2) + " instead of $__rate_interval");
                    }
                }
            }
        }
        return problems;
    }
}
