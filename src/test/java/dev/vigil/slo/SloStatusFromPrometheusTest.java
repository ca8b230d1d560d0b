package dev.vigil.slo;

import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.InstrumentedServiceStatus.SloStatus;
import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.prometheus.OpenMetricsCounters;
import dev.vigil.prometheus.OpenMetricsCounters.Phase;
import dev.vigil.prometheus.RealPrometheus;
import dev.vigil.render.Render;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Error-budget status measured from a real Prometheus holding known data, compared with values computed by hand.
 *
 * <p>The data: 1000 requests a minute for 30 days and 2 hours up to T = 2026-01-31T00:00:00Z, one sample a
 * minute. Errors per minute: 0.5 until T-1d, then 2 until T-1h, then 20 (with the 200s making up the rest of the
 * 1000). Prometheus 2.42 selects a range [T-w, T] with both ends, and samples sit exactly on them, so each rate is
 * the exact counter difference over w and each error ratio is errors(w) / requests(w):
 * <pre>
 *  window  errors                                requests      ratio      burn (/ 0.001)
 *  5m      5 x 20                = 100           5 000         0.02       20
 *  30m     30 x 20               = 600           30 000        0.02       20
 *  1h      60 x 20               = 1 200         60 000        0.02       20
 *  2h      1 200 + 60 x 2        = 1 320         120 000       0.011      11
 *  6h      1 200 + 300 x 2       = 1 800         360 000       0.005      5
 *  1d      1 200 + 1 380 x 2     = 3 960         1 440 000     0.00275    2.75
 *  3d      3 960 + 2 880 x 0.5   = 5 400         4 320 000     0.00125    1.25
 *  30d     3 960 + 41 760 x 0.5  = 24 840        43 200 000    0.000575   0.575
 * </pre>
 * Budget left = 1 - 0.575 = 0.425 (42.5%); at the 1h burn of 20 the whole budget lasts 30d / 20 = 36 h, so 42.5%
 * of it lasts 0.425 x 2160 min = 918 min = 15h18m. Alerts: page 1h/5m (20 and 20 above 14.4) and ticket 3d/6h
 * (1.25 and 5 above 1); not page 6h/30m (5 is not above 6), not ticket 1d/2h (2.75 is not above 3).
 */
class SloStatusFromPrometheusTest {
    static final Instant T = Instant.parse("2026-01-31T00:00:00Z");

    @TempDir
    static Path work;
    static RealPrometheus prometheus;

    @BeforeAll
    static void start() throws Exception {
        Instant start = T.minus(Duration.ofDays(30)).minus(Duration.ofHours(2));
        long before = Duration.between(start, T.minus(Duration.ofDays(1))).toMinutes();
        List<Phase> errors = List.of(new Phase(0.5, before), new Phase(2, 23 * 60), new Phase(20, 60));
        List<Phase> ok = List.of(new Phase(999.5, before), new Phase(998, 23 * 60), new Phase(980, 60));
        String data = new OpenMetricsCounters()
                .counter("http_requests", "http_requests_total{code=\"500\"}", start, errors)
                .counter("http_requests", "http_requests_total{code=\"200\"}", start, ok)
                // A quiet service: its counters exist all along and never move.
                .counter("quiet_requests", "quiet_requests_total{code=\"500\"}", start,
                        List.of(new Phase(0, before + 24 * 60)))
                .counter("quiet_requests", "quiet_requests_total{code=\"200\"}", start,
                        List.of(new Phase(0, before + 24 * 60)))
                .build();
        prometheus = RealPrometheus.serving(work, data);
    }

    @AfterAll
    static void stop() {
        if (prometheus != null) {
            prometheus.close();
        }
    }

    static InstrumentedService service(String errorsQuery) throws Exception {
        return service(errorsQuery, "sum(rate(http_requests_total[$window]))");
    }

