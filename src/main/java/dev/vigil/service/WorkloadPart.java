package dev.vigil.service;

import dev.vigil.api.v1alpha1.InstrumentedServiceStatus;
import dev.vigil.api.v1alpha1.WorkloadRef;
import dev.vigil.reconcile.NotReady;
import dev.vigil.reconcile.Part;
import dev.vigil.reconcile.PartOutcome;
import dev.vigil.status.Reasons;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

import java.util.Optional;
import java.util.function.BiFunction;

/** Finds the workload {@code spec.workloadRef} names: {@code status.workload} and the WorkloadFound condition. */
final class WorkloadPart implements Part<ServiceContext> {
    private final BiFunction<WorkloadRef.Kind, ResourceID, Optional<? extends HasMetadata>> lookup;

    /** @param lookup the workload of a kind by id, from the reconciler's informers */
    WorkloadPart(BiFunction<WorkloadRef.Kind, ResourceID, Optional<? extends HasMetadata>> lookup) {
        this.lookup = lookup;
    }

    @Override
    public PartOutcome plan(ServiceContext ctx) {
        WorkloadRef ref = ctx.service().getSpec().workloadRef;
        Optional<? extends HasMetadata> workload = lookup.apply(ref.kindOrDefault(), new ResourceID(ref.name, ctx.namespace()));
        String text = ref.kindOrDefault() + " " + ctx.namespace() + "/" + ref.name;
        ctx.workload(workload.map(HasMetadata.class::cast));
        if (workload.isPresent()) {
            ctx.next().workload = status(ref.kindOrDefault(), workload.get());
            ctx.conditions().set(Reasons.WORKLOAD_FOUND, true, Reasons.WORKLOAD_PRESENT, text + " found");
            return PartOutcome.NONE;
        }
        ctx.conditions().set(Reasons.WORKLOAD_FOUND, false, Reasons.WORKLOAD_MISSING, text + " does not exist");
        return PartOutcome.notReady(NotReady.of(NotReady.Rank.MISSING, Reasons.WORKLOAD_MISSING, text + " does not exist"));
    }

    private static InstrumentedServiceStatus.WorkloadStatus status(WorkloadRef.Kind kind, HasMetadata workload) {
        InstrumentedServiceStatus.WorkloadStatus w = new InstrumentedServiceStatus.WorkloadStatus();
        w.kind = kind.name();
        w.name = workload.getMetadata().getName();
        LabelSelector selector;
        Integer replicas;
        if (workload instanceof Deployment d) {
            selector = d.getSpec().getSelector();
            replicas = d.getSpec().getReplicas();
        } else {
            StatefulSet s = (StatefulSet) workload;
            selector = s.getSpec().getSelector();
            replicas = s.getSpec().getReplicas();
        }
        w.selector = selector;
        w.replicas = replicas == null ? 1 : replicas;
        return w;
    }
}
