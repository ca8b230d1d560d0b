package dev.vigil.report;

import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.ReportsSpec;
import dev.vigil.prometheus.OpenMetricsCounters;
import dev.vigil.prometheus.OpenMetricsCounters.Phase;
import dev.vigil.prometheus.PrometheusClient;
import dev.vigil.prometheus.PrometheusEndpoint;
import dev.vigil.prometheus.RealPrometheus;
import dev.vigil.render.Render;
import dev.vigil.slo.PlatformTemplates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The report of January 2026 from a real Prometheus backfilled with 35 days (December 28th to February 1st) of
 * 1000 requests a minute, a sample a minute, and errors per minute of: 3 in December; 0.5 in January, except 100
 * from Jan 15 10:00 to 11:00 and 20 from Jan 20 03:00 to 05:00. An SLO of 99.9% (budget 0.001). By hand:
 * <pre>
 * January errors   0.5 x (44 640 - 60 - 120) + 100 x 60 + 20 x 120 = 22 230 + 6 000 + 2 400 = 30 630
 * requests         44 640 x 1000 = 44 640 000;  ratio 30 630 / 44 640 000 = 0.000686155913...
 * achieved         99.9314%;  budget consumed 0.6862 (met)
 * worst hours      Jan 15 11:00 (6 000 / 60 000 = 0.1, burn 100), Jan 20 04:00 and 05:00 (0.02, burn 20),
 *                  then the first two quiet hours (0.0005, burn 0.5)
 * paging (5-minute steps; a step fires with k incident minutes in a window)
 *   incident 1     1h/5m: 5m k >= 1 and 1h (99.5k + 30) / 60 000 > 0.0144, k >= 9: 10:10 .. 11:00
 *                  6h/30m: 30m k >= 2 and 6h (99.5k + 180) / 360 000 > 0.006, k >= 20: 10:20 .. 11:25
 *                  together 10:10 .. 11:25: 16 steps, 80 min
 *   incident 2     1h/5m: 5m (19.5k + 2.5) / 5 000 > 0.0144, k >= 4, and 1h (19.5k + 30) / 60 000 > 0.0144,
 *                  k >= 43: 03:45 .. 05:00; 6h/30m: 30m k >= 9 and 6h k >= 102: 04:45 .. 05:20;
 *                  together 03:45 .. 05:20: 20 steps, 100 min                                 => 180 min
 * tickets (30-minute steps)
 *   Jan 1          3d/6h (0.001): the 6h window holds d December minutes: (3d + 0.5 (360 - d)) / 360 000 > 0.001
 *                  while d > 72: 00:30 .. 04:30, 9 steps (1d/2h needs more than a whole day of December)
 *   incident 1     3d/6h: 6h k >= 2 and 3d k >= 22: 10:30 .. 16:30, 13 steps (1d/2h 11:00 .. 12:30 within)
 *   incident 2     3d/6h: 6h k >= 10 and 3d k >= 111: 05:00 .. 10:30, 12 steps (1d/2h would need k >= 185)
 *                  34 steps                                                                  => 1 020 min
 * December         4 days at 3 in 1000: 99.7% achieved, 3x the budget (not met)
 * </pre>
 */
class SloReportTest {
    static final Instant START = Instant.parse("2025-12-28T00:00:00Z");
    static final Instant FEB = Instant.parse("2026-02-01T00:00:00Z");

    @TempDir
    static Path work;
    static RealPrometheus prometheus;

    static long minute(String at) {
        return Duration.between(START, Instant.parse(at)).toMinutes();
    }

    @BeforeAll
    static void start() throws Exception {
        long jan = minute("2026-01-01T00:00:00Z");
        long i1 = minute("2026-01-15T10:00:00Z");
        long i2 = minute("2026-01-20T03:00:00Z");
        long end = minute("2026-02-01T00:00:00Z");
        List<Phase> errors = List.of(new Phase(3, jan), new Phase(0.5, i1 - jan), new Phase(100, 60),
                new Phase(0.5, i2 - i1 - 60), new Phase(20, 120), new Phase(0.5, end - i2 - 120));
        List<Phase> ok = new ArrayList<>();
        errors.forEach(p -> ok.add(new Phase(1000 - p.perMinute(), p.minutes())));
        prometheus = RealPrometheus.serving(work, new OpenMetricsCounters()
                .counter("http_requests", "http_requests_total{code=\"500\"}", START, errors)
                .counter("http_requests", "http_requests_total{code=\"200\"}", START, ok)
                .build());
    }

