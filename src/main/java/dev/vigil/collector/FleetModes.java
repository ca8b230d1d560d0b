package dev.vigil.collector;

import dev.vigil.api.v1alpha1.TelemetryCollector;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

/**
 * Which owned objects a fleet has by spec.mode (reconcile preconditions of the workflow's dependents): a shard fleet
 * has the StatefulSet, its headless and OTLP Services and the PodDisruptionBudget; an agent fleet the DaemonSet.
 * spec.mode is immutable, so a fleet never switches between the two sets.
 */
final class FleetModes {
    private FleetModes() {
    }

    public static class Shards implements Condition<Object, TelemetryCollector> {
        @Override
        public boolean isMet(DependentResource<Object, TelemetryCollector> dependent, TelemetryCollector fleet,
                Context<TelemetryCollector> context) {
            return !fleet.getSpec().agent();
        }
    }

    public static class Agent implements Condition<Object, TelemetryCollector> {
        @Override
        public boolean isMet(DependentResource<Object, TelemetryCollector> dependent, TelemetryCollector fleet,
                Context<TelemetryCollector> context) {
            return fleet.getSpec().agent();
        }
    }
}
