package dev.vigil.slo;

import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.InstrumentedServiceStatus;
import dev.vigil.api.v1alpha1.InstrumentedServiceStatus.SloStatus;
import dev.vigil.api.v1alpha1.SloSpec;
import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.config.SloSettings;
import dev.vigil.prometheus.FleetPrometheusAccess;
import dev.vigil.serialization.Yaml;
import dev.vigil.status.Conditions;
import dev.vigil.status.EventRecorder;
import dev.vigil.status.Reasons;
import io.fabric8.kubernetes.api.model.Condition;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The SLO part of an InstrumentedService reconcile: checks the generated rules (promtool, and Prometheus itself
 * through the measurement), measures budgets when due, and fills {@code status.slos}, the per-SLO conditions,
 * {@code MetricsAvailable} and the worst budget left. When Prometheus cannot answer, the last good values stay with
 * the time they were measured.
 */
@ApplicationScoped
public class SloStatusBuilder {
    /** Budget-left thresholds whose downward crossing is announced by a Warning event. */
    static final List<BigDecimal> THRESHOLDS = List.of(new BigDecimal("0.5"), new BigDecimal("0.25"), new BigDecimal("0.1"), BigDecimal.ZERO);

    /**
     * @param problems  reasons the SLOs cannot be turned into rules (empty when they can)
     * @param rulesFile the rules file as written and checked (empty when there are problems or no SLOs)
     */
    public record Outcome(List<String> problems, Optional<Duration> recheckAfter, Optional<String> rulesFile) {
    }

    private final PromtoolRuleCheck promtool;
    private final SloMonitor monitor;
    private final EventRecorder events;
    Clock clock = Clock.systemUTC();

    public SloStatusBuilder(PromtoolRuleCheck promtool, SloMonitor monitor, EventRecorder events) {
        this.promtool = promtool;
        this.monitor = monitor;
        this.events = events;
    }

