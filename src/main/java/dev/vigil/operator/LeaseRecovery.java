package dev.vigil.operator;

import dev.vigil.config.Settings;
import dev.vigil.kube.Leadership;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Rides out an apiserver outage instead of exiting. The elector gives the Lease up when it cannot renew it for the
 * renew deadline (10 s), which is what an apiserver that is away (restarting, upgraded, its etcd down) looks like
 * too; exiting then restarts the pod into a start that needs the apiserver, i.e. a restart loop for as long as it is
 * away. While the apiserver is away nobody can take the Lease, so once it answers again the Lease still names this
 * replica unless another replica took it since: then this replica renews it (an update with the Lease's
 * resourceVersion, so a replica that took it first wins) and keeps leading under a new elector; otherwise it exits
 * as before and comes back as a standby. It waits at most {@link #GIVE_UP}.
 */
@Singleton
public class LeaseRecovery {
    private static final Logger LOG = Logger.getLogger(LeaseRecovery.class);
    static final Duration GIVE_UP = Duration.ofMinutes(10);
    static final Duration POLL = Duration.ofSeconds(1);

    private final Leadership leadership;
    private final KubernetesClient client;
    private final Settings settings;
    private final AtomicBoolean recovering = new AtomicBoolean();
    private volatile CompletableFuture<?> elector;
    Clock clock = Clock.systemUTC();

    public LeaseRecovery(Leadership leadership, KubernetesClient client, Settings settings) {
        this.leadership = leadership;
        this.client = client;
        this.settings = settings;
    }

    /** The elector stopped leading while the process runs: recover in the background, or {@code exit}. */
    public void lost(Runnable exit) {
        if (!recovering.compareAndSet(false, true)) {
            return;
        }
        Thread t = new Thread(() -> {
            boolean kept = false;
            try {
                kept = recover();
                if (kept) {
                    elect();
                }
            } catch (RuntimeException e) {
                LOG.errorf(e, "could not take the Lease back; exiting");
                kept = false;
            } finally {
                recovering.set(false);
            }
            if (!kept && !leadership.isShuttingDown()) {
                exit.run();
            }
        }, "vigil-lease-recovery");
        t.setDaemon(true);
        t.start();
    }

    boolean recover() {
        return recover(client, namespace(), settings.leaseName(), GIVE_UP);
    }

    /** True when the Lease still named this replica once the apiserver answered, and has been renewed. */
    boolean recover(KubernetesClient client, String namespace, String name, Duration wait) {
        String identity = leadership.identity();
        Instant giveUp = clock.instant().plus(wait);
        int failed = 0;
        while (clock.instant().isBefore(giveUp) && !leadership.isShuttingDown()) {
            try {
                Lease lease = client.leases().inNamespace(namespace).withName(name).get();
                String holder = lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
                if (!identity.equals(holder)) {
                    LOG.infof("the Lease %s/%s is held by %s now; %s exits to come back as a standby", namespace, name,
                            holder, identity);
                    leadership.observedLeader(holder);
                    return false;
                }
                lease.getSpec().setRenewTime(ZonedDateTime.now(clock));
                client.resource(lease).update();
                LOG.infof("%s kept the Lease %s/%s through %d failed reads (the apiserver was away)", identity, namespace,
                        name, failed);
                leadership.startedLeading();
                return true;
            } catch (KubernetesClientException e) {
                if (e.getCode() == 409) {
                    LOG.infof("another replica renewed the Lease %s/%s first; %s exits", namespace, name, identity);
                    return false;
                }
                if (failed++ == 0) {
                    LOG.warnf("lost the Lease renewal (%s); waiting up to %d s for the apiserver before exiting",
                            e.getMessage(), wait.toSeconds());
                }
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /** A new elector for the Lease this replica holds: it renews at once and keeps renewing. */
    void elect() {
        elector = client.leaderElector().withConfig(new LeaderElectionConfigBuilder()
                .withName(settings.leaseName())
                .withLock(new LeaseLock(namespace(), settings.leaseName(), leadership.identity()))
                .withLeaseDuration(LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE)
                .withRenewDeadline(LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE)
                .withRetryPeriod(LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE)
                .withLeaderCallbacks(new LeaderCallbacks(leadership::startedLeading,
                        () -> VigilLeaderElection.stopped(leadership, this), leadership::observedLeader))
                .build()).build().start();
    }

    /** At shutdown, before the Lease is handed back ({@link LeaseRelease}): this elector must not take it again. */
    void shuttingDown(@Observes @Priority(2100) ShutdownEvent event) {
        CompletableFuture<?> e = elector;
        if (e != null) {
            e.cancel(true);
        }
    }

    private String namespace() {
        return settings.leaseNamespace().orElse(client.getConfiguration().getNamespace());
    }
}
