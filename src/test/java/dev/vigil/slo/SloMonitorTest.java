package dev.vigil.slo;

import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.TelemetryCollector;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the SLO monitor queries Prometheus: once per service per interval, each service at its own place in the
 * interval, so that 1,000 services are 1,000 queries spread over it, also right after a restart. Every service
 * "reconciles" every second here (the worst case: a resync or events far more often than the interval); the
 * Prometheus is a closed port, so a measurement is an instant refusal.
 */
class SloMonitorTest {
    static final Duration INTERVAL = Duration.ofSeconds(60);
    static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    static final int N = 1000;
    static List<InstrumentedService> services = new ArrayList<>();
    static TelemetryCollector fleet;

    @BeforeAll
    static void services() throws Exception {
        fleet = SloStatusFromPrometheusTest.fleet("http://127.0.0.1:1");
        for (int i = 0; i < N; i++) {
            InstrumentedService s = SloStatusFromPrometheusTest.service("sum(rate(http_requests_total{code=\"500\"}[$window]))");
            s.getMetadata().setName("svc-" + i);
            services.add(s);
        }
    }

    /** Runs every service's reconcile once a second from {@code from} for {@code seconds}; the measurement times. */
    static Map<String, List<Instant>> run(SloMonitor monitor, Instant from, int seconds, Map<String, Instant> measuredBefore) {
        Map<String, List<Instant>> out = new HashMap<>();
        for (int t = 0; t < seconds; t++) {
            Instant now = from.plusSeconds(t);
            for (InstrumentedService s : services) {
                String name = s.getMetadata().getName();
                if (monitor.due(s, fleet, PlatformTemplates.none(), now, INTERVAL, Optional.ofNullable(measuredBefore.get(name)))) {
                    assertThat(monitor.measure(s, fleet, PlatformTemplates.none(), now).unavailable()).isPresent();
                    out.computeIfAbsent(name, n -> new ArrayList<>()).add(now);
                }
                assertThat(monitor.untilDue(s, now, INTERVAL)).isBetween(Duration.ofSeconds(1), INTERVAL);
            }
        }
        return out;
    }

    static TreeMap<Long, Integer> perSecond(Map<String, List<Instant>> measured, Instant from, Instant to) {
        TreeMap<Long, Integer> out = new TreeMap<>();
        measured.values().forEach(l -> l.stream().filter(at -> !at.isBefore(from) && at.isBefore(to))
                .forEach(at -> out.merge(at.getEpochSecond(), 1, Integer::sum)));
        return out;
    }

    @Test
    void aThousandServicesAreMeasuredOncePerIntervalSpreadOverIt() {
        SloMonitor monitor = new SloMonitor(null);
        Map<String, List<Instant>> measured = run(monitor, T0, 180, Map.of());
        // Created together, each is measured at once (its status has nothing yet) ...
        assertThat(perSecond(measured, T0, T0.plusSeconds(1)).values()).containsExactly(N);
        // ... and from then on exactly once per interval, at its own slot.
        Instant from = T0.plusSeconds(60), to = T0.plusSeconds(180);
        for (var e : measured.entrySet()) {
            assertThat(e.getValue().stream().filter(at -> !at.isBefore(from) && at.isBefore(to))).as(e.getKey()).hasSize(2);
        }
        TreeMap<Long, Integer> second = perSecond(measured, from, to);
        int max = second.values().stream().max(Integer::compare).orElseThrow();
        System.out.printf("SLO queries of %d services, 60 s interval: %d seconds with queries, at most %d in one second"
                + " (mean %.1f)%n", N, second.size(), max, N / 60.0);
        // 1,000 over 60 s: 16.7 a second on average; a burst would be 1,000 in one.
        assertThat(second.size()).isGreaterThanOrEqualTo(110);
        assertThat(max).isLessThanOrEqualTo(40);
    }

    @Test
    void aRestartedMonitorWaitsForEachServicesSlotInsteadOfMeasuringAllAtOnce() {
        SloMonitor before = new SloMonitor(null);
        Map<String, List<Instant>> measured = run(before, T0, 150, Map.of());
        Map<String, Instant> status = new HashMap<>();
        measured.forEach((name, l) -> status.put(name, l.get(l.size() - 1)));
        // The operator restarts 15 s later: a new process, the statuses' measuredAt its only memory.
        Instant restart = T0.plusSeconds(165);
        Map<String, List<Instant>> after = run(new SloMonitor(null), restart, 121, status);
        int first = perSecond(after, restart, restart.plusSeconds(1)).values().stream().findFirst().orElse(0);
        int max = perSecond(after, restart, restart.plusSeconds(121)).values().stream().max(Integer::compare).orElseThrow();
        System.out.printf("after a restart: %d queries in its first second, at most %d in any second%n", first, max);
        assertThat(max).isLessThanOrEqualTo(40);
        for (InstrumentedService s : services) {
            String name = s.getMetadata().getName();
            List<Instant> times = after.get(name);
            // measured once within the first interval after the restart, then once an interval
            assertThat(times).as(name).isNotNull();
            assertThat(times.stream().filter(at -> !at.isAfter(restart.plus(INTERVAL)))).as(name).hasSize(1);
            assertThat(times).as(name).hasSize(2);
            assertThat(Duration.between(times.get(0), times.get(1))).as(name).isBetween(INTERVAL.minusSeconds(1), INTERVAL.plusSeconds(1));
            // and not sooner than half an interval after what the old process measured
            assertThat(Duration.between(status.get(name), times.get(0))).as(name).isGreaterThanOrEqualTo(INTERVAL.dividedBy(2));
        }
    }

    @Test
    void aServiceIsMeasuredAtOnceWhenItsSlosChange() throws Exception {
        SloMonitor monitor = new SloMonitor(null);
        InstrumentedService s = services.get(0);
        assertThat(monitor.due(s, fleet, PlatformTemplates.none(), T0, INTERVAL, Optional.empty())).isTrue();
        monitor.measure(s, fleet, PlatformTemplates.none(), T0);
        assertThat(monitor.due(s, fleet, PlatformTemplates.none(), T0.plusSeconds(1), INTERVAL, Optional.empty())).isFalse();
        InstrumentedService changed = SloStatusFromPrometheusTest.service("sum(rate(http_requests_total{code=\"503\"}[$window]))");
        changed.getMetadata().setName(s.getMetadata().getName());
        assertThat(monitor.due(changed, fleet, PlatformTemplates.none(), T0.plusSeconds(1), INTERVAL, Optional.empty())).isTrue();
    }

    @Test
    void phasesAreSpreadEvenForNamesThatDifferInOneCharacter() {
        int[] buckets = new int[6];
        for (int i = 0; i < N; i++) {
            var id = new io.javaoperatorsdk.operator.processing.event.ResourceID("svc-" + i, "shop");
            buckets[(int) (SloMonitor.phase(id, INTERVAL).toSeconds() / 10)]++;
        }
        // 1,000 names over six 10-second buckets: about 167 each
        for (int b : buckets) {
            assertThat(b).isBetween(120, 215);
        }
    }
}
