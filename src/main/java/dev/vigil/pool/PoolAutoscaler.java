package dev.vigil.pool;

import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.InstrumentedServiceStatus.PoolStatus;
import dev.vigil.api.v1alpha1.PoolSpec;
import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.kube.Durations;
import dev.vigil.naming.Names;
import dev.vigil.prometheus.FleetPrometheusAccess;
import dev.vigil.prometheus.PrometheusClient;
import dev.vigil.prometheus.PrometheusEndpoint;
import dev.vigil.prometheus.PrometheusException;
import dev.vigil.prometheus.Sample;
import dev.vigil.serialization.Yaml;
import dev.vigil.status.Conditions;
import dev.vigil.status.EventRecorder;
import dev.vigil.status.Reasons;
import dev.vigil.telemetry.OperatorGauges;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The pool part of an InstrumentedService reconcile: for every pool that is due (its evaluation interval passed, or
 * its rule changed), reads the two signals from the fleet's Prometheus, runs {@link PoolDecision}, splits shared
 * budgets through the {@link BudgetLedger}, and produces the pool status and the sizes to deliver. Between two
 * evaluations it still enforces bounds and budget, so that a replica count raised by an HPA shrinks pools at once.
 *
 * <p>What it remembers in memory: the recent recommendations (for the stabilisation windows) and when each pool was
 * last evaluated. What the windows need of the recommendations is also kept in the pool's status
 * ({@link PoolWindows}), and a restarted operator (or the replica that takes over) resumes from it: the windows run
 * on rather than starting over, and nothing shrinks sooner than without the restart.
 */
@ApplicationScoped
public class PoolAutoscaler {
    /** What one reconcile decided about the service's pools. */
    public record Outcome(List<PoolStatus> statuses, Map<String, Integer> sizes, List<Change> changes,
            Optional<Duration> recheckAfter) {
        public static Outcome none() {
            return new Outcome(List.of(), Map.of(), List.of(), Optional.empty());
        }
    }

    /** A size change to announce once it is delivered; warnings to announce when a cap starts to bind. */
    public record Change(String pool, int from, int to, String reason, String message) {
    }

    /**
     * What the autoscaler needs to know about the service's surroundings.
     *
     * @param namespaceServices the services of the namespace, listed only for a pool that shares a budget
     * @param exists            whether a service of the namespace (by name) still exists: one lookup per remembered
     *                          service, not a list of the namespace per reconcile (at 1,000 services in a namespace,
     *                          that list and its strings were 12 % of the operator's Java CPU while they started)
     */
    public record Inputs(Optional<TelemetryCollector> fleet, int replicas,
            Supplier<List<InstrumentedService>> namespaceServices, Predicate<String> exists, boolean sloGateOpen,
            String sloGateMessage) {
    }

    private static final class Memory {
        final Deque<PoolDecision.Recommendation> history = new ArrayDeque<>();
        Instant lastEvaluated;
        /** When this operator last changed the size, to the millisecond (status keeps whole seconds). */
        Instant lastChange;
        String key;
    }

    private final KubernetesClient client;
    private final PrometheusClient prometheus;
    private final BudgetLedger ledger;
    private final EventRecorder events;
    private final OperatorGauges gauges;
    private final Map<String, Memory> memory = new ConcurrentHashMap<>();
    Clock clock = Clock.systemUTC();

    @Inject
    public PoolAutoscaler(KubernetesClient client, BudgetLedger ledger, EventRecorder events, OperatorGauges gauges) {
        this(client, new PrometheusClient(), ledger, events, gauges);
    }

    PoolAutoscaler(KubernetesClient client, PrometheusClient prometheus, BudgetLedger ledger, EventRecorder events,
            OperatorGauges gauges) {
        this.client = client;
        this.prometheus = prometheus;
        this.ledger = ledger;
        this.events = events;
        this.gauges = gauges;
    }

