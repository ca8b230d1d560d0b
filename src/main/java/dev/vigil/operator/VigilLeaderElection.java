package dev.vigil.operator;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Leader election (active in the prod profile, see application.properties): only the replica holding the Lease
 * reconciles, so the chart can run two replicas for fast fail-over. The Lease lives in the operator's namespace.
 */
@Singleton
public class VigilLeaderElection extends LeaderElectionConfiguration {
    public VigilLeaderElection() {
        super(ConfigProvider.getConfig().getOptionalValue("vigil.leader-election.lease-name", String.class)
                .orElse("vigil-operator-lock"));
    }
}
