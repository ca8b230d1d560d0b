package dev.vigil.collector;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.InstrumentedServiceSpec;
import dev.vigil.api.v1alpha1.InstrumentedServiceStatus;
import dev.vigil.kube.LeanMetadata;

import java.util.List;
import java.util.Objects;

/**
 * What the fleets' cache keeps of a service: what chooses its fleet (namespace, labels), what makes its scrape target
 * (spec.metrics, the resolved workload's selector), what an agent fleet's log operators name (spec.workloadRef) and
 * what the SLO report roll-up sums (status.sloReport). Not its SLOs, pools, dashboard, conditions or measurements:
 * at 10,000 services this cache held a second whole copy of every service, and every status write (each SLO and pool
 * measurement that changed something) woke every fleet.
 */
final class FleetServices {
    private static final ObjectMapper JSON = new ObjectMapper();

    private FleetServices() {
    }

    static InstrumentedService view(InstrumentedService s) {
        InstrumentedService view = new InstrumentedService();
        view.setMetadata(LeanMetadata.identity(s.getMetadata()));
        InstrumentedServiceSpec spec = new InstrumentedServiceSpec();
        spec.slos = List.of();
        spec.pools = List.of();
        if (s.getSpec() != null) {
            spec.workloadRef = s.getSpec().workloadRef;
            spec.metrics = s.getSpec().metrics;
        }
        view.setSpec(spec);
        InstrumentedServiceStatus st = s.getStatus();
        if (st != null && (st.workload != null || st.sloReport != null)) {
            InstrumentedServiceStatus kept = new InstrumentedServiceStatus();
            kept.conditions = List.of();
            kept.workload = st.workload;
            kept.sloReport = st.sloReport;
            view.setStatus(kept);
        } else {
            view.setStatus(null);
        }
        return view;
    }

    /** Whether an update changes what a fleet reads of the service (not a condition, SLO or pool measurement). */
    static boolean changed(InstrumentedService now, InstrumentedService before) {
        InstrumentedService a = view(now);
        InstrumentedService b = view(before);
        return !Objects.equals(a.getMetadata().getLabels(), b.getMetadata().getLabels())
                || !Objects.equals(a.getMetadata().getDeletionTimestamp(), b.getMetadata().getDeletionTimestamp())
                || !JSON.valueToTree(a.getSpec()).equals(JSON.valueToTree(b.getSpec()))
                || !Objects.equals(a.getStatus(), b.getStatus());
    }
}
