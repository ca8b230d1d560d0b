package dev.vigil.operator;

import dev.vigil.kube.Leadership;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.ZonedDateTime;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Losing the Lease renewal because the apiserver was away: the replica keeps leading when the Lease still names it
 * (renewing it), exits when another replica holds it, and gives up when the apiserver never answers. The outage
 * itself, on the real control plane, is e2e/faults/apiserver-down.sh.
 */
@EnableKubernetesMockClient(crud = true)
class LeaseRecoveryTest {
    KubernetesClient client;
    final Leadership leadership = new Leadership();

    Lease lease(String holder, ZonedDateTime renewed) {
        return client.resource(new LeaseBuilder().withNewMetadata().withName("vigil-operator-lock").withNamespace("vigil-system")
                .endMetadata().withNewSpec().withHolderIdentity(holder).withLeaseDurationSeconds(15)
                .withRenewTime(renewed).withLeaseTransitions(2).endSpec().build()).createOr(c -> c.update());
    }

    Lease current() {
        return client.leases().inNamespace("vigil-system").withName("vigil-operator-lock").get();
    }

    @Test
    void aLeaseThatStillNamesThisReplicaIsRenewedAndKept() {
        ZonedDateTime stale = ZonedDateTime.now().minusSeconds(70);
        lease(leadership.identity(), stale);
        LeaseRecovery recovery = new LeaseRecovery(leadership, client, null);
        assertThat(recovery.recover(client, "vigil-system", "vigil-operator-lock", Duration.ofSeconds(5))).isTrue();
        assertThat(leadership.leading()).isTrue();
        assertThat(current().getSpec().getRenewTime()).isAfter(stale.plusSeconds(60));
        assertThat(current().getSpec().getHolderIdentity()).isEqualTo(leadership.identity());
        assertThat(current().getSpec().getLeaseTransitions()).as("not a new leader").isEqualTo(2);
    }

    @Test
    void aLeaseAnotherReplicaTookMeansExit() {
        lease("vigil-1", ZonedDateTime.now());
        String version = current().getMetadata().getResourceVersion();
        LeaseRecovery recovery = new LeaseRecovery(leadership, client, null);
        assertThat(recovery.recover(client, "vigil-system", "vigil-operator-lock", Duration.ofSeconds(5))).isFalse();
        assertThat(leadership.leading()).isFalse();
        assertThat(leadership.otherLeader()).contains("vigil-1");
        assertThat(current().getMetadata().getResourceVersion()).isEqualTo(version);
    }

    @Test
    void anApiserverThatNeverAnswersIsGivenUpOn() {
        Config away = new ConfigBuilder().withMasterUrl("https://127.0.0.1:1").withRequestRetryBackoffLimit(0)
                .withConnectionTimeout(200).withRequestTimeout(200).build();
        try (KubernetesClient unreachable = new KubernetesClientBuilder().withConfig(away).build()) {
            LeaseRecovery recovery = new LeaseRecovery(leadership, unreachable, null);
            long t0 = System.nanoTime();
            assertThat(recovery.recover(unreachable, "vigil-system", "vigil-operator-lock", Duration.ofSeconds(3))).isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(Duration.ofSeconds(3), Duration.ofSeconds(8));
        }
    }
}
