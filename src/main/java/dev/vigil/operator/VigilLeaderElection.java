package dev.vigil.operator;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Leader election (active in the prod profile, see application.properties): only the replica holding the Lease
 * reconciles, so the chart can run two replicas for fast fail-over. The Lease lives in
 * vigil.leader-election.lease-namespace (the chart sets the operator's namespace); unset, in-cluster, it is
 * inferred from the pod's service account.
 */
@Singleton
public class VigilLeaderElection extends LeaderElectionConfiguration {
    public VigilLeaderElection() {
        super(config().getOptionalValue("vigil.leader-election.lease-name", String.class).orElse("vigil-operator-lock"),
                config().getOptionalValue("vigil.leader-election.lease-namespace", String.class).orElse(null));
    }

    private static Config config() {
        return ConfigProvider.getConfig();
    }
}
