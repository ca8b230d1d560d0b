package dev.vigil.collector;

import dev.vigil.api.v1alpha1.ShardingSpec;
import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.api.v1alpha1.TelemetryCollectorStatus;
import dev.vigil.kube.Durations;
import dev.vigil.naming.Names;
import dev.vigil.reconcile.Part;
import dev.vigil.reconcile.PartOutcome;
import dev.vigil.sharding.FleetTargets;
import dev.vigil.sharding.Handoffs;
import dev.vigil.sharding.ScrapeEndpoint;
import dev.vigil.sharding.ShardPlan;
import dev.vigil.sharding.ShardPlans;
import dev.vigil.status.Conditions;
import dev.vigil.status.EventRecorder;
import dev.vigil.status.Reasons;
import dev.vigil.telemetry.OperatorGauges;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Which shard scrapes which pod: the plan the service-discovery endpoint serves, hand-offs included; the
 * StatefulSet's size (removed shards drain before their pods go); the running hand-offs kept in a ConfigMap, from
 * which the first plan after an operator restart resumes them; per-shard counts, imbalance, hand-offs and the
 * target-cap condition in status. Not run while the config is rejected (nothing changes then), nor for agent fleets.
 */
final class ShardsPart implements Part<FleetContext> {
    /** Until a collector scrapes by a new target list: the SD refresh (5 s) plus the scrape manager's reload (5 s). */
    static final Duration SD_PROPAGATION = Durations.parse(CollectorConfig.SD_REFRESH).plusSeconds(5);

    private final ShardPlans shardPlans;
    private final OperatorGauges gauges;
    private final EventRecorder events;
    private final Function<String, List<Pod>> pods;
    private final Clock clock;

    ShardsPart(ShardPlans shardPlans, OperatorGauges gauges, EventRecorder events, Function<String, List<Pod>> pods,
            Clock clock) {
        this.shardPlans = shardPlans;
        this.gauges = gauges;
        this.events = events;
        this.pods = pods;
        this.clock = clock;
    }

    @Override
    public PartOutcome plan(FleetContext ctx) {
        if (ctx.rejected()) {
            return PartOutcome.NONE;
        }
        TelemetryCollector fleet = ctx.fleet();
        ConfigPart.Planned planned = ctx.requireDecision(ConfigPart.Planned.class);
        shardPlans.retain(planned.fleets().stream().map(ResourceID::fromResource).collect(Collectors.toSet()));
        gauges.retainFleets(planned.fleets().stream()
                .map(f -> f.getMetadata().getNamespace() + "/" + f.getMetadata().getName()).collect(Collectors.toSet()));
        if (fleet.getSpec().agent()) {
            return PartOutcome.NONE;
        }
        Instant now = clock.instant();
        List<ScrapeEndpoint> endpoints = FleetTargets.of(planned.targets(), pods, fleet.getSpec().scrapeIntervalOrDefault());
        ShardPlan shardPlan = shardPlans.update(ResourceID.fromResource(fleet), endpoints, fleet.getSpec().shardsOrDefault(),
                strategy(fleet), now, overlap(fleet, endpoints), () -> persistedHandoffs(ctx));
        ctx.decided(ShardPlan.class, shardPlan);
        ctx.decided(FleetPlan.class, planned.outcome().plan().withReplicas(shardPlan.replicasNeeded()));
        // Come back when the next hand-off ends, to shrink the StatefulSet and stop serving the drained targets.
        return PartOutcome.recheck(shardPlan.nextExpiry()
                .map(t -> Duration.ofMillis(Math.max(1000, Duration.between(now, t).toMillis() + 100))));
    }

    /**
     * The hand-offs and assignment the fleet's ConfigMap holds (read once per fleet after a start: the plan is in
     * memory after).
     */
    private static Handoffs.Persisted persistedHandoffs(FleetContext ctx) {
        ConfigMap cm = ctx.client().configMaps().inNamespace(ctx.fleet().getMetadata().getNamespace())
                .withName(Names.collectorHandoffs(ctx.fleet().getMetadata().getName())).get();
        Map<String, String> data = cm == null || cm.getData() == null ? Map.of() : cm.getData();
        return new Handoffs.Persisted(Handoffs.read(data.get(CollectorHandoffsConfigMap.KEY)),
                Handoffs.readAssignment(data.get(CollectorHandoffsConfigMap.ASSIGNMENT)));
    }

