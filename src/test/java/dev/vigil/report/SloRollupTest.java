package dev.vigil.report;

import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.InstrumentedServiceSpec;
import dev.vigil.api.v1alpha1.InstrumentedServiceStatus;
import dev.vigil.api.v1alpha1.TelemetryCollector;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The fleet's roll-up of its services' reports: grouped by namespace, counted, deterministic. */
class SloRollupTest {
    static InstrumentedService service(String ns, String name, String period, int met, int missed, String... lines) {
        InstrumentedService s = new InstrumentedService();
        s.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName(name).build());
        s.setSpec(new InstrumentedServiceSpec());
        s.setStatus(new InstrumentedServiceStatus());
        if (period != null) {
            s.getStatus().sloReport = new InstrumentedServiceStatus.SloReportStatus();
            s.getStatus().sloReport.period = period;
            s.getStatus().sloReport.complete = true;
            s.getStatus().sloReport.met = met;
            s.getStatus().sloReport.missed = missed;
            s.getStatus().sloReport.summary = List.of(lines);
        }
        return s;
    }

    @Test
    void servicesAreGroupedByNamespaceWithTheirCounts() {
        TelemetryCollector fleet = new TelemetryCollector();
        fleet.setMetadata(new ObjectMetaBuilder().withNamespace("platform").withName("collectors").build());
        List<InstrumentedService> services = List.of(
                service("shop", "cart", "2026-01", 1, 1, "availability: 99.95% of 99.9% (met, 50% of the budget)",
                        "latency: 98% of 99% (missed, 200% of the budget)"),
                service("billing", "ledger", "2026-01", 1, 0, "availability: 100% of 99.9% (met, 0% of the budget)"),
                service("shop", "api", "2026-01", 1, 0, "availability: 99.9314% of 99.9% (met, 68.62% of the budget)"),
                service("shop", "new", null, 0, 0));
        assertThat(SloRollup.wanted(services)).isTrue();
        assertThat(SloRollup.wanted(List.of(services.get(3)))).isFalse();
        ConfigMap cm = SloRollup.build(fleet, services);
        assertThat(cm.getMetadata().getName()).isEqualTo("collectors-slo-rollup");
        assertThat(cm.getMetadata().getNamespace()).isEqualTo("platform");
        assertThat(cm.getData().get("rollup.md")).isEqualTo("""
                # SLO reports of the services fleet platform/collectors collects

                | namespace | services | SLOs met | SLOs missed |
                |---|---|---|---|
                | billing | 1 | 1 | 0 |
                | shop | 2 | 2 | **1** |

                ## billing

                | service | period | SLOs |
                |---|---|---|
                | ledger | 2026-01 | availability: 100% of 99.9% (met, 0% of the budget) |

                ## shop

                | service | period | SLOs |
                |---|---|---|
                | api | 2026-01 | availability: 99.9314% of 99.9% (met, 68.62% of the budget) |
                | cart | 2026-01 | availability: 99.95% of 99.9% (met, 50% of the budget)<br>latency: 98% of 99% (missed, 200% of the budget) |
                """);
        assertThat(cm.getData().get("rollup.json")).contains("\"fleet\" : \"platform/collectors\"", "\"missed\" : 1");
        // The same services in another order: the same ConfigMap (no write).
        assertThat(SloRollup.build(fleet, List.of(services.get(2), services.get(3), services.get(1), services.get(0))))
                .isEqualTo(cm);
    }
}
