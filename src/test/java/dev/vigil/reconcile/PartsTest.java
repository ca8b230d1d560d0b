package dev.vigil.reconcile;

import dev.vigil.status.Conditions;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.managed.ManagedWorkflowAndDependentResourceContext;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The phases every reconciler's parts go through, and how their outcomes combine into Ready and a recheck time. */
class PartsTest {
    static final class Ctx extends ReconcileContext<ConfigMap, Object> {
        final List<String> log;

        Ctx(List<String> log, Context<ConfigMap> josdk) {
            super(new ConfigMap(), null, new Object(), new Conditions(null, 1L, Clock.systemUTC()), josdk);
            this.log = log;
        }
    }

    /** A part that logs its phases and plans the given outcome. */
    record Logging(String name, PartOutcome planned) implements Part<Ctx> {
        @Override
        public PartOutcome plan(Ctx ctx) {
            ctx.log.add(name + ".plan" + (ctx.rejected() ? "(rejected before)" : ""));
            return planned;
        }

        @Override
        public void prepare(Ctx ctx) {
            ctx.log.add(name + ".prepare");
        }

        @Override
        public PartOutcome deliver(Ctx ctx) {
            ctx.log.add(name + ".deliver");
            return PartOutcome.NONE;
        }

        @Override
        public void hold(Ctx ctx) {
            ctx.log.add(name + ".hold");
        }
    }

    /** JOSDK's context, of which the runner only uses reconcileManagedWorkflow (logged). */
    @SuppressWarnings("unchecked")
    static Context<ConfigMap> josdk(List<String> log) {
        ManagedWorkflowAndDependentResourceContext workflow = (ManagedWorkflowAndDependentResourceContext) Proxy.newProxyInstance(
                PartsTest.class.getClassLoader(), new Class<?>[] {ManagedWorkflowAndDependentResourceContext.class},
                (p, m, a) -> {
                    log.add("dependents." + m.getName());
                    return null;
                });
        return (Context<ConfigMap>) Proxy.newProxyInstance(PartsTest.class.getClassLoader(), new Class<?>[] {Context.class},
                (p, m, a) -> m.getName().equals("managedWorkflowAndDependentResourceContext") ? workflow : null);
    }

    @Test
    void withNothingRejectedEveryPartPlansThenPreparesThenTheDependentsRunThenEveryPartDelivers() {
        List<String> log = new ArrayList<>();
        PartOutcome out = Parts.run(List.of(new Logging("a", PartOutcome.NONE),
                new Logging("b", PartOutcome.recheck(Optional.of(Duration.ofSeconds(5))))), new Ctx(log, josdk(log)));
        assertThat(log).containsExactly("a.plan", "b.plan", "a.prepare", "b.prepare",
                "dependents.reconcileManagedWorkflow", "a.deliver", "b.deliver");
        assertThat(out.worst()).isEmpty();
        assertThat(out.recheckAfter()).contains(Duration.ofSeconds(5));
    }

    @Test
    void aRejectionMakesEveryPartHoldAndNothingIsWritten() {
        List<String> log = new ArrayList<>();
        NotReady rejected = NotReady.of(NotReady.Rank.REJECTED, "InvalidThing", "no");
        PartOutcome out = Parts.run(List.of(new Logging("a", PartOutcome.NONE), new Logging("b", PartOutcome.notReady(rejected)),
                new Logging("c", PartOutcome.NONE)), new Ctx(log, josdk(log)));
        assertThat(log).containsExactly("a.plan", "b.plan", "c.plan(rejected before)", "a.hold", "b.hold", "c.hold");
        assertThat(out.worst()).contains(rejected);
    }

    @Test
    void theMostSevereReasonWinsThenTheEarliestPart() {
        NotReady waiting = NotReady.of(NotReady.Rank.WAITING, "CollectorNotReady", "w");
        NotReady missing = NotReady.of(NotReady.Rank.MISSING, "WorkloadMissing", "m");
        NotReady failed1 = NotReady.of(NotReady.Rank.DELIVERY_FAILED, "RulesNameTaken", "f1");
        NotReady failed2 = NotReady.of(NotReady.Rank.DELIVERY_FAILED, "PoolDeliveryFailed", "f2");
        assertThat(PartOutcome.notReady(waiting).and(PartOutcome.notReady(failed1)).and(PartOutcome.notReady(failed2))
                .worst()).contains(failed1);
        assertThat(PartOutcome.notReady(failed1).and(PartOutcome.notReady(missing)).worst()).contains(missing);
        assertThat(waiting.warn()).as("waiting for a rollout is no warning").isFalse();
        assertThat(missing.warn()).isTrue();
    }

    @Test
    void theEarliestRecheckWins() {
        PartOutcome a = PartOutcome.recheck(Optional.of(Duration.ofSeconds(15)));
        PartOutcome b = PartOutcome.recheck(Optional.of(Duration.ofSeconds(2)));
        assertThat(a.and(b).recheckAfter()).contains(Duration.ofSeconds(2));
        assertThat(b.and(a).recheckAfter()).contains(Duration.ofSeconds(2));
        assertThat(PartOutcome.NONE.and(a).recheckAfter()).contains(Duration.ofSeconds(15));
        assertThat(PartOutcome.NONE.and(PartOutcome.NONE).recheckAfter()).isEmpty();
    }
}