    @Override
    public void prepare(FleetContext ctx) {
        if (!ctx.fleet().getSpec().agent()) {
            FleetPlan.KEY.put(ctx.josdk(), ctx.requireDecision(FleetPlan.class));
            CollectorHandoffsConfigMap.PLAN.put(ctx.josdk(), ctx.requireDecision(ShardPlan.class));
        }
    }

    @Override
    public PartOutcome deliver(FleetContext ctx) {
        if (ctx.fleet().getSpec().agent()) {
            return PartOutcome.NONE;
        }
        ShardPlan plan = ctx.requireDecision(ShardPlan.class);
        TelemetryCollector fleet = ctx.fleet();
        fillTargets(ctx.next(), plan);
        gauges.shardTargets(fleet.getMetadata().getNamespace(), fleet.getMetadata().getName(), plan.counts());
        capCondition(fleet, ctx.old(), ctx.conditions(), ctx.next().shardTargets);
        return PartOutcome.NONE;
    }

    /**
     * Overlap of a hand-off: the time a collector takes to act on a new target list ({@link #SD_PROPAGATION}: the
     * service-discovery refresh plus the Prometheus scrape manager's 5 s reload tick), plus handoffIntervals (default
     * 2) times the longest scrape interval of the fleet's targets.
     */
    static Duration overlap(TelemetryCollector fleet, List<ScrapeEndpoint> endpoints) {
        int intervals = fleet.getSpec().sharding == null || fleet.getSpec().sharding.handoffIntervals == null ? 2
                : fleet.getSpec().sharding.handoffIntervals;
        Duration longest = Durations.parse(fleet.getSpec().scrapeIntervalOrDefault());
        for (ScrapeEndpoint e : endpoints) {
            Duration d = Durations.parse(e.labels().get("__scrape_interval__"));
            if (d.compareTo(longest) > 0) {
                longest = d;
            }
        }
        return SD_PROPAGATION.plus(longest.multipliedBy(intervals));
    }

    static ShardPlan.Strategy strategy(TelemetryCollector fleet) {
        return fleet.getSpec().strategyOrDefault() == ShardingSpec.Strategy.hashmod
                ? ShardPlan.Strategy.HASHMOD : ShardPlan.Strategy.CONSISTENT;
    }

    private static void fillTargets(TelemetryCollectorStatus next, ShardPlan plan) {
        int[] counts = plan.counts();
        next.shardTargets = Arrays.stream(counts).boxed().toList();
        int total = Arrays.stream(counts).sum();
        int busiest = Arrays.stream(counts).max().orElse(0);
        next.imbalance = total == 0 ? null : BigDecimal.valueOf(busiest).multiply(BigDecimal.valueOf(counts.length))
                .divide(BigDecimal.valueOf(total), 2, RoundingMode.HALF_UP).toPlainString();
        next.handoffs = plan.draining().size();
    }

    /** With spec.sharding.maxTargetsPerShard: a Warning condition (and event) when a shard holds more. */
    private void capCondition(TelemetryCollector fleet, TelemetryCollectorStatus old, Conditions conditions, List<Integer> counts) {
        Integer cap = fleet.getSpec().sharding == null ? null : fleet.getSpec().sharding.maxTargetsPerShard;
        if (cap == null) {
            return;
        }
        int busiest = counts.stream().mapToInt(Integer::intValue).max().orElse(0);
        if (busiest > cap) {
            String message = "shard " + counts.indexOf(busiest) + " scrapes " + busiest + " targets, over the cap of "
                    + cap + " (spec.sharding.maxTargetsPerShard); add shards";
            conditions.set(Reasons.SHARDS_WITHIN_CAP, false, Reasons.SHARD_OVER_CAP, message);
            var was = old == null ? null : Conditions.find(old.conditions, Reasons.SHARDS_WITHIN_CAP);
            if (was == null || !Reasons.SHARD_OVER_CAP.equals(was.getReason())) {
                events.warning(fleet, Reasons.SHARD_OVER_CAP, message);
            }
        } else {
            conditions.set(Reasons.SHARDS_WITHIN_CAP, true, Reasons.WITHIN_CAP, "the busiest shard scrapes " + busiest
                    + " of at most " + cap + " targets");
        }
    }
}