    public Outcome update(InstrumentedService service, List<PoolStatus> old, Inputs in) {
        List<PoolSpec> pools = service.getSpec().pools;
        ResourceID id = ResourceID.fromResource(service);
        forgetOthers(id, pools);
        forgetDeleted(service.getMetadata().getNamespace(), in.exists());
        if (pools.isEmpty()) {
            gauges.retainPools(service.getMetadata().getNamespace(), service.getMetadata().getName(), java.util.Set.of());
            return Outcome.none();
        }
        Instant now = Instant.now(clock);
        List<PoolStatus> statuses = new ArrayList<>();
        Map<String, Integer> sizes = new LinkedHashMap<>();
        List<Change> changes = new ArrayList<>();
        Duration recheck = null;
        Optional<Signalled> signalled = Optional.empty();
        for (PoolSpec pool : pools) {
            PoolStatus before = find(old, pool.name);
            Memory m = memory.computeIfAbsent(memoryKey(id, pool.name), k -> new Memory());
            int current = before != null && before.size != null ? before.size : PoolRules.initial(pool);
            if (m.history.isEmpty() && before != null) {
                // First look since the operator started: the app holds what it was last given, which is newer than
                // status when the operator stopped between the delivery and the status write.
                current = delivered(service, pool).orElse(current);
            }
            String key = Names.sha256Hex(Yaml.write(pool));
            Duration interval = PoolRules.interval(pool);
            Duration scrape = scrapeInterval(service, in.fleet());
            // The exact moment of the last change; from status (whole seconds, rounded up) after a restart. A window
            // that began before the change would count the old size's waits against the new one.
            Optional<Instant> changedAt = m.lastChange != null ? Optional.of(m.lastChange)
                    : lastChange(before).map(t -> t.plusSeconds(1));
            // A new size is only judged once two scrapes have seen it: until then the waits are the old size's.
            Instant settled = changedAt.map(t -> t.plus(PoolSignalQueries.settleTime(scrape))).orElse(Instant.MIN);
            Instant nextDue = m.lastEvaluated == null || !key.equals(m.key) ? now : m.lastEvaluated.plus(interval);
            if (settled.isAfter(nextDue)) {
                nextDue = settled;
            }
            boolean due = !now.isBefore(nextDue);
            PoolDecision.Rule rule = PoolRules.rule(pool);
            synchronized (m) {
                if (m.history.isEmpty()) {
                    m.history.addAll(resumed(before, current, now));
                }
                PoolStatus next;
                if (due) {
                    if (signalled.isEmpty()) {
                        signalled = Optional.of(new Signalled(in.fleet()));
                    }
                    PoolStatusBuilder.Read read = signalled.get().read(service, pool, scrape, changedAt.map(t -> Duration.between(t, now)), now);
                    next = evaluate(service, pool, rule, current, read, m, in, before, now, true);
                    m.lastEvaluated = now;
                    m.key = key;
                    recheck = min(recheck, next.size != current ? max(interval, PoolSignalQueries.settleTime(scrape)) : interval);
                } else {
                    next = evaluate(service, pool, rule, current, null, m, in, before, now, false);
                    recheck = min(recheck, Duration.between(now, nextDue));
                }
                statuses.add(next);
                sizes.put(pool.name, next.size);
                if (next.size != current) {
                    changes.add(new Change(pool.name, current, next.size, next.reason, next.message));
                    m.lastChange = now;
                }
            }
        }
        if (recheck.compareTo(Duration.ofSeconds(1)) < 0) {
            recheck = Duration.ofSeconds(1);
        }
        return new Outcome(statuses, sizes, changes, Optional.of(recheck));
    }

    /** The pools as they were, when they cannot be evaluated (the workload is missing or the spec is rejected). */
    public static Outcome held(InstrumentedService service, List<PoolStatus> old) {
        List<PoolStatus> statuses = new ArrayList<>();
        Map<String, Integer> sizes = new LinkedHashMap<>();
        for (PoolSpec pool : service.getSpec().pools) {
            PoolStatus before = find(old, pool.name);
            int size = before != null && before.size != null ? before.size : PoolRules.initial(pool);
            sizes.put(pool.name, size);
            if (before != null) {
                statuses.add(before);
            }
        }
        return new Outcome(statuses, sizes, List.of(), Optional.empty());
    }