    static InstrumentedService service(String errorsQuery, String totalQuery) throws Exception {
        return (InstrumentedService) Render.parse(new StringReader("""
                apiVersion: vigil.dev/v1alpha1
                kind: InstrumentedService
                metadata: {name: api, namespace: shop}
                spec:
                  workloadRef: {name: api}
                  metrics: {port: 8080}
                  slos:
                    - name: availability
                      objective: "99.9"
                      window: 30d
                      indicator:
                        ratio:
                          errors: '%s'
                          total: '%s'
                """.formatted(errorsQuery, totalQuery)), "test").get(0);
    }

    static TelemetryCollector fleet(String url) throws Exception {
        return (TelemetryCollector) Render.parse(new StringReader("""
                apiVersion: vigil.dev/v1alpha1
                kind: TelemetryCollector
                metadata: {name: platform, namespace: shop}
                spec:
                  prometheus: {url: "%s"}
                """.formatted(url)), "test").get(0);
    }

    @Test
    void statusEqualsTheHandComputedValues() throws Exception {
        SloMonitor monitor = new SloMonitor(null);
        SloMonitor.Measurement m = monitor.measure(service("sum(rate(http_requests_total{code=\"500\"}[$window]))"),
                fleet(prometheus.url()), PlatformTemplates.none(), T);

        assertThat(m.unavailable()).isEmpty();
        assertThat(m.rejected()).isEmpty();
        SloEvaluation.Result r = m.results().get("availability");
        SloStatus s = r.status();
        assertThat(s.objective).isEqualTo("99.9");
        assertThat(s.window).isEqualTo("30d");
        assertThat(s.errorBudget).isEqualTo("0.001");
        assertThat(s.errorRatio).isEqualTo("0.000575");
        assertThat(s.budgetRemaining).isEqualTo("0.425");
        assertThat(s.timeLeft).isEqualTo("15h18m");
        Map<String, String> burn = new LinkedHashMap<>();
        burn.put("5m", "20");
        burn.put("30m", "20");
        burn.put("1h", "20");
        burn.put("2h", "11");
        burn.put("6h", "5");
        burn.put("1d", "2.75");
        burn.put("3d", "1.25");
        burn.put("30d", "0.575");
        assertThat(s.burnRates).containsExactlyEntriesOf(burn);
        assertThat(s.firing).containsExactly("page 1h/5m", "ticket 3d/6h");
        assertThat(s.measuredAt).isEqualTo("2026-01-31T00:00:00Z");
        assertThat(r.health()).isEqualTo(SloEvaluation.Health.PAGE);
        assertThat(r.message()).isEqualTo("burning 20x its budget over 1h and 20x over 5m (page above 14.4x); "
                + "42.5% of the 30d error budget left");
        assertThat(SloStatusBuilder.worst(List.of(s))).isEqualTo("42.5% (availability)");
    }

    @Test
    void anHourEarlierOnlyTheTicketFires() throws Exception {
        // At T-1h the last hour burnt at 2x: 1h ratio 0.002 (burn 2), 3d: (1 380 x 2 + 2 820 x 0.5 ... see below).
        // 3d window [T-4d, T-1h]: errors = 1 380 x 2 + (4 320 - 1 380) x 0.5 = 2 760 + 1 470 = 4 230 over 4 320 000
        // requests: ratio 0.00097916666..., burn 0.9792 (rounded): below 1, so no ticket either.
        // 6h: 360 x 2 = 720 / 360 000 = 0.002, burn 2. 30d [T-30d-1h, T-1h]: 1 380 x 2 + 41 820 x 0.5 = 23 670
        // over 43 200 000 = 0.000547916..., budget left 1 - 0.5479166... = 0.4520833... -> 0.4521;
        // time left at burn 2: 0.45208333 x 43 200 / 2 = 9 765 min = 6d18h45m.
        SloMonitor monitor = new SloMonitor(null);
        SloMonitor.Measurement m = monitor.measure(service("sum(rate(http_requests_total{code=\"500\"}[$window]))"),
                fleet(prometheus.url()), PlatformTemplates.none(), T.minus(Duration.ofHours(1)));
        SloStatus s = m.results().get("availability").status();
        assertThat(s.burnRates).containsEntry("1h", "2").containsEntry("6h", "2").containsEntry("3d", "0.9792");
        assertThat(s.errorRatio).isEqualTo("0.00054792");
        assertThat(s.budgetRemaining).isEqualTo("0.4521");
        assertThat(s.timeLeft).isEqualTo("6d18h45m");
        assertThat(s.firing).isNull();
        assertThat(m.results().get("availability").health()).isEqualTo(SloEvaluation.Health.HEALTHY);
    }