    @AfterAll
    static void stop() {
        if (prometheus != null) {
            prometheus.close();
        }
    }

    static InstrumentedService service() throws Exception {
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
                      indicator:
                        ratio:
                          errors: sum(rate(http_requests_total{code="500"}[$window]))
                          total: sum(rate(http_requests_total[$window]))
                """), "test").get(0);
    }

    @Test
    void januarysReportHasTheHandComputedFigures() throws Exception {
        SloReportPeriod january = SloReportPeriod.lastComplete(ReportsSpec.Period.month, FEB.plusSeconds(90));
        assertThat(january.label()).isEqualTo("2026-01");
        SloReport r = new SloReporter(new PrometheusClient()).report(service(), PlatformTemplates.none(),
                PrometheusEndpoint.of(prometheus.url()), january, january.end(), FEB.plusSeconds(90));
        assertThat(r.complete()).isTrue();
        assertThat(r.start()).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(r.end()).isEqualTo("2026-02-01T00:00:00Z");
        SloReport.Slo s = r.slos().get(0);
        assertThat(s.achieved()).isEqualTo("99.9314");
        assertThat(s.errorRatio()).isEqualTo("0.00068616");
        assertThat(s.budgetConsumed()).isEqualTo("0.6862");
        assertThat(s.met()).isTrue();
        assertThat(s.events()).isEqualTo("44640000");
        assertThat(s.worstHours()).extracting(SloReport.Hour::end, SloReport.Hour::burnRate).containsExactly(
                org.assertj.core.groups.Tuple.tuple("2026-01-15T11:00:00Z", "100"),
                org.assertj.core.groups.Tuple.tuple("2026-01-20T04:00:00Z", "20"),
                org.assertj.core.groups.Tuple.tuple("2026-01-20T05:00:00Z", "20"),
                org.assertj.core.groups.Tuple.tuple("2026-01-01T01:00:00Z", "0.5"),
                org.assertj.core.groups.Tuple.tuple("2026-01-01T02:00:00Z", "0.5"));
        assertThat(s.pageMinutes()).isEqualTo(180);
        assertThat(s.ticketMinutes()).isEqualTo(1020);
        assertThat(s.previous().achieved()).isEqualTo("99.7");
        assertThat(s.previous().budgetConsumed()).isEqualTo("3");
        assertThat(s.previous().met()).isFalse();

        String md = SloReportMarkdown.render(r);
        assertThat(md).contains("# SLO report: shop/api, 2026-01\n",
                "| availability | 99.9% | 99.9314% | 68.62% | yes | 44640000 | 3h | 17h | 99.7% (300% of the budget) |",
                "| 2026-01-15T11:00:00Z | 0.1 | 100x |");
    }

    /**
     * A period's end days ahead asks for no requeue: one would replace the operator's periodic reconcile, on which
     * other parts rely (the PrometheusRule CRD appearing, say); within the last hour the end itself is scheduled.
     */
    @Test
    void aFarPeriodEndDoesNotReplaceThePeriodicReconcile() {
        assertThat(new SloReports.Outcome(java.util.Optional.empty(), null, Duration.ofDays(3)).recheck()).isEmpty();
        assertThat(new SloReports.Outcome(java.util.Optional.empty(), null, Duration.ofMinutes(30)).recheck())
                .contains(Duration.ofMinutes(30));
    }

    @Test
    void periodsAreCalendarMonthsAndIsoWeeksInUtc() {
        Instant at = Instant.parse("2026-02-01T00:00:30Z");
        assertThat(SloReportPeriod.holding(ReportsSpec.Period.month, at).label()).isEqualTo("2026-02");
        SloReportPeriod week = SloReportPeriod.lastComplete(ReportsSpec.Period.week, at);
        assertThat(week.start()).isEqualTo(Instant.parse("2026-01-19T00:00:00Z"));
        assertThat(week.end()).isEqualTo(Instant.parse("2026-01-26T00:00:00Z"));
        assertThat(week.label()).isEqualTo("2026-W04");
        assertThat(SloReportPeriod.holding(ReportsSpec.Period.month, Instant.parse("2026-03-31T23:59:59Z")).end())
                .isEqualTo(Instant.parse("2026-04-01T00:00:00Z"));
    }
}
