package dev.vigil.sampling;

import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.InstrumentedServiceStatus.SamplingChange;
import dev.vigil.api.v1alpha1.InstrumentedServiceStatus.TraceSamplingStatus;
import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.api.v1alpha1.TracesSpec;
import dev.vigil.config.VigilConfig;
import dev.vigil.naming.Names;
import dev.vigil.prometheus.FleetPrometheusAccess;
import dev.vigil.prometheus.PrometheusClient;
import dev.vigil.prometheus.PrometheusException;
import dev.vigil.prometheus.Sample;
import dev.vigil.status.EventRecorder;
import dev.vigil.status.Reasons;
import dev.vigil.telemetry.OperatorGauges;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The trace sampling part of an InstrumentedService reconcile: decides the ratio the service's fleet serves its
 * SDK — the configured one in fixed mode; in adaptive mode, every evaluation interval, from the kept-span rate the
 * fleet measured ({@link #KEPT_SPANS}, read from the fleet's Prometheus) through {@link SamplingDecision} — and
 * publishes it in {@link SamplingStrategies}.
 *
 * <p>What it remembers in memory: when each service was last evaluated and the exact time of its last change. The
 * ratio, the base ratio and the last change (to the second) are in the status, so a restarted operator (or a new
 * leader) serves the same ratios at once and never judges a window that mixes two ratios.
 */
@ApplicationScoped
public class TraceSampler {
    /** The fleet's counter of the spans it received, by service and shard (TraceSamplingContribution). */
    public static final String KEPT_SPANS_METRIC = "vigil_spans_calls_total";
    /** The kept spans per second of a service, over a window, summed over the fleet's shards. */
    static final String KEPT_SPANS = "sum(rate(" + KEPT_SPANS_METRIC + "{service_name=\"%s\"}[%ds]))";
    /** The fewest counts one of the service's series (one per shard) has in a window: tells a gap. */
    static final String KEPT_SAMPLES = "min(count_over_time(" + KEPT_SPANS_METRIC + "{service_name=\"%s\"}[%ds]))";
    /**
     * How long a new ratio takes to reach the spans the fleet counts: the fleet's poll of the operator (2 s), the
     * SDK's poll (5 s recommended), the connector's flush (5 s) and the metrics pipeline's batch and write to
     * Prometheus (a few seconds). With 15 s the closed loop's first clean window still held a few seconds of the old
     * ratio (a 1.14x overshoot after a step up); 20 s leaves them out.
     */
    static final Duration PROPAGATION = Duration.ofSeconds(20);
    /**
     * What the loop leaves alone: ±5 % of the target (the promise is ±10 %; aiming inside it leaves room for the
     * noise of the next measurement).
     */
    static final double TOLERANCE = 0.05;
    /** Where a shard fleet serves the strategies to the SDKs (Jaeger remote sampling): gRPC, and HTTP. */
    public static final int SDK_GRPC_PORT = 14250;
    public static final int SDK_HTTP_PORT = 5778;
    static final double MAX_STEP = 10;

    /** What one reconcile decided about the service's sampling. */
    public record Outcome(Optional<TraceSamplingStatus> status, boolean conditionTrue, String reason, String message,
            Optional<Duration> recheckAfter, Optional<String> boostEvent) {
        public static Outcome none() {
            return new Outcome(Optional.empty(), true, "", "", Optional.empty(), Optional.empty());
        }
    }

    private static final class Memory {
        /** When the next evaluation is due: an interval after the last, or sooner (a changed ratio is measurable). */
        Instant next;
        Instant lastChange;
        String key;
        /** The clean windows that set earlier ratios since the load last changed, pooled (at most maxWindow old). */
        final java.util.ArrayDeque<Evidence> evidence = new java.util.ArrayDeque<>();
        /** The spans the base ratio was set from (unknown after a restart). */
        double basis = Double.POSITIVE_INFINITY;
        /** When a change of load was first seen and not yet decided on. */
        Instant loadChangeSeen;
    }

    private record Evidence(Instant at, double spans, double ratioSeconds) {
    }

    private final KubernetesClient client;
    private final PrometheusClient prometheus;
    private final SamplingStrategies strategies;
    private final EventRecorder events;
    private final OperatorGauges gauges;
    private final Map<ResourceID, Memory> memory = new ConcurrentHashMap<>();
    /** The shortest window a decision reads (vigil.sampling.rate-window), and the longest (max-window). */
    private final Duration window;
    private final Duration maxWindow;
    /** How often the fleet's series get a count (vigil.sampling.count-interval): tells a window with a gap. */
    private final Duration countInterval;
    Clock clock = Clock.systemUTC();

    @Inject
    public TraceSampler(KubernetesClient client, SamplingStrategies strategies, EventRecorder events,
            OperatorGauges gauges, VigilConfig config) {
        this(client, new PrometheusClient(), strategies, events, gauges, config.sampling().rateWindow(),
                config.sampling().maxWindow(), config.sampling().countInterval());
    }

    TraceSampler(KubernetesClient client, PrometheusClient prometheus, SamplingStrategies strategies,
            EventRecorder events, OperatorGauges gauges, Duration window, Duration maxWindow, Duration countInterval) {
        this.window = window;
        this.countInterval = countInterval;
        this.maxWindow = maxWindow.compareTo(window) < 0 ? window : maxWindow;
        this.client = client;
        this.prometheus = prometheus;
        this.strategies = strategies;
        this.events = events;
        this.gauges = gauges;
    }

    /** Announces a boost (Normal event SamplingBoosted). */
    public void boosted(InstrumentedService service, String message) {
        events.normal(service, Reasons.SAMPLING_BOOSTED, message);
    }

    /**
     * @param old     the service's sampling status before this reconcile, or null
     * @param fleet   the shard fleet that collects the service
     * @param burning an SLO of the service burns faster than its ticket threshold
     */
    public Outcome update(InstrumentedService service, TraceSamplingStatus old, Optional<TelemetryCollector> fleet,
            boolean burning) {
        ResourceID id = ResourceID.fromResource(service);
        TracesSpec.Sampling spec = service.getSpec().traces == null ? null : service.getSpec().traces.sampling;
        if (spec == null) {
            forget(id);
            return Outcome.none();
        }
        if (fleet.isEmpty() || fleet.get().getSpec().agent()) {
            forget(id);
            return new Outcome(Optional.ofNullable(old), false, Reasons.NO_MATCHING_COLLECTOR, "no shard fleet "
                    + "(TelemetryCollector) collects this service, so none serves its sampling strategy",
                    Optional.empty(), Optional.empty());
        }
        Instant now = Instant.now(clock);
        Memory m = memory.computeIfAbsent(id, k -> new Memory());
        String key = spec.mode + "/" + spec.ratio + "/" + spec.targetSpansPerSecond + "/" + spec.minRatio + "/"
                + spec.maxRatio + "/" + spec.sloBoostFactor + "/" + spec.evaluationInterval;
        double inEffect = ratioOf(old).orElse(initial(spec));
        double base = old != null && old.baseRatio != null ? Double.parseDouble(old.baseRatio) : inEffect;
        Optional<Instant> changedAt = m.lastChange != null ? Optional.of(m.lastChange) : changeOf(old);
        SamplingDecision.Result r;
        boolean measured = false;
        String measuredAt = old == null ? null : old.measuredAt;
        Duration recheck = null;
        Optional<String> problem = Optional.empty();
        if (spec.mode == TracesSpec.Sampling.Mode.fixed) {
            r = SamplingDecision.fixed(spec.ratio, inEffect);
        } else {
            Duration interval = Duration.ofSeconds(Long.parseLong(spec.evaluationInterval.replace("s", "")));
            // A burn that starts or ends is acted on at once, not at the next interval.
            boolean boosting = burning && spec.sloBoostFactor > 1;
            boolean due = m.next == null || !key.equals(m.key) || !now.isBefore(m.next)
                    || boosting != (old != null && SamplingDecision.Reason.Boosted.name().equals(old.reason));
            if (!due && old != null) {
                // Between evaluations: what was decided stays, in the same words (no status write).
                return outcome(service, fleet.get(), old, publish(service, fleet.get(), inEffect),
                        Duration.between(now, m.next), Optional.empty());
            }
            SamplingDecision.Rule rule = new SamplingDecision.Rule(spec.targetSpansPerSecond, spec.minRatio,
                    spec.maxRatio, TOLERANCE, MAX_STEP, spec.sloBoostFactor, PROPAGATION, window, maxWindow);
            Duration since = changedAt.map(t -> Duration.between(t, now)).orElse(Duration.ofDays(1));
            Optional<Duration> clean = SamplingDecision.cleanWindow(rule, since);
            SamplingDecision.Reading reading = SamplingDecision.Reading.none(window);
            if (clean.isPresent()) {
                // Settling reads nothing: no window measures the ratio in effect alone yet.
                FleetPrometheusAccess.Resolved prom = FleetPrometheusAccess.resolve(client, fleet,
                        "read the kept-span rate");
                if (prom.endpoint().isPresent()) {
                    try {
                        String name = service.getMetadata().getName();
                        reading = read(prom.endpoint().get(), name, clean.get(), now);
                        // A series younger than the window (a new service, a new shard) has fewer counts than the
                        // window holds: read the time it covers instead, if that is a short window at least (a gap
                        // in the middle of the window still shows there).
                        Duration covered = countInterval.multipliedBy(Math.max(0, reading.samples()));
                        if (reading.samples() >= 0 && reading.samples() < reading.samplesExpected()
                                && covered.compareTo(window) >= 0 && covered.compareTo(clean.get()) < 0) {
                            reading = read(prom.endpoint().get(), name, covered, now);
                        }
                        measuredAt = now.truncatedTo(ChronoUnit.SECONDS).toString();
                        measured = true;
                    } catch (PrometheusException e) {
                        problem = Optional.of(e.getMessage());
                    }
                } else {
                    problem = prom.unavailable().map(FleetPrometheusAccess.Unavailable::message);
                }
            }
            m.evidence.removeIf(e -> e.at().isBefore(now.minus(maxWindow)));
            SamplingDecision.History history = new SamplingDecision.History(
                    m.evidence.stream().mapToDouble(Evidence::spans).sum(),
                    m.evidence.stream().mapToDouble(Evidence::ratioSeconds).sum(), m.basis,
                    Optional.ofNullable(m.loadChangeSeen).map(t -> Duration.between(t, now)));
            r = SamplingDecision.adaptive(rule, inEffect, base, reading, history, since, burning);
            switch (r.loadChange()) {
                case SEEN -> m.loadChangeSeen = m.loadChangeSeen == null ? now : m.loadChangeSeen;
                case USED -> {
                    m.loadChangeSeen = null;
                    m.evidence.clear();
                }
                case NONE -> m.loadChangeSeen = null;
            }
            if (r.changed() && r.spans() > 0) {
                // The window that set this ratio counts with the next ones while the load stays.
                m.evidence.add(new Evidence(now, r.spans(), r.ratioSeconds()));
                if (r.base() != base) {
                    m.basis = r.spans();
                }
            }
            // The next evaluation: an interval from now, or as soon as a changed ratio has been counted for a whole
            // short window (a second correction need not wait for the interval after that).
            Instant changed = r.changed() ? now : changedAt.orElse(null);
            Instant next = now.plus(interval);
            if (changed != null && SamplingDecision.cleanWindow(rule, Duration.between(changed, now)).isEmpty()) {
                Instant measurable = changed.plus(rule.settle());
                next = measurable.isBefore(next) ? measurable : next;
            }
            if (m.loadChangeSeen != null) {
                // A change of load seen: decided on once the short window holds the new load alone.
                Instant alone = m.loadChangeSeen.plus(window);
                next = alone.isBefore(next) ? alone : next;
            }
            m.next = next;
            m.key = key;
            recheck = Duration.between(now, next);
        }
        if (r.changed()) {
            m.lastChange = now;
        }
        Optional<ResourceID> taken = publish(service, fleet.get(), r.ratio());
        TraceSamplingStatus s = new TraceSamplingStatus();
        s.mode = spec.mode.name();
        s.ratio = plain(r.ratio());
        s.baseRatio = spec.mode == TracesSpec.Sampling.Mode.adaptive ? plain(r.base()) : null;
        s.reason = r.reason().name();
        s.message = problem.map(p -> p + "; " + r.message()).orElse(r.message());
        if (spec.mode == TracesSpec.Sampling.Mode.adaptive && !measured && problem.isEmpty() && old != null) {
            // Settling: what was measured last stays (nothing was read).
            s.keptSpansPerSecond = old.keptSpansPerSecond;
            s.spansPerSecond = old.spansPerSecond;
        } else {
            s.keptSpansPerSecond = r.kept().isPresent() ? rate(r.kept().getAsDouble()) : null;
            s.spansPerSecond = r.spansIn().isPresent() ? rate(r.spansIn().getAsDouble()) : null;
        }
        // A measurement that says what the status says already is not written again (no write every evaluation).
        boolean same = old != null && java.util.Objects.equals(old.keptSpansPerSecond, s.keptSpansPerSecond)
                && java.util.Objects.equals(old.spansPerSecond, s.spansPerSecond);
        s.measuredAt = spec.mode != TracesSpec.Sampling.Mode.adaptive ? null : same ? old.measuredAt : measuredAt;
        s.endpoint = endpoint(fleet.get());
        s.lastChange = old == null ? null : old.lastChange;
        if (r.changed() && old != null && old.ratio != null) {
            SamplingChange c = new SamplingChange();
            c.from = old.ratio;
            c.to = s.ratio;
            c.at = now.truncatedTo(ChronoUnit.SECONDS).toString();
            c.reason = s.reason;
            s.lastChange = c;
        }
        Optional<String> boost = r.reason() == SamplingDecision.Reason.Boosted
                && (old == null || !SamplingDecision.Reason.Boosted.name().equals(old.reason))
                ? Optional.of("trace sampling boosted to " + s.ratio + ": " + r.message()) : Optional.empty();
        return outcome(service, fleet.get(), s, taken, recheck, boost);
    }

    /** The outcome of a status: the TraceSampling condition says what it says (or that the name is taken). */
    private static Outcome outcome(InstrumentedService service, TelemetryCollector fleet, TraceSamplingStatus s,
            Optional<ResourceID> taken, Duration recheck, Optional<String> boost) {
        if (taken.isPresent()) {
            return new Outcome(Optional.of(s), false, Reasons.SAMPLING_NAME_TAKEN, "InstrumentedService "
                    + taken.get().getNamespace().orElse("") + "/" + taken.get().getName() + " has the service name "
                    + service.getMetadata().getName() + " in fleet " + fleet.getMetadata().getName()
                    + " already; the SDK asks by service name, so only one of them can have a strategy there",
                    Optional.ofNullable(recheck), Optional.empty());
        }
        return new Outcome(Optional.of(s), true, s.reason, "the fleet serves ratio " + s.ratio + " (" + s.message + ")",
                Optional.ofNullable(recheck), boost);
    }

    /** The service is deleted or has no sampling any more. */
    public void forget(ResourceID service) {
        memory.remove(service);
        strategies.remove(service);
        gauges.samplingRatio(service.getNamespace().orElse(""), service.getName(), null);
    }

    private Optional<ResourceID> publish(InstrumentedService service, TelemetryCollector fleet, double ratio) {
        Optional<ResourceID> taken = strategies.put(ResourceID.fromResource(fleet), ResourceID.fromResource(service),
                service.getMetadata().getName(), ratio);
        gauges.samplingRatio(service.getMetadata().getNamespace(), service.getMetadata().getName(),
                taken.isPresent() ? null : ratio);
        return taken;
    }

    /** Where the SDK asks: the fleet's OTLP Service, Jaeger remote sampling gRPC port. */
    static String endpoint(TelemetryCollector fleet) {
        return "http://" + Names.collectorOtlpService(fleet.getMetadata().getName()) + "."
                + fleet.getMetadata().getNamespace() + ".svc:" + SDK_GRPC_PORT;
    }

    static double initial(TracesSpec.Sampling spec) {
        if (spec.ratio != null) {
            return spec.ratio;
        }
        return spec.maxRatio == null ? 1 : spec.maxRatio;
    }

    private static Optional<Double> ratioOf(TraceSamplingStatus old) {
        try {
            return old == null || old.ratio == null ? Optional.empty() : Optional.of(Double.parseDouble(old.ratio));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The last change from status, rounded up to the next second (status keeps whole seconds). */
    private static Optional<Instant> changeOf(TraceSamplingStatus old) {
        try {
            return old == null || old.lastChange == null || old.lastChange.at == null ? Optional.empty()
                    : Optional.of(Instant.parse(old.lastChange.at).plusSeconds(1));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The kept-span rate over {@code w}, over the short window when {@code w} is longer, and {@code w}'s counts. */
    private SamplingDecision.Reading read(dev.vigil.prometheus.PrometheusEndpoint endpoint, String name, Duration w,
            Instant now) throws PrometheusException {
        OptionalDouble kept = rate(prometheus.instantQuery(endpoint, String.format(KEPT_SPANS, name, w.toSeconds()),
                now));
        OptionalDouble recent = w.compareTo(window) > 0
                ? rate(prometheus.instantQuery(endpoint, String.format(KEPT_SPANS, name, window.toSeconds()), now))
                : OptionalDouble.empty();
        List<Sample> counts = prometheus.instantQuery(endpoint, String.format(KEPT_SAMPLES, name, w.toSeconds()), now);
        int samples = counts.size() == 1 && counts.get(0).isFinite()
                ? (int) Double.parseDouble(counts.get(0).value()) : -1;
        return new SamplingDecision.Reading(kept, w, recent, samples, countInterval);
    }

    /** The one sample's value; empty when there is none (no series: nothing was counted) or it is not a number. */
    private static OptionalDouble rate(List<Sample> samples) {
        if (samples.size() != 1 || !samples.get(0).isFinite()) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(Double.parseDouble(samples.get(0).value()));
    }

    /** A rate as the status shows it: two significant digits, so noise in the last digits writes nothing. */
    static String rate(double v) {
        return v == 0 ? "0" : SamplingDecision.rate(v);
    }

    static String plain(double v) {
        return new BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
    }
}