    @Test
    void aQueryPrometheusRejectsIsReportedWithoutItsBody() throws Exception {
        SloMonitor monitor = new SloMonitor(null);
        SloMonitor.Measurement m = monitor.measure(service("sum(rate(http_requests_total{code=\"500\"[$window]))"),
                fleet(prometheus.url()), PlatformTemplates.none(), T);
        assertThat(m.unavailable()).isEmpty();
        assertThat(m.results()).isEmpty();
        assertThat(m.rejected()).containsOnlyKeys("availability");
        assertThat(m.rejected().get("availability"))
                .isEqualTo("the queries of SLO availability are not valid PromQL: Prometheus at " + prometheus.url()
                        + " rejected the query (HTTP 400, bad_data)")
                .doesNotContain("parse error");
    }

    @Test
    void noPrometheusMeansUnavailableNotZero() throws Exception {
        SloMonitor monitor = new SloMonitor(null);
        SloMonitor.Measurement m = monitor.measure(service("sum(rate(http_requests_total{code=\"500\"}[$window]))"),
                fleet("http://127.0.0.1:1"), PlatformTemplates.none(), T);
        assertThat(m.results()).isEmpty();
        assertThat(m.unavailable()).hasValueSatisfying(u -> {
            assertThat(u.reason()).isEqualTo("PrometheusUnavailable");
            assertThat(u.message()).isEqualTo("cannot connect to Prometheus at http://127.0.0.1:1");
        });
    }

    @Test
    void windowsWithoutTrafficAreNoDataNotAPerfectScore() throws Exception {
        SloMonitor monitor = new SloMonitor(null);
        SloMonitor.Measurement m = monitor.measure(service("sum(rate(http_requests_total{code=\"500\"}[$window]))"),
                fleet(prometheus.url()), PlatformTemplates.none(), T.plus(Duration.ofDays(60)));
        SloEvaluation.Result r = m.results().get("availability");
        assertThat(r.health()).isEqualTo(SloEvaluation.Health.NO_DATA);
        assertThat(r.status().budgetRemaining).isNull();
        assertThat(r.status().burnRates).isNull();
    }

    /**
     * A service whose counters exist and count nothing for 30 days: 0/0 in every window, but a total of 0 — NoTraffic
     * with its whole budget (no NaN in the status), where the case above (no series at all) stays NoData.
     */
    @Test
    void aQuietServiceHasItsWholeBudget() throws Exception {
        SloMonitor monitor = new SloMonitor(null);
        SloMonitor.Measurement m = monitor.measure(service("sum(rate(quiet_requests_total{code=\"500\"}[$window]))",
                "sum(rate(quiet_requests_total[$window]))"), fleet(prometheus.url()), PlatformTemplates.none(), T);
        assertThat(m.rejected()).isEmpty();
        SloEvaluation.Result r = m.results().get("availability");
        assertThat(r.health()).isEqualTo(SloEvaluation.Health.NO_TRAFFIC);
        assertThat(r.status().budgetRemaining).isEqualTo("1");
        assertThat(r.status().errorRatio).isNull();
        // The error ratio over a window without events is 0, not NaN: nothing burns.
        assertThat(r.status().burnRates).hasSize(8).allSatisfy((w, b) -> assertThat(b).isEqualTo("0"));
    }
}
