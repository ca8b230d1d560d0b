package dev.vigil.operator;

import dev.vigil.config.Settings;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import jakarta.inject.Singleton;

/**
 * Leader election (active in the prod profile, see application.properties): only the replica holding the Lease
 * reconciles, so the chart can run two replicas for fast fail-over. The Lease lives in
 * vigil.leader-election.lease-namespace (the chart sets the operator's namespace); unset, in-cluster, it is
 * inferred from the pod's service account.
 */
@Singleton
public class VigilLeaderElection extends LeaderElectionConfiguration {
    public VigilLeaderElection(Settings settings) {
        super(settings.leaseName(), settings.leaseNamespace().orElse(null));
    }
}