    public Outcome update(InstrumentedService service, Optional<TelemetryCollector> fleet, InstrumentedServiceStatus old,
            InstrumentedServiceStatus next, Conditions conditions, SloSettings settings, PlatformTemplates templates) {
        List<SloSpec> slos = service.getSpec().slos;
        if (slos.isEmpty()) {
            monitor.forget(ResourceID.fromResource(service));
            return new Outcome(List.of(), Optional.empty(), Optional.empty());
        }
        List<Condition> oldConditions = old == null ? null : old.conditions;
        List<String> problems = new ArrayList<>(SloRules.problems(service, templates));
        // Written once a reconcile: checked here, then the rules ConfigMap's content (RulesDelivery).
        Optional<String> rulesFile = Optional.empty();
        if (problems.isEmpty()) {
            rulesFile = Optional.of(Yaml.write(SloRules.rulesFile(service, templates)));
            problems.addAll(promtool.check(rulesFile.get()));
        }
        Optional<String> checked = problems.isEmpty() ? rulesFile : Optional.empty();
        next.slos = kept(service, old);
        if (problems.isEmpty()) {
            next.slos = described(service, next.slos, templates);
        }

        Optional<FleetPrometheusAccess.Unavailable> noPrometheus = FleetPrometheusAccess.unconfigured(fleet, SloMonitor.PURPOSE);
        noPrometheus.ifPresent(u -> conditions.set(Reasons.METRICS_AVAILABLE, false, u.reason(), u.message()));
        String unmeasured = noPrometheus.map(FleetPrometheusAccess.Unavailable::message).orElse(null);
        if (unmeasured != null || !problems.isEmpty()) {
            for (SloSpec slo : slos) {
                keepOrUnknown(conditions, oldConditions, slo, unmeasured == null ? "the SLO is not measured while its rules are invalid" : unmeasured);
            }
            if (unmeasured == null) {
                conditions.keep(oldConditions, Reasons.METRICS_AVAILABLE);
            }
            next.worstBudgetRemaining = worst(next.slos);
            return new Outcome(problems, Optional.empty(), checked);
        }

        TelemetryCollector f = fleet.get();
        Instant now = clock.instant();
        if (monitor.due(service, f, templates, now, settings.measureInterval(), lastMeasured(old))) {
            SloMonitor.Measurement m = monitor.measure(service, f, templates, now);
            if (m.unavailable().isPresent()) {
                conditions.set(Reasons.METRICS_AVAILABLE, false, m.unavailable().get().reason(),
                        m.unavailable().get().message() + "; the SLO status shows the last good values");
                for (SloSpec slo : slos) {
                    keepOrUnknown(conditions, oldConditions, slo, "Prometheus did not answer");
                }
            } else {
                conditions.set(Reasons.METRICS_AVAILABLE, true, Reasons.QUERIES_ANSWERED,
                        "Prometheus answered the SLO queries of " + f.getMetadata().getNamespace() + "/" + f.getMetadata().getName());
                List<SloStatus> measured = new ArrayList<>();
                for (SloSpec slo : slos) {
                    SloEvaluation.Result r = m.results().get(slo.name);
                    if (r == null) {
                        String why = m.rejected().getOrDefault(slo.name, "not measured");
                        conditions.set(type(slo), "Unknown", Reasons.INVALID_SLO, why);
                        find(next.slos, slo.name).ifPresent(measured::add);
                        continue;
                    }
                    measured.add(r.status());
                    setHealth(conditions, slo, r);
                    announce(service, slo, find(old == null ? null : old.slos, slo.name), r);
                }
                next.slos = measured;
                problems.addAll(m.rejected().values());
            }
        } else {
            conditions.keep(oldConditions, Reasons.METRICS_AVAILABLE);
            for (SloSpec slo : slos) {
                keepOrUnknown(conditions, oldConditions, slo, "not measured yet");
            }
            problems.addAll(monitor.rejected(service, f, templates).values());
        }
        next.worstBudgetRemaining = worst(next.slos);
        return new Outcome(problems, Optional.of(monitor.untilDue(service, now, settings.measureInterval())), checked);
    }

    /** When the status's SLO values were measured (the latest measuredAt), by this process or an earlier one. */
    static Optional<Instant> lastMeasured(InstrumentedServiceStatus old) {
        if (old == null || old.slos == null) {
            return Optional.empty();
        }
        return old.slos.stream().map(s -> s.measuredAt).filter(java.util.Objects::nonNull).map(at -> {
            try {
                return Instant.parse(at);
            } catch (java.time.format.DateTimeParseException e) {
                return null;
            }
        }).filter(java.util.Objects::nonNull).max(Instant::compareTo);
    }

    public static String type(SloSpec slo) {
        return Reasons.SLO_CONDITION_PREFIX + slo.name;
    }

    private static void setHealth(Conditions conditions, SloSpec slo, SloEvaluation.Result r) {
        switch (r.health()) {
            case HEALTHY -> conditions.set(type(slo), true, Reasons.WITHIN_BUDGET, r.message());
            case TICKET -> conditions.set(type(slo), false, Reasons.TICKET_BURN_RATE, r.message());
            case PAGE -> conditions.set(type(slo), false, Reasons.PAGE_BURN_RATE, r.message());
            case EXHAUSTED -> conditions.set(type(slo), false, Reasons.ERROR_BUDGET_EXHAUSTED, r.message());
            case NO_DATA -> conditions.set(type(slo), "Unknown", Reasons.NO_DATA, r.message());
            case NO_TRAFFIC -> conditions.set(type(slo), true, Reasons.NO_TRAFFIC, r.message());
        }
    }

    private static void keepOrUnknown(Conditions conditions, List<Condition> old, SloSpec slo, String why) {
        if (Conditions.find(old, type(slo)) != null) {
            conditions.keep(old, type(slo));
        } else {
            conditions.set(type(slo), "Unknown", Reasons.METRICS_UNAVAILABLE, why);
        }
    }

