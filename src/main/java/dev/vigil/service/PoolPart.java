package dev.vigil.service;

import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.InstrumentedServiceStatus;
import dev.vigil.pool.PoolAutoscaler;
import dev.vigil.pool.PoolEnvDelivery;
import dev.vigil.pool.PoolSizesConfigMap;
import dev.vigil.reconcile.NotReady;
import dev.vigil.reconcile.Part;
import dev.vigil.reconcile.PartOutcome;
import dev.vigil.status.Reasons;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

import java.math.BigDecimal;
import java.util.stream.Collectors;

/**
 * Connection pools: evaluates the due ones and enforces bounds and budget on the others ({@code status.pools},
 * {@code status.poolSizes}); held as they were while the workload is missing or the spec is rejected. Delivers the
 * sizes to the pools ConfigMap (a dependent) and as env vars on the workload (PoolsDelivered).
 */
final class PoolPart implements Part<ServiceContext> {
    private final PoolAutoscaler pools;
    private final boolean serverSideApply;

    /** @param serverSideApply whether the operator writes by server-side apply (quarkus.operator-sdk.enable-ssa) */
    PoolPart(PoolAutoscaler pools, boolean serverSideApply) {
        this.pools = pools;
        this.serverSideApply = serverSideApply;
    }

    @Override
    public PartOutcome plan(ServiceContext ctx) {
        InstrumentedService service = ctx.service();
        PoolAutoscaler.Outcome outcome;
        if (!ctx.rejected() && ctx.workload().isPresent()) {
            String gate = sloGate(service, ctx.next());
            var cache = ctx.josdk().getPrimaryCache();
            outcome = pools.update(service, ctx.oldPools(), new PoolAutoscaler.Inputs(ctx.fleet(),
                    liveReplicas(ctx.workload().get()), () -> cache.list(ctx.namespace()).toList(),
                    name -> cache.get(new ResourceID(name, ctx.namespace())).isPresent(), gate == null, gate));
        } else {
            outcome = PoolAutoscaler.held(service, ctx.oldPools());
        }
        ctx.decided(PoolAutoscaler.Outcome.class, outcome);
        ctx.next().pools = outcome.statuses().isEmpty() ? null : outcome.statuses();
        ctx.next().poolSizes = outcome.sizes().isEmpty() ? null : outcome.sizes().entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
        return PartOutcome.recheck(outcome.recheckAfter());
    }

    @Override
    public void prepare(ServiceContext ctx) {
        PoolSizesConfigMap.Sizes.KEY.put(ctx.josdk(),
                new PoolSizesConfigMap.Sizes(ctx.requireDecision(PoolAutoscaler.Outcome.class).sizes()));
    }

    @Override
    public PartOutcome deliver(ServiceContext ctx) {
        if (ctx.workload().isEmpty()) {
            return PartOutcome.NONE;
        }
        PoolAutoscaler.Outcome outcome = ctx.requireDecision(PoolAutoscaler.Outcome.class);
        String problem = PoolEnvDelivery.sync(ctx.client(), ctx.service(), ctx.workload().get(), outcome.sizes(),
                serverSideApply);
        if (problem != null) {
            ctx.conditions().set(Reasons.POOLS_DELIVERED, false, Reasons.POOL_DELIVERY_FAILED, problem);
        } else if (!outcome.sizes().isEmpty()) {
            ctx.conditions().set(Reasons.POOLS_DELIVERED, true, Reasons.POOL_SIZES_WRITTEN, "pool sizes delivered: "
                    + ctx.next().poolSizes);
        }
        pools.delivered(ctx.service(), outcome, ctx.oldPools());
        return problem == null ? PartOutcome.NONE
                : PartOutcome.notReady(NotReady.of(NotReady.Rank.DELIVERY_FAILED, Reasons.POOL_DELIVERY_FAILED, problem));
    }

    /** Replicas that hold connections: the larger of desired and running (a rollout's surge pods count too). */
    static int liveReplicas(HasMetadata workload) {
        Integer desired;
        Integer running;
        if (workload instanceof Deployment d) {
            desired = d.getSpec().getReplicas();
            running = d.getStatus() == null ? null : d.getStatus().getReplicas();
        } else {
            StatefulSet s = (StatefulSet) workload;
            desired = s.getSpec().getReplicas();
            running = s.getStatus() == null ? null : s.getStatus().getReplicas();
        }
        return Math.max(desired == null ? 1 : desired, running == null ? 0 : running);
    }

    /**
     * The SLO gate of pool scale-down: null while open, else why it is closed — an SLO burns faster than 1x on its
     * short (5m) window, or its short-window burn is unknown.
     */
    static String sloGate(InstrumentedService service, InstrumentedServiceStatus next) {
        for (var slo : service.getSpec().slos) {
            var st = next.slos == null ? null : next.slos.stream().filter(x -> slo.name.equals(x.name)).findFirst().orElse(null);
            String burn = st == null || st.burnRates == null ? null : st.burnRates.get("5m");
            if (burn == null) {
                return "the 5m burn rate of SLO " + slo.name + " is unknown";
            }
            if (new BigDecimal(burn).compareTo(BigDecimal.ONE) > 0) {
                return "SLO " + slo.name + " burns " + burn + "x on its 5m window";
            }
        }
        return null;
    }
}