    /**
     * The size a pool's app was last given: its key in the pools ConfigMap, or its env var on the workload; empty
     * when there is none or it does not parse. Read once per pool after a start (then the operator remembers).
     */
    Optional<Integer> delivered(InstrumentedService service, PoolSpec pool) {
        String ns = service.getMetadata().getNamespace();
        String value;
        if (PoolRules.delivery(pool) == PoolSpec.Delivery.Type.ConfigMap) {
            var cm = client.configMaps().inNamespace(ns).withName(Names.poolSizes(service.getMetadata().getName())).get();
            value = cm == null || cm.getData() == null ? null : cm.getData().get(pool.name);
        } else {
            value = PoolEnvDelivery.current(client, service, pool);
        }
        try {
            return value == null ? Optional.empty() : Optional.of(Integer.parseInt(value.strip()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Called once the sizes reached the app's ConfigMap or workload: commits them to shared budgets, announces changes. */
    public void delivered(InstrumentedService service, Outcome outcome, List<PoolStatus> old) {
        for (PoolSpec pool : service.getSpec().pools) {
            PoolStatus now = find(outcome.statuses(), pool.name);
            if (now != null && pool.budget != null && pool.budget.name != null && now.replicas != null) {
                ledger.delivered(service.getMetadata().getNamespace(), pool.budget.name,
                        BudgetLedger.member(service.getMetadata().getName(), pool.name), now.size * now.replicas);
            }
        }
        String ns = service.getMetadata().getNamespace();
        for (PoolStatus p : outcome.statuses()) {
            gauges.pool(ns, service.getMetadata().getName(), p.name, p.size, p.desiredSize);
        }
        gauges.retainPools(ns, service.getMetadata().getName(),
                outcome.statuses().stream().map(p -> p.name).collect(Collectors.toSet()));
        for (Change c : outcome.changes()) {
            events.normal(service, Reasons.POOL_RESIZED, "pool " + c.pool() + ": " + c.from() + " -> " + c.to() + " ("
                    + c.reason() + ": " + c.message() + ")");
        }
        for (PoolStatus now : outcome.statuses()) {
            PoolStatus before = find(old, now.name);
            for (String type : List.of(Reasons.SCALING_LIMITED, Reasons.BUDGET_LIMITED)) {
                var c = Conditions.find(now.conditions, type);
                var was = before == null ? null : Conditions.find(before.conditions, type);
                boolean capsGrowth = c != null && "True".equals(c.getStatus())
                        && (Reasons.CAPPED_BY_MAX.equals(c.getReason()) || Reasons.CAPPED_BY_BUDGET.equals(c.getReason()));
                boolean wasCapping = was != null && "True".equals(was.getStatus()) && c.getReason().equals(was.getReason());
                if (capsGrowth && !wasCapping) {
                    events.warning(service, c.getReason(), "pool " + now.name + ": " + c.getMessage());
                }
            }
        }
    }

    /** Drops what is remembered about a service that is gone. */
    public void forget(ResourceID service) {
        forgetOthers(service, List.of());
    }

    private void forgetOthers(ResourceID service, List<PoolSpec> keep) {
        String prefix = service.getNamespace().orElse("") + "/" + service.getName() + "/";
        var names = keep.stream().map(p -> prefix + p.name).collect(Collectors.toSet());
        memory.keySet().removeIf(k -> k.startsWith(prefix) && !names.contains(k));
    }

    /** Drops the memory of services of the namespace that no longer exist (the reconciler keeps no finalizer). */
    private void forgetDeleted(String namespace, Predicate<String> exists) {
        String prefix = namespace + "/";
        Set<String> gone = new HashSet<>();
        memory.keySet().removeIf(k -> {
            if (!k.startsWith(prefix)) {
                return false;
            }
            String name = k.substring(prefix.length(), k.indexOf('/', prefix.length()));
            if (exists.test(name)) {
                return false;
            }
            gone.add(name);
            return true;
        });
        if (!gone.isEmpty()) {
            gauges.removePoolServices(namespace, gone);
        }
    }

    private static String memoryKey(ResourceID id, String pool) {
        return id.getNamespace().orElse("") + "/" + id.getName() + "/" + pool;
    }

    private PoolStatus evaluate(InstrumentedService service, PoolSpec pool, PoolDecision.Rule rule, int current, PoolStatusBuilder.Read read,
            Memory m, Inputs in, PoolStatus before, Instant now, boolean due) {
        PoolDecision.Signals signals = read == null ? PoolDecision.Signals.none() : read.signals();
        List<PoolDecision.Recommendation> history = List.copyOf(m.history);
        int replicas = Math.max(1, in.replicas());
        PoolDecision.Result unbounded = PoolDecision.decide(rule, signals, current, replicas, Optional.empty(), history,
                in.sloGateOpen(), now);
        BudgetLedger.Allocation allocation = null;
        PoolDecision.Result r = unbounded;
        if (pool.budget != null) {
            allocation = ledger.allocate(service, pool, current * replicas, unbounded.size() * replicas,
                    in.namespaceServices().get(), this::delivered);
            try {
                r = PoolDecision.decide(rule, signals, current, replicas, Optional.of(allocation.share()), history,
                        in.sloGateOpen(), now);
            } finally {
                ledger.decided(allocation, Math.max(current, r.size()) * replicas);
            }
        }
        if (!in.sloGateOpen() && r.reason() == PoolDecision.Reason.SLO_GATE && in.sloGateMessage() != null) {
            r = new PoolDecision.Result(r.size(), r.reason(), r.message() + " (" + in.sloGateMessage() + ")",
                    r.recommendation(), r.cappedByMax(), r.cappedByBudget());
        }
        if (due) {
            m.history.add(new PoolDecision.Recommendation(now, r.recommendation()));
            Instant keepSince = now.minus(PoolRules.historyNeeded(rule)).minusSeconds(1);
            while (m.history.size() > 1 && m.history.peekFirst().at().isBefore(keepSince)) {
                m.history.removeFirst();
            }
        }
        PoolStatus next = PoolStatusBuilder.build(new PoolStatusBuilder.Evaluation(pool, rule, current, replicas, r, due, read,
                allocation, before, service.getMetadata().getGeneration(), now));
        // The windows' memory goes to status with an evaluation that read the signals (status changes then anyway);
        // without signals the recommendation only holds the size, and resuming adds that hold itself.
        next.windows = due && read != null && read.available() ? PoolWindows.persist(List.copyOf(m.history), rule, now)
                : before == null ? null : before.windows;
        return next;
    }

    /**
     * The history after a start (or a fail-over): what the last evaluations left in status, and the current size
     * recommended now when status has nothing or the last evaluation read no signals (so nothing shrinks before a
     * whole window has passed).
     */
    static List<PoolDecision.Recommendation> resumed(PoolStatus before, int current, Instant now) {
        List<PoolDecision.Recommendation> h = PoolWindows.restore(before == null ? null : before.windows);
        boolean lastRead = before != null && Conditions.isTrue(before.conditions, Reasons.METRICS_AVAILABLE);
        if (h.isEmpty() || !lastRead) {
            h.add(new PoolDecision.Recommendation(now, current));
        }
        return h;
    }

    /** Resolves the fleet's Prometheus once per reconcile and reads pools' signals from it. */
    private final class Signalled {
        private PrometheusEndpoint endpoint;
        private PoolStatusBuilder.Read unavailable;

        Signalled(Optional<TelemetryCollector> fleet) {
            FleetPrometheusAccess.Resolved prom = FleetPrometheusAccess.resolve(client, fleet, "read the pool signals");
            endpoint = prom.endpoint().orElse(null);
            unavailable = prom.unavailable().map(u -> missing(u.reason(), u.message())).orElse(null);
        }

        PoolStatusBuilder.Read read(InstrumentedService service, PoolSpec pool, Duration scrape, Optional<Duration> sinceChange, Instant now) {
            if (unavailable != null) {
                return unavailable;
            }
            PoolSignalQueries.Queries q = PoolSignalQueries.of(service, pool, scrape, sinceChange);
            Optional<BigDecimal> waits;
            Optional<BigDecimal> util;
            try {
                waits = value(prometheus.instantQuery(endpoint, q.waitsPerSecondPerReplica(), now));
                util = value(prometheus.instantQuery(endpoint, q.utilisation(), now));
            } catch (PrometheusException e) {
                if (e.kind() == PrometheusException.Kind.QUERY_REJECTED) {
                    return missing(Reasons.SIGNAL_QUERY_REJECTED, "Prometheus rejected a signal query of pool "
                            + pool.name + ": " + e.getMessage() + "; holding the size");
                }
                // One failed pool means the others would fail the same way within this reconcile.
                unavailable = missing(Reasons.PROMETHEUS_UNAVAILABLE, e.getMessage() + "; holding the size");
                return unavailable;
            }
            PoolDecision.Signals signals = new PoolDecision.Signals(waits, util);
            if (waits.isEmpty() || util.isEmpty()) {
                String which = waits.isEmpty() && util.isEmpty() ? "neither the wait nor the utilisation query"
                        : waits.isEmpty() ? "the wait query" : "the utilisation query";
                return new PoolStatusBuilder.Read(signals, false, Reasons.NO_SIGNAL_DATA, which + " returned a number (no series, or "
                        + "NaN); the pool does not shrink without both signals");
            }
            return new PoolStatusBuilder.Read(signals, true, Reasons.SIGNALS_READ, "waits " + plain(waits.get())
                    + "/s per replica, utilisation " + plain(util.get()));
        }

        private PoolStatusBuilder.Read missing(String reason, String message) {
            return new PoolStatusBuilder.Read(PoolDecision.Signals.none(), false, reason, message);
        }
    }

    /** The largest finite value of a query's series (a signal is one number; several series count by the worst). */
    static Optional<BigDecimal> value(List<Sample> samples) {
        return samples.stream().filter(Sample::isFinite).map(s -> new BigDecimal(s.value())).max(BigDecimal::compareTo);
    }

    private static PoolStatus find(List<PoolStatus> statuses, String name) {
        if (statuses == null) {
            return null;
        }
        return statuses.stream().filter(p -> name.equals(p.name)).findFirst().orElse(null);
    }

    /** The service's scrape interval: its own, else its fleet's default. */
    static Duration scrapeInterval(InstrumentedService service, Optional<TelemetryCollector> fleet) {
        String v = service.getSpec().metrics != null && service.getSpec().metrics.interval != null
                ? service.getSpec().metrics.interval
                : fleet.map(f -> f.getSpec().scrapeIntervalOrDefault()).orElse("30s");
        try {
            return Durations.parse(v);
        } catch (RuntimeException e) {
            return Duration.ofSeconds(30);
        }
    }

    private static Optional<Instant> lastChange(PoolStatus before) {
        if (before == null || before.lastChange == null || before.lastChange.at == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(before.lastChange.at));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static Duration min(Duration a, Duration b) {
        return a == null || b.compareTo(a) < 0 ? b : a;
    }

    static String camel(PoolDecision.Reason reason) {
        StringBuilder out = new StringBuilder();
        for (String part : reason.name().split("_")) {
            out.append(part.charAt(0)).append(part.substring(1).toLowerCase(java.util.Locale.ROOT));
        }
        return out.toString().replace("Slo", "SLO");
    }

    static String plain(BigDecimal v) {
        return v.setScale(4, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }
}
