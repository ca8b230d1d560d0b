package dev.vigil.collector.config;

import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.config.CollectorSettings;
import dev.vigil.nodegroups.NodeGroup;

import java.util.List;

/**
 * What one capability adds to a fleet's collector configuration: its components and their places in the pipelines.
 * The generated configuration is the contributions applied in order to one {@link CollectorConfigBuilder}; adding a
 * capability to the collectors means adding a contribution, not editing the generator.
 */
public interface ConfigContribution {
    /**
     * Every component type this contribution may add, for any fleet: the validator accepts exactly these (plus the
     * ones offered to users' fragments), and a test checks that the collector distribution contains them.
     */
    List<ComponentType> uses();

    /** Whether this contribution is part of {@code fleet}'s configuration at all (e.g. only in one spec.mode). */
    default boolean appliesTo(TelemetryCollector fleet) {
        return true;
    }

    /** Adds this capability's part of {@code fleet}'s configuration. Pure: reads only the fleet and the settings. */
    void contribute(TelemetryCollector fleet, CollectorSettings settings, CollectorConfigBuilder config);

    /**
     * Adds this capability's part of one node group's configuration (an agent fleet with spec.agent.nodeGroups has
     * one configuration per group), right after {@link #contribute}. Most capabilities have none. Pure.
     */
    default void contributeForGroup(TelemetryCollector fleet, NodeGroup group, CollectorConfigBuilder config) {
    }
}
