package dev.vigil.kube;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An apiserver that does not answer is not an answer: an installed integration stays on (its PrometheusRules are not
 * deleted when the apiserver comes back), and without anything known the reconcile fails and is retried.
 */
@EnableKubernetesMockClient
class CrdPresenceTest {
    static final String CRD = "prometheusrules.monitoring.coreos.com";
    static final String PATH = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/" + CRD;
    KubernetesMockServer server;
    KubernetesClient client;

    private KubernetesClient noRetries() {
        return new KubernetesClientBuilder().withConfig(new ConfigBuilder(client.getConfiguration())
                .withRequestRetryBackoffLimit(0).build()).build();
    }

    @Test
    void aFailedLookUpKeepsWhatWasKnownAndAsksAgain() {
        server.expect().get().withPath(PATH).andReturn(200, new CustomResourceDefinitionBuilder().withNewMetadata()
                .withName(CRD).endMetadata().build()).once();
        server.expect().get().withPath(PATH).andReturn(503, "etcdserver: request timed out").once();
        server.expect().get().withPath(PATH).andReturn(404, null).once();
        try (KubernetesClient c = noRetries()) {
            CrdPresence presence = new CrdPresence(c, Duration.ofMinutes(5));
            Instant t0 = Instant.parse("2026-12-06T07:00:00Z");
            presence.clock = Clock.fixed(t0, ZoneOffset.UTC);
            assertThat(presence.present(CRD)).isTrue();
            presence.clock = Clock.fixed(t0.plus(Duration.ofMinutes(6)), ZoneOffset.UTC);
            assertThat(presence.present(CRD)).as("503: still installed as far as anyone knows").isTrue();
            assertThat(presence.present(CRD)).as("asked again at once, and now it is gone").isFalse();
        }
    }

    @Test
    void withNothingKnownAFailureFailsTheReconcile() {
        server.expect().get().withPath(PATH).andReturn(503, "unavailable").once();
        server.expect().get().withPath(PATH).andReturn(403, "forbidden").once();
        try (KubernetesClient c = noRetries()) {
            CrdPresence presence = new CrdPresence(c, Duration.ofMinutes(5));
            assertThatThrownBy(() -> presence.present(CRD)).isInstanceOf(KubernetesClientException.class)
                    .hasMessageContaining("cannot tell whether CRD " + CRD + " is installed");
            assertThat(presence.present(CRD)).as("403: may not read it, the integration stays off").isFalse();
        }
    }
}
