package dev.vigil.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.PoolSpec;
import dev.vigil.api.v1alpha1.SloSpec;
import dev.vigil.config.DashboardSettings;
import dev.vigil.render.GoldenFiles;
import io.fabric8.kubernetes.api.model.ConfigMap;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service dashboard: golden JSON per case (regenerate with -Dvigil.golden.update=true), the layout rules Grafana
 * relies on, the uid, the ConfigMap that carries it, and the size of the largest dashboard the schema allows.
 */
class DashboardTest {
    static final Path GOLDEN = GoldenFiles.repoRoot().resolve("src/test/resources/golden-dashboards");
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void goldenJson() throws Exception {
        GoldenFiles.assertMatches(GOLDEN.resolve("minimal.json"), Grafana.json(ServiceDashboard.build(DashboardCases.minimal())));
        GoldenFiles.assertMatches(GOLDEN.resolve("slos-and-pools.json"),
                Grafana.json(ServiceDashboard.build(DashboardCases.slosAndPools())));
    }

    @Test
    void sameInputSameBytes() {
        assertThat(Grafana.json(ServiceDashboard.build(DashboardCases.slosAndPools())))
                .isEqualTo(Grafana.json(ServiceDashboard.build(DashboardCases.slosAndPools())));
    }

    @Test
    void rowsPerSloAndPoolAndALayoutGrafanaAccepts() throws Exception {
        JsonNode d = JSON.readTree(Grafana.json(ServiceDashboard.build(DashboardCases.slosAndPools())));
        assertThat(d.get("schemaVersion").asInt()).isEqualTo(39);
        assertThat(d.get("uid").asText()).isEqualTo("vs-shop-checkout");
        List<String> rows = new ArrayList<>();
        Set<Integer> ids = new HashSet<>();
        List<int[]> boxes = new ArrayList<>();
        for (JsonNode p : d.get("panels")) {
            assertThat(ids.add(p.get("id").asInt())).as("panel ids are unique").isTrue();
            JsonNode g = p.get("gridPos");
            int x = g.get("x").asInt(), y = g.get("y").asInt(), w = g.get("w").asInt(), h = g.get("h").asInt();
            assertThat(x + w).as(p.get("title").asText()).isLessThanOrEqualTo(24);
            for (int[] b : boxes) {
                boolean apart = x + w <= b[0] || b[0] + b[2] <= x || y + h <= b[1] || b[1] + b[3] <= y;
                assertThat(apart).as("%s overlaps another panel", p.get("title").asText()).isTrue();
            }
            boxes.add(new int[] {x, y, w, h});
            if ("row".equals(p.get("type").asText())) {
                rows.add(p.get("title").asText());
            } else {
                assertThat(p.get("datasource").get("uid").asText()).isEqualTo("${datasource}");
                assertThat(p.get("targets")).isNotEmpty();
            }
        }
        assertThat(rows).containsExactly("Requests", "SLO availability (99.9% over 30d)", "SLO latency (99% over 7d)",
                "Pool cache (2..40)", "Pool postgres (5..50)", "Trace sampling (adaptive)", "Collection");
        List<String> variables = new ArrayList<>();
        d.get("templating").get("list").forEach(v -> variables.add(v.get("name").asText()));
        assertThat(variables).containsExactly("datasource", "namespace", "pod");
        List<String> annotations = new ArrayList<>();
        d.get("annotations").get("list").forEach(a -> annotations.add(a.get("name").asText()));
        assertThat(annotations).containsExactly("Annotations & Alerts", "Pool cache: Vigil's decisions", "Pool cache resized",
                "Pool postgres: Vigil's decisions", "Pool postgres resized");
    }

