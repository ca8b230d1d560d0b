package dev.vigil.service;

import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.api.v1alpha1.TelemetryCollectorStatus;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Which fleet updates reach the services: what they read of a fleet, not its shards' bookkeeping. */
class FleetPartTest {
    private static TelemetryCollector fleet(long generation, String ready, List<Integer> shardTargets) {
        TelemetryCollector f = new TelemetryCollector();
        f.setMetadata(new ObjectMetaBuilder().withName("platform").withNamespace("obs").withGeneration(generation)
                .withLabels(Map.of("team", "platform")).build());
        TelemetryCollectorStatus s = new TelemetryCollectorStatus();
        s.observedGeneration = generation;
        s.conditions = List.of(new ConditionBuilder().withType("Ready").withStatus(ready).withReason("X").build());
        s.shardTargets = shardTargets;
        s.shards = "3/3";
        f.setStatus(s);
        return f;
    }

    @Test
    void aStatusPatchOfTheShardsCountsReachesNoService() {
        assertThat(FleetPart.servicesRead(fleet(4, "True", List.of(3, 4, 5)), fleet(4, "True", List.of(4, 4, 5)))).isFalse();
        TelemetryCollector handoffs = fleet(4, "True", List.of(3, 4, 5));
        handoffs.getStatus().handoffs = 2;
        assertThat(FleetPart.servicesRead(fleet(4, "True", List.of(3, 4, 5)), handoffs)).isFalse();
    }

    @Test
    void readinessSpecLabelsAndDeletionDo() {
        TelemetryCollector before = fleet(4, "True", List.of(3, 4, 5));
        assertThat(FleetPart.servicesRead(before, fleet(4, "False", List.of(3, 4, 5)))).as("no longer Ready").isTrue();
        assertThat(FleetPart.servicesRead(fleet(4, "False", List.of()), before)).as("Ready").isTrue();
        assertThat(FleetPart.servicesRead(before, fleet(5, "True", List.of(3, 4, 5)))).as("spec").isTrue();
        TelemetryCollector relabelled = fleet(4, "True", List.of(3, 4, 5));
        relabelled.getMetadata().setLabels(Map.of("team", "other"));
        assertThat(FleetPart.servicesRead(before, relabelled)).as("labels").isTrue();
        TelemetryCollector deleting = fleet(4, "True", List.of(3, 4, 5));
        deleting.getMetadata().setDeletionTimestamp("2026-12-07T08:00:00Z");
        assertThat(FleetPart.servicesRead(before, deleting)).as("deletion").isTrue();
    }
}
