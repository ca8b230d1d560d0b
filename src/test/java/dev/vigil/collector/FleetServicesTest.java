package dev.vigil.collector;

import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.InstrumentedServiceStatus;
import dev.vigil.api.v1alpha1.MetricsSpec;
import dev.vigil.api.v1alpha1.PoolSpec;
import dev.vigil.api.v1alpha1.ServiceSelectorSpec;
import dev.vigil.api.v1alpha1.SloSpec;
import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.api.v1alpha1.WorkloadRef;
import dev.vigil.logs.AgentOperators;
import dev.vigil.report.SloRollup;
import dev.vigil.selection.FleetSelection;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The fleets' cache keeps what fleets read of services: a fleet plans the same from it, and is woken only by that. */
class FleetServicesTest {
    private static InstrumentedService service(String ns, String name, String team, String report) {
        InstrumentedService s = new InstrumentedService();
        s.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName(name).withResourceVersion("7").withGeneration(2L)
                .addToLabels("team", team).addToAnnotations("note", "x".repeat(500))
                .withManagedFields(new ManagedFieldsEntryBuilder().withManager("kubectl").build()).build());
        s.getSpec().workloadRef = new WorkloadRef();
        s.getSpec().workloadRef.name = name;
        s.getSpec().metrics = new MetricsSpec();
        s.getSpec().metrics.port = 8080;
        s.getSpec().metrics.path = "/q/metrics";
        SloSpec slo = new SloSpec();
        slo.name = "availability";
        slo.objective = "99.9";
        s.getSpec().slos.add(slo);
        PoolSpec pool = new PoolSpec();
        pool.name = "db";
        s.getSpec().pools.add(pool);
        InstrumentedServiceStatus st = new InstrumentedServiceStatus();
        st.observedGeneration = 2L;
        st.workload = new InstrumentedServiceStatus.WorkloadStatus();
        st.workload.kind = "Deployment";
        st.workload.name = name;
        st.workload.selector = new LabelSelectorBuilder().addToMatchLabels("app", name).build();
        st.workload.replicas = 2;
        InstrumentedServiceStatus.SloStatus sloStatus = new InstrumentedServiceStatus.SloStatus();
        sloStatus.name = "availability";
        sloStatus.budgetRemaining = "80%";
        sloStatus.measuredAt = "2026-12-06T10:00:00Z";
        st.slos = List.of(sloStatus);
        st.poolSizes = "db=8";
        if (report != null) {
            st.sloReport = new InstrumentedServiceStatus.SloReportStatus();
            st.sloReport.period = report;
            st.sloReport.complete = true;
            st.sloReport.met = 1;
            st.sloReport.summary = List.of("availability: 99.95% of 99.9% (met)");
        }
        s.setStatus(st);
        return s;
    }

    private static List<InstrumentedService> services() {
        return List.of(service("shop", "cart", "payments", "2026-11"), service("shop", "api", "web", null),
                service("billing", "ledger", "payments", "2026-11"));
    }

    @Test
    void aViewKeepsWhatFleetsReadAndNothingElse() {
        InstrumentedService view = FleetServices.view(services().get(0));
        assertThat(view.getMetadata().getManagedFields()).isNullOrEmpty();
        assertThat(view.getMetadata().getAnnotations()).isNullOrEmpty();
        assertThat(view.getMetadata().getLabels()).containsEntry("team", "payments");
        assertThat(view.getSpec().slos).isEmpty();
        assertThat(view.getSpec().pools).isEmpty();
        assertThat(view.getStatus().slos).isNull();
        assertThat(view.getStatus().poolSizes).isNull();
        assertThat(view.getStatus().workload.selector.getMatchLabels()).containsEntry("app", "cart");
    }

    @Test
    void aFleetPlansTheSameFromViewsAsFromWholeServices() {
        TelemetryCollector fleet = new TelemetryCollector();
        fleet.setMetadata(new ObjectMetaBuilder().withNamespace("obs").withName("collectors").withCreationTimestamp("2026-01-01T00:00:00Z").build());
        fleet.getSpec().serviceSelector = new ServiceSelectorSpec();
        fleet.getSpec().serviceSelector.namespaceSelector = new LabelSelectorBuilder().build();
        fleet.getSpec().serviceSelector.selector = new LabelSelectorBuilder().addToMatchLabels("team", "payments").build();
        List<InstrumentedService> whole = services();
        List<InstrumentedService> views = services().stream().map(FleetServices::view).toList();
        for (int i = 0; i < whole.size(); i++) {
            assertThat(FleetSelection.chooseFleet(views.get(i), List.of(fleet), ns -> Map.of()).isPresent())
                    .isEqualTo(FleetSelection.chooseFleet(whole.get(i), List.of(fleet), ns -> Map.of()).isPresent());
            assertThat(FleetPlanner.target(views.get(i))).isEqualTo(FleetPlanner.target(whole.get(i)));
        }
        assertThat(whole.stream().filter(s -> FleetSelection.chooseFleet(s, List.of(fleet), ns -> Map.of()).isPresent())).hasSize(2);
        assertThat(SloRollup.build(fleet, views).getData()).isEqualTo(SloRollup.build(fleet, whole).getData());
        assertThat(AgentOperators.of(views)).isEqualTo(AgentOperators.of(whole));
    }

    @Test
    void onlyAChangeOfWhatFleetsReadWakesThem() {
        InstrumentedService before = service("shop", "cart", "payments", null);
        // An SLO or pool measurement, a condition, a new generation of the SLOs: no fleet reads these.
        InstrumentedService measured = service("shop", "cart", "payments", null);
        measured.getStatus().slos.get(0).budgetRemaining = "79%";
        measured.getStatus().poolSizes = "db=9";
        measured.getSpec().slos.get(0).objective = "99.5";
        measured.getMetadata().setResourceVersion("8");
        assertThat(FleetServices.changed(measured, before)).isFalse();
        // Its labels, port, resolved workload and report: fleets read these.
        InstrumentedService relabelled = service("shop", "cart", "web", null);
        assertThat(FleetServices.changed(relabelled, before)).isTrue();
        InstrumentedService port = service("shop", "cart", "payments", null);
        port.getSpec().metrics.port = 9090;
        assertThat(FleetServices.changed(port, before)).isTrue();
        InstrumentedService moved = service("shop", "cart", "payments", null);
        moved.getStatus().workload.selector = new LabelSelectorBuilder().addToMatchLabels("app", "cart-v2").build();
        assertThat(FleetServices.changed(moved, before)).isTrue();
        InstrumentedService reported = service("shop", "cart", "payments", "2026-11");
        assertThat(FleetServices.changed(reported, before)).isTrue();
        InstrumentedService unresolved = service("shop", "cart", "payments", null);
        unresolved.getStatus().workload = null;
        assertThat(FleetServices.changed(unresolved, before)).isTrue();
    }
}