    @Test
    void uidsAreStableShortAndDistinct() {
        assertThat(ServiceDashboard.uid("shop", "checkout")).isEqualTo("vs-shop-checkout");
        String longOne = ServiceDashboard.uid("a-very-long-namespace-name-for-a-team", "and-a-long-service-name");
        assertThat(longOne).hasSizeLessThanOrEqualTo(40).matches("[A-Za-z0-9_-]+")
                .isEqualTo(ServiceDashboard.uid("a-very-long-namespace-name-for-a-team", "and-a-long-service-name"))
                .isNotEqualTo(ServiceDashboard.uid("a-very-long-namespace-name-for-a-team", "and-a-long-service-nam"));
        assertThat(ServiceDashboard.uid("a", "b.c")).isNotEqualTo(ServiceDashboard.uid("a", "b-c"));
    }

    @Test
    void theConfigMapCarriesTheDashboardForTheGrafanaSidecar() {
        InstrumentedService s = DashboardCases.slosAndPools();
        ConfigMap cm = ServiceDashboardConfigMap.build(s, DashboardSettings.defaults());
        assertThat(cm.getMetadata().getName()).isEqualTo("checkout-dashboard");
        assertThat(cm.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1")
                .containsEntry("app.kubernetes.io/managed-by", "vigil");
        assertThat(cm.getMetadata().getAnnotations()).containsEntry("grafana_folder", "Payments");
        assertThat(cm.getData()).containsOnlyKeys("shop-checkout.json");
        // Delivered compact: the golden dashboard, a third fewer bytes.
        String delivered = cm.getData().get("shop-checkout.json");
        String golden = Grafana.json(ServiceDashboard.build(s));
        try {
            assertThat(JSON.readTree(delivered)).isEqualTo(JSON.readTree(golden));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        assertThat(delivered).doesNotContain("\n");
        assertThat(delivered.length()).as("compact against pretty").isLessThan(golden.length() * 2 / 3);
        ConfigMap other = ServiceDashboardConfigMap.build(DashboardCases.minimal(),
                new DashboardSettings(java.util.Map.of("team-dashboards", "yes"), "dashboards/folder"));
        assertThat(other.getMetadata().getLabels()).containsEntry("team-dashboards", "yes").doesNotContainKey("grafana_dashboard");
        assertThat(other.getMetadata().getAnnotations()).containsEntry("dashboards/folder", "Vigil");
    }

    /** The schema allows 20 SLOs and 10 pools: that dashboard still fits a ConfigMap (1 MiB) many times over. */
    @Test
    void theLargestDashboardTheSchemaAllowsFitsAConfigMap() {
        InstrumentedService s = DashboardCases.slosAndPools();
        SloSpec template = s.getSpec().slos.get(0);
        PoolSpec pool = s.getSpec().pools.get(0);
        s.getSpec().slos = new ArrayList<>();
        s.getSpec().pools = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            SloSpec slo = new SloSpec();
            slo.name = "slo-with-a-rather-long-name-number-" + i;
            slo.objective = "99.95";
            slo.window = "28d";
            slo.indicator = template.indicator;
            s.getSpec().slos.add(slo);
        }
        for (int i = 0; i < 10; i++) {
            PoolSpec p = new PoolSpec();
            p.name = "pool-with-a-rather-long-name-number-" + i;
            p.signals = pool.signals;
            p.size = pool.size;
            p.budget = pool.budget;
            s.getSpec().pools.add(p);
        }
        int bytes = Grafana.json(ServiceDashboard.build(s)).getBytes(StandardCharsets.UTF_8).length;
        assertThat(bytes).as("bytes of the largest dashboard").isLessThan(512 * 1024);
        int delivered = Grafana.compactJson(ServiceDashboard.build(s)).getBytes(StandardCharsets.UTF_8).length;
        // e2e suite 11 sends this dashboard through the GrafanaDashboard's gzip path.
        assertThat(delivered).as("delivered bytes of the largest dashboard").isGreaterThan(GrafanaOperatorDashboard.GZIP_ABOVE_BYTES);
        System.out.printf("largest service dashboard the schema allows: %d bytes pretty, %d delivered%n", bytes, delivered);
    }
}
