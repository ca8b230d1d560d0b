package dev.vigil.sharding;

import com.sun.net.httpserver.HttpServer;
import dev.vigil.kube.Leadership;
import dev.vigil.kube.ScriptedTokenReviews;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Service discovery from a standby: while another replica holds the Lease, a request is relayed once to the
 * leader's pod (found by its name, the Lease holder) with the caller's token, and the leader's answer comes back;
 * a relayed request is answered locally, never relayed again; an unreachable leader or a leader without a plan
 * answers 503 with Retry-After (a failed refresh: the collectors keep their targets), never an empty list.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class StandbyRelayTest {
    static final String FLEET_SA = "system:serviceaccount:relay:platform-collector";

    @KubernetesTestServer
    KubernetesServer server;

    @Inject
    KubernetesClient client;

    @Inject
    Leadership leadership;

    @Inject
    LeaderProxy proxy;

    HttpServer leader;
    final List<String> seen = new CopyOnWriteArrayList<>();

    @BeforeEach
    void leaderPod() throws Exception {
        ScriptedTokenReviews.answer(server, Map.of("fleet-token", FLEET_SA));
        leader = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        leader.createContext("/sd/v1/", exchange -> {
            seen.add(exchange.getRequestURI().getPath() + " auth=" + exchange.getRequestHeaders().getFirst("Authorization")
                    + " by=" + exchange.getRequestHeaders().getFirst(LeaderProxy.FORWARDED_BY));
            byte[] body = "[{\"targets\":[\"10.9.0.7:9464\"],\"labels\":{\"vigil_shard\":\"1\"}}]".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        leader.createContext("/logs/v1/", exchange -> {
            seen.add(exchange.getRequestURI().getPath() + " report=" + exchange.getRequestHeaders().getFirst("X-Vigil-Parse-Failures")
                    + " agent=" + exchange.getRequestHeaders().getFirst("X-Vigil-Agent"));
            byte[] body = "[]".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        leader.start();
        proxy.port = leader.getAddress().getPort();
        String ns = client.getNamespace();
        client.pods().inNamespace(ns).withName("vigil-leader-0").delete();
        client.resource(new PodBuilder().withNewMetadata().withName("vigil-leader-0").withNamespace(ns).endMetadata()
                .withNewSpec().addNewContainer().withName("operator").withImage("vigil/operator:1").endContainer().endSpec()
                .withNewStatus().withPodIP("127.0.0.1").withPhase("Running").endStatus().build()).create();
        leadership.observedLeader("vigil-leader-0");
    }

    @AfterEach
    void stop() {
        leadership.observedLeader(null);
        leader.stop(0);
    }

    @Test
    void aStandbyRelaysToTheLeaderOnce() {
        assertThat(leadership.otherLeader()).contains("vigil-leader-0");
        var r = given().header("Authorization", "Bearer fleet-token").when().get("/sd/v1/relay/platform/1");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body().asString()).contains("10.9.0.7:9464").contains("vigil_shard");
        assertThat(seen).containsExactly("/sd/v1/relay/platform/1 auth=Bearer fleet-token by=" + leadership.identity());

        // A request another replica relayed is this replica's own to answer (here: no plan yet), not relayed again.
        var local = given().header("Authorization", "Bearer fleet-token").header(LeaderProxy.FORWARDED_BY, "vigil-b")
                .when().get("/sd/v1/relay/platform/1");
        assertThat(local.statusCode()).isEqualTo(503);
        assertThat(local.header("Retry-After")).isEqualTo("2");
        assertThat(local.body().asString()).contains("no shard plan");
        assertThat(seen).hasSize(1);

        // Without a token nothing is relayed.
        assertThat(given().when().get("/sd/v1/relay/platform/1").statusCode()).isEqualTo(401);
        assertThat(seen).hasSize(1);
    }

    @Test
    void anAgentsParseFailureReportGoesToTheLeaderWithItsPoll() {
        var r = given().header("Authorization", "Bearer fleet-token").header("X-Vigil-Parse-Failures", "{\"lpr/shop/web\":3}")
                .header("X-Vigil-Agent", "node-a").when().get("/logs/v1/relay/agents");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(seen).containsExactly("/logs/v1/relay/agents report={\"lpr/shop/web\":3} agent=node-a");
    }

    @Test
    void anUnreachableLeaderIsAFailedRefreshNotAnEmptyList() {
        leader.stop(0);
        var r = given().header("Authorization", "Bearer fleet-token").when().get("/sd/v1/relay/platform/0");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.header("Retry-After")).isEqualTo("2");
        assertThat(r.body().asString()).contains("cannot reach the leader vigil-leader-0");
    }

    @Test
    void aLeaderWithoutPodIpIsAFailedRefresh() {
        leadership.observedLeader("vigil-leader-gone");
        var r = given().header("Authorization", "Bearer fleet-token").when().get("/sd/v1/relay/platform/0");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body().asString()).contains("vigil-leader-gone");
        assertThat(seen).isEmpty();
    }

    @Test
    void theLeaderItselfAnswers() {
        leadership.startedLeading();
        try {
            assertThat(leadership.otherLeader()).isEmpty();
            var r = given().header("Authorization", "Bearer fleet-token").when().get("/sd/v1/relay/platform/0");
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.body().asString()).contains("no shard plan for TelemetryCollector relay/platform");
            assertThat(seen).isEmpty();
        } finally {
            leadership.stoppedLeading();
        }
    }
}
