package dev.vigil.operator;

import dev.vigil.config.Settings;
import dev.vigil.kube.Leadership;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.quarkus.runtime.Quarkus;
import jakarta.inject.Singleton;

/**
 * Leader election (active in the prod profile, see application.properties): only the replica holding the Lease
 * reconciles, so the chart can run two replicas for fast fail-over. The Lease lives in
 * vigil.leader-election.lease-namespace (the chart sets the operator's namespace); unset, in-cluster, it is
 * inferred from the pod's service account. Each replica's identity is its pod name; what it observes of the election
 * goes to {@link Leadership}, so that a standby can send service-discovery requests on to the leader. A replica that
 * loses the Lease while running exits (its pod restarts as a standby) rather than keep state it no longer owns,
 * unless the Lease still names it once the apiserver answers again ({@link LeaseRecovery}: the apiserver was away). It
 * exits through Quarkus' own shutdown, not the SDK's {@code System.exit} (exitOnStopLeading is off): the SDK stops
 * leading from inside the shutdown when the pod is deleted, and {@code System.exit} there blocks the JVM until the
 * kubelet kills it, so the Lease was never handed back ({@link LeaseRelease}).
 */
@Singleton
public class VigilLeaderElection extends LeaderElectionConfiguration {
    public VigilLeaderElection(Settings settings, Leadership leadership, LeaseRecovery recovery) {
        super(settings.leaseName(), settings.leaseNamespace().orElse(null),
                LEASE_DURATION_DEFAULT_VALUE, RENEW_DEADLINE_DEFAULT_VALUE, RETRY_PERIOD_DEFAULT_VALUE,
                leadership.identity(),
                new LeaderCallbacks(leadership::startedLeading, () -> stopped(leadership, recovery), leadership::observedLeader),
                false);
    }

    /** Lost the Lease while running: keep it if the apiserver was only away ({@link LeaseRecovery}), else exit. */
    static void stopped(Leadership leadership, LeaseRecovery recovery) {
        leadership.stoppedLeading();
        if (!leadership.isShuttingDown()) {
            recovery.lost(() -> Quarkus.asyncExit(1));
        }
    }
}