    /** A Warning event's reason and message. */
    public record Announcement(String reason, String message) {
    }

    private void announce(InstrumentedService service, SloSpec slo, Optional<SloStatus> before, SloEvaluation.Result r) {
        if (r.budgetRemaining().isEmpty()) {
            return;
        }
        BigDecimal was = before.map(b -> b.budgetRemaining).map(BigDecimal::new).orElse(BigDecimal.ONE);
        announcement(slo, was, r.budgetRemaining().get()).ifPresent(a -> events.warning(service, a.reason(), a.message()));
    }

    /**
     * The event for a budget that falls to or below 50%, 25%, 10% or 0 between two measurements (the lowest
     * threshold crossed; nothing when none is crossed downwards). A new SLO counts as having had its whole budget.
     */
    public static Optional<Announcement> announcement(SloSpec slo, BigDecimal was, BigDecimal now) {
        BigDecimal crossed = null;
        for (BigDecimal t : THRESHOLDS) {
            if (now.compareTo(t) <= 0 && was.compareTo(t) > 0) {
                crossed = t;
            }
        }
        if (crossed == null) {
            return Optional.empty();
        }
        String window = SloRules.window(slo);
        if (crossed.signum() == 0) {
            return Optional.of(new Announcement(Reasons.ERROR_BUDGET_EXHAUSTED, "the " + window + " error budget of SLO "
                    + slo.name + " is spent (" + SloEvaluation.percent(now) + " left)"));
        }
        return Optional.of(new Announcement(Reasons.ERROR_BUDGET_LOW, SloEvaluation.percent(now) + " of the " + window
                + " error budget of SLO " + slo.name + " is left (at or below " + SloEvaluation.percent(crossed) + ")"));
    }

    /** The old status entries of SLOs that still exist with the same objective and window. */
    private static List<SloStatus> kept(InstrumentedService service, InstrumentedServiceStatus old) {
        List<SloStatus> out = new ArrayList<>();
        for (SloSpec slo : service.getSpec().slos) {
            find(old == null ? null : old.slos, slo.name)
                    .filter(s -> slo.objective.equals(s.objective) && SloRules.window(slo).equals(s.window))
                    .ifPresent(out::add);
        }
        return out.isEmpty() ? null : out;
    }

    /**
     * Every SLO has an entry that shows what it measures (its SLI's PromQL, generated for a template) from the first
     * reconcile on, before its first measurement; measured values stay until the next measurement.
     */
    private static List<SloStatus> described(InstrumentedService service, List<SloStatus> kept, PlatformTemplates templates) {
        List<SloStatus> out = new ArrayList<>();
        for (SloSpec slo : service.getSpec().slos) {
            SloStatus s = find(kept, slo.name).orElseGet(() -> {
                SloStatus fresh = new SloStatus();
                fresh.name = slo.name;
                fresh.objective = slo.objective;
                fresh.window = SloRules.window(slo);
                fresh.errorBudget = BurnRateTable.plain(BurnRateTable.errorBudget(slo.objective));
                return fresh;
            });
            s.sli = SloEvaluation.sliStatus(Sli.of(service, slo, templates));
            out.add(s);
        }
        return out;
    }

    private static Optional<SloStatus> find(List<SloStatus> list, String name) {
        return list == null ? Optional.empty() : list.stream().filter(s -> name.equals(s.name)).findFirst();
    }

    static String worst(List<SloStatus> slos) {
        if (slos == null) {
            return null;
        }
        return slos.stream().filter(s -> s.budgetRemaining != null)
                .min(Comparator.comparing((SloStatus s) -> new BigDecimal(s.budgetRemaining)).thenComparing(s -> s.name))
                .map(s -> SloEvaluation.percent(new BigDecimal(s.budgetRemaining)) + " (" + s.name + ")")
                .orElse(null);
    }
}
