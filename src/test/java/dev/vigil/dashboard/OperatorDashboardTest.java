package dev.vigil.dashboard;

import dev.vigil.render.GoldenFiles;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

/**
 * The operator dashboard the Helm chart ships is the one the builder makes (regenerate with
 * -Dvigil.golden.update=true). Its queries are checked against the live operator's /q/metrics in the e2e run
 * (e2e/operator-metrics.sh), and its JSON against Grafana's schema by e2e/tools/dashboard-check.sh.
 */
class OperatorDashboardTest {
    static final Path CHART_FILE = GoldenFiles.repoRoot().resolve("helm/vigil/dashboards/vigil-operator.json");

    @Test
    void theChartShipsTheGeneratedDashboard() throws Exception {
        GoldenFiles.assertMatches(CHART_FILE, Grafana.json(OperatorDashboard.build()));
    }
}
