package dev.vigil.sharding;

import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
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

/** Token verdicts while the apiserver is away: a collector admitted before keeps reading its plan, for a while. */
@EnableKubernetesMockClient
class CollectorCallersTest {
    KubernetesMockServer server;
    KubernetesClient client;

    @Test
    void aTokenTheApiserverVouchedForOutlivesAnOutageForTenMinutes() {
        String user = "system:serviceaccount:shop:platform-collector";
        server.expect().post().withPath("/apis/authentication.k8s.io/v1/tokenreviews").andReturn(201, new TokenReviewBuilder()
                .withNewStatus().withAuthenticated(true).withNewUser().withUsername(user).endUser().endStatus().build()).once();
        // after that one answer, every TokenReview fails (the mock server answers 404: nothing expected)
        CollectorCallers callers = new CollectorCallers(client, null);
        Instant t0 = Instant.parse("2026-12-06T07:00:00Z");
        callers.clock = Clock.fixed(t0, ZoneOffset.UTC);
        assertThat(callers.whoIs("token-a")).contains(user);
        callers.clock = Clock.fixed(t0.plus(Duration.ofMinutes(5)), ZoneOffset.UTC);
        assertThat(callers.whoIs("token-a")).as("the review fails; the verdict of 5 minutes ago holds").contains(user);
        callers.clock = Clock.fixed(t0.plus(Duration.ofMinutes(12)), ZoneOffset.UTC);
        assertThatThrownBy(() -> callers.whoIs("token-a")).as("past a minute and ten").isInstanceOf(KubernetesClientException.class);
        assertThatThrownBy(() -> callers.whoIs("token-b")).as("a token never vouched for").isInstanceOf(KubernetesClientException.class);
    }

    @Test
    void aTokenTheApiserverRefusedIsNotAdmittedByAnOutage() {
        server.expect().post().withPath("/apis/authentication.k8s.io/v1/tokenreviews").andReturn(201, new TokenReviewBuilder()
                .withNewStatus().withAuthenticated(false).endStatus().build()).once();
        CollectorCallers callers = new CollectorCallers(client, null);
        Instant t0 = Instant.parse("2026-12-06T07:00:00Z");
        callers.clock = Clock.fixed(t0, ZoneOffset.UTC);
        assertThat(callers.whoIs("token-x")).isEmpty();
        callers.clock = Clock.fixed(t0.plus(Duration.ofMinutes(2)), ZoneOffset.UTC);
        assertThatThrownBy(() -> callers.whoIs("token-x")).isInstanceOf(KubernetesClientException.class);
    }
}
