package dev.vigil.service;

import dev.vigil.api.v1alpha1.InstrumentedServiceStatus;
import dev.vigil.reconcile.Part;
import dev.vigil.reconcile.PartOutcome;
import dev.vigil.sampling.TraceSampler;
import dev.vigil.status.Reasons;

import java.util.List;

/**
 * {@code spec.traces.sampling}: the ratio the service's shard fleet serves its SDK ({@link TraceSampler}), in the
 * status ({@code status.traceSampling}) and the TraceSampling condition (absent without a sampling section). Ready is
 * not affected: whatever happens to its strategy, the app keeps sampling (its last strategy, or its own settings).
 */
final class TraceSamplingPart implements Part<ServiceContext> {
    private final TraceSampler sampler;

    TraceSamplingPart(TraceSampler sampler) {
        this.sampler = sampler;
    }

    @Override
    public PartOutcome plan(ServiceContext ctx) {
        InstrumentedServiceStatus old = ctx.old();
        TraceSampler.Outcome outcome;
        if (ctx.rejected()) {
            // A spec admission let through but a part refused: what is served stays as it was.
            ctx.next().traceSampling = old == null ? null : old.traceSampling;
            return PartOutcome.NONE;
        }
        outcome = sampler.update(ctx.service(), old == null ? null : old.traceSampling,
                ctx.fleet(), burning(ctx.next()));
        ctx.decided(TraceSampler.Outcome.class, outcome);
        ctx.next().traceSampling = outcome.status().orElse(null);
        if (ctx.service().getSpec().traces != null && ctx.service().getSpec().traces.sampling != null) {
            ctx.conditions().set(Reasons.TRACE_SAMPLING, outcome.conditionTrue(), outcome.reason(), outcome.message());
        }
        return PartOutcome.recheck(outcome.recheckAfter());
    }

    @Override
    public PartOutcome deliver(ServiceContext ctx) {
        ctx.decision(TraceSampler.Outcome.class).flatMap(TraceSampler.Outcome::boostEvent)
                .ifPresent(message -> sampler.boosted(ctx.service(), message));
        return PartOutcome.NONE;
    }

    /** An SLO of the service burns faster than its ticket threshold: one of its burn-rate alerts fires. */
    static boolean burning(InstrumentedServiceStatus next) {
        List<InstrumentedServiceStatus.SloStatus> slos = next.slos;
        return slos != null && slos.stream().anyMatch(s -> s.firing != null && !s.firing.isEmpty());
    }
}
