package dev.vigil.operator;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.Test;

import java.time.ZonedDateTime;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Handing the Lease back at shutdown (the pod-deletion fail-over on the real node, e2e/node/fleet-pods.sh, is what it
 * is for): only the holder clears it, and only while it still holds it; what the release leaves is a Lease the
 * Fabric8 elector of a standby may take at once (no holder).
 */
@EnableKubernetesMockClient(crud = true)
class LeaseReleaseTest {
    KubernetesClient client;

    Lease lease(String holder) {
        return client.resource(new LeaseBuilder().withNewMetadata().withName("vigil-operator-lock").withNamespace("vigil-system")
                .endMetadata().withNewSpec().withHolderIdentity(holder).withLeaseDurationSeconds(15)
                .withRenewTime(ZonedDateTime.now()).withLeaseTransitions(3).endSpec().build()).createOr(c -> c.update());
    }

    Lease current() {
        return client.leases().inNamespace("vigil-system").withName("vigil-operator-lock").get();
    }

    @Test
    void theHolderHandsItBack() {
        lease("vigil-0");
        assertThat(LeaseRelease.release(client, "vigil-system", "vigil-operator-lock", "vigil-0")).isTrue();
        assertThat(current().getSpec().getHolderIdentity()).isNull();
        assertThat(current().getSpec().getLeaseDurationSeconds()).isEqualTo(1);
        assertThat(current().getSpec().getLeaseTransitions()).isEqualTo(3);
    }

    @Test
    void aLeaseSomeoneElseHoldsIsLeftAlone() {
        lease("vigil-1");
        String version = current().getMetadata().getResourceVersion();
        assertThat(LeaseRelease.release(client, "vigil-system", "vigil-operator-lock", "vigil-0")).isFalse();
        assertThat(current().getSpec().getHolderIdentity()).isEqualTo("vigil-1");
        assertThat(current().getMetadata().getResourceVersion()).isEqualTo(version);
    }

    @Test
    void noLeaseNothingToRelease() {
        assertThat(LeaseRelease.release(client, "vigil-system", "vigil-operator-lock", "vigil-0")).isFalse();
        assertThat(current()).isNull();
    }
}
