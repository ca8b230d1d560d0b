package dev.vigil.operator;

import dev.vigil.config.Settings;
import dev.vigil.kube.Leadership;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.time.ZonedDateTime;

/**
 * Hands the Lease back when the leader shuts down (its pod deleted, drained, rolled), so that a standby takes over
 * on its next retry (2 s) instead of waiting the lease duration (15 s) out. The Java Operator SDK's elector never
 * releases it (it is built without release-on-cancel), so this does what client-go's ReleaseOnCancel does: once the
 * operator has stopped (no reconcile and no renewal runs any more) and while this replica still holds the Lease, its
 * holder is cleared and its duration set to 1 s, with a client of its own (the SDK has closed the operator's). Two
 * observers of the shutdown: the first, before the Quarkus Operator SDK stops the operator (its observer has the
 * default priority 2500), marks the replica as shutting down so that losing the Lease then does not make it exit;
 * the second, after, releases.
 */
@Singleton
public class LeaseRelease {
    private static final Logger LOG = Logger.getLogger(LeaseRelease.class);

    private final Leadership leadership;
    private final KubernetesClient client;
    private final Settings settings;

    public LeaseRelease(Leadership leadership, KubernetesClient client, Settings settings) {
        this.leadership = leadership;
        this.client = client;
        this.settings = settings;
    }

    void shuttingDown(@Observes @Priority(2000) ShutdownEvent event) {
        leadership.shuttingDown();
    }

    void release(@Observes @Priority(3000) ShutdownEvent event) {
        if (!leadership.ledAtShutdown()) {
            return;
        }
        String namespace = settings.leaseNamespace().orElse(client.getConfiguration().getNamespace());
        if (namespace == null) {
            return;
        }
        // The SDK closes the operator's client when it stops; a client of the same configuration, for one request.
        try (KubernetesClient once = new KubernetesClientBuilder().withConfig(client.getConfiguration()).build()) {
            if (release(once, namespace, settings.leaseName(), leadership.identity())) {
                LOG.infof("%s released the Lease %s/%s", leadership.identity(), namespace, settings.leaseName());
            }
        }
    }

    /**
     * Clears the holder of the Lease if it is {@code identity}; an update with the Lease's resourceVersion, so a
     * Lease another replica has taken meanwhile is left alone. True when released.
     */
    static boolean release(KubernetesClient client, String namespace, String name, String identity) {
        try {
            Lease lease = client.leases().inNamespace(namespace).withName(name).get();
            if (lease == null || lease.getSpec() == null || !identity.equals(lease.getSpec().getHolderIdentity())) {
                return false;
            }
            lease.getSpec().setHolderIdentity(null);
            lease.getSpec().setLeaseDurationSeconds(1);
            lease.getSpec().setRenewTime(ZonedDateTime.now());
            client.resource(lease).update();
            return true;
        } catch (KubernetesClientException e) {
            LOG.warnf("could not release the Lease %s/%s (HTTP %d): %s; a standby takes over when it expires",
                    namespace, name, e.getCode(), e.getMessage());
            return false;
        }
    }
}
