package dev.vigil.operator;

import dev.vigil.api.v1alpha1.NodeGroupsSpec;
import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.naming.Labels;
import dev.vigil.serialization.Yaml;
import dev.vigil.status.Conditions;
import dev.vigil.status.Reasons;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An agent fleet with node groups against the Fabric8 mock server: one DaemonSet per provider present, each node
 * labelled with its provider, a new provider's first node adds its group without touching the others, the last
 * node of a provider removes its group, and a converged fleet makes no write.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class NodeGroupsOperatorTest {
    static final String NS = "ng-a";

    @KubernetesTestServer
    KubernetesServer server;
    @Inject
    KubernetesClient client;

    private TelemetryCollector fleet() {
        return client.resources(TelemetryCollector.class).inNamespace(NS).withName("logs").get();
    }

    private DaemonSet ds(String group) {
        return client.apps().daemonSets().inNamespace(NS).withName("logs-agent-" + group).get();
    }

    private void node(String name, String providerId) {
        client.resource(new NodeBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withProviderID(providerId).endSpec().build()).create();
    }

    @Test
    void groupsFollowTheNodes() throws Exception {
        node("ip-10-0-1-7", "aws:///eu-west-1a/i-0123");
        node("ip-10-0-2-9", "aws:///eu-west-1b/i-0456");
        node("gke-a-1", "gce://proj/us-central1-c/gke-a-1");
        node("rack3-node12", null);
        client.resource(OperatorTestSupport.parse("""
                apiVersion: vigil.dev/v1alpha1
                kind: TelemetryCollector
                metadata: {name: logs, namespace: ng-a}
                spec:
                  mode: agent
                  agent:
                    nodeGroups:
                      overrides:
                        - provider: aws
                          attributes: {deployment.environment.name: prod}
                """, TelemetryCollector.class)).create();

        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            assertThat(ds("aws")).as("%s", Yaml.write(fleet())).isNotNull();
            assertThat(ds("gcp")).isNotNull();
            assertThat(ds("onprem")).isNotNull();
        });
        assertThat(ds("azure")).isNull();
        assertThat(client.apps().daemonSets().inNamespace(NS).withName("logs-agent").get()).as("no whole-fleet DaemonSet").isNull();
        // Every node carries its provider, which the groups' affinities match.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(client.nodes().list().getItems())
                .allSatisfy(n -> assertThat(n.getMetadata().getLabels()).containsKey(NodeGroupsSpec.PROVIDER_LABEL)));
        assertThat(client.nodes().withName("ip-10-0-1-7").get().getMetadata().getLabels())
                .containsEntry(NodeGroupsSpec.PROVIDER_LABEL, "aws");
        assertThat(client.nodes().withName("rack3-node12").get().getMetadata().getLabels())
                .containsEntry(NodeGroupsSpec.PROVIDER_LABEL, "onprem");
        DaemonSet aws = ds("aws");
        assertThat(aws.getSpec().getSelector().getMatchLabels()).containsEntry(Labels.NODE_GROUP, "aws");
        assertThat(aws.getSpec().getTemplate().getSpec().getAffinity().getNodeAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms()).singleElement()
                .satisfies(t -> assertThat(t.getMatchExpressions()).singleElement().satisfies(r -> {
                    assertThat(r.getKey()).isEqualTo(NodeGroupsSpec.PROVIDER_LABEL);
                    assertThat(r.getValues()).containsExactly("aws");
                }));
        assertThat(aws.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
                .contains("--config=/etc/vigil/collector-aws.yaml");
        Map<String, String> files = client.configMaps().inNamespace(NS).withName("logs-collector-config").get().getData();
        assertThat(files).containsOnlyKeys("collector-aws.yaml", "collector-gcp.yaml", "collector-onprem.yaml");
        assertThat(files.get("collector-aws.yaml")).contains("vigildetect:", "- ec2", "deployment.environment.name: prod")
                .doesNotContain("- gcp", "- azure");
        assertThat(files.get("collector-gcp.yaml")).contains("- gcp").doesNotContain("- ec2", "deployment.environment.name");
        assertThat(files.get("collector-onprem.yaml")).contains("- system", "- env").doesNotContain("- ec2", "- gcp\n");

        OperatorTestSupport.markDaemonSetReady(client, NS, "logs-agent-aws", 2);
        OperatorTestSupport.markDaemonSetReady(client, NS, "logs-agent-gcp", 1);
        OperatorTestSupport.markDaemonSetReady(client, NS, "logs-agent-onprem", 1);
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            TelemetryCollector f = fleet();
            assertThat(Conditions.isTrue(f.getStatus().conditions, Reasons.READY)).as(Yaml.write(f.getStatus())).isTrue();
            assertThat(f.getStatus().agents).isEqualTo("4/4");
            assertThat(f.getStatus().groups).isEqualTo("aws 2/2, gcp 1/1, onprem 1/1");
            assertThat(f.getStatus().nodeGroups).extracting(g -> g.name + ":" + g.provider + ":" + g.nodes + ":" + g.daemonSet)
                    .containsExactly("aws:aws:2:logs-agent-aws", "gcp:gcp:1:logs-agent-gcp", "onprem:onprem:1:logs-agent-onprem");
        });

        // Converged: periodic reconciles write nothing (no node label, no DaemonSet, no status).
        Thread.sleep(1000);
        drainRequests();
        Thread.sleep(4000);
        assertThat(writes()).as("write requests after convergence").isEmpty();

        // A new provider's first node: its group appears; the others' DaemonSets are not touched (no roll).
        String awsVersion = ds("aws").getMetadata().getResourceVersion();
        String gcpVersion = ds("gcp").getMetadata().getResourceVersion();
        node("aks-pool1-vmss000002", "azure:///subscriptions/s/resourceGroups/rg/vmss/2");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(ds("azure")).isNotNull());
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(client.nodes().withName("aks-pool1-vmss000002")
                .get().getMetadata().getLabels()).containsEntry(NodeGroupsSpec.PROVIDER_LABEL, "azure"));
        assertThat(ds("aws").getMetadata().getResourceVersion()).isEqualTo(awsVersion);
        assertThat(ds("gcp").getMetadata().getResourceVersion()).isEqualTo(gcpVersion);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(fleet().getStatus().groups).isEqualTo("aws 2/2, azure 0/1, gcp 1/1, onprem 1/1"));

        // The last GCP node goes: its group and DaemonSet go; the others stay as they were.
        client.nodes().withName("gke-a-1").delete();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(ds("gcp")).isNull());
        assertThat(ds("aws").getMetadata().getResourceVersion()).isEqualTo(awsVersion);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(client.configMaps().inNamespace(NS)
                .withName("logs-collector-config").get().getData()).doesNotContainKey("collector-gcp.yaml"));
    }

    /**
     * Each group's config goes through the real collector's validate (the tests run with it as validator): a setting
     * only the collector knows is wrong rejects the spec, naming the group; a fleet whose nodeSelector matches no
     * node has no group and says so.
     */
    @Test
    void everyGroupsConfigIsCheckedAndNoNodeMeansNoGroup() {
        node("ng-b-aws", "aws:///eu-west-1a/i-0b01");
        client.resource(OperatorTestSupport.parse("""
                apiVersion: vigil.dev/v1alpha1
                kind: TelemetryCollector
                metadata: {name: checked, namespace: ng-b}
                spec:
                  mode: agent
                  agent:
                    nodeGroups: {}
                  config:
                    processors:
                      vigildetect: {timeout: 0s}
                """, TelemetryCollector.class)).create();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            TelemetryCollector f = client.resources(TelemetryCollector.class).inNamespace("ng-b").withName("checked").get();
            var valid = Conditions.find(f.getStatus().conditions, Reasons.CONFIG_VALID);
            assertThat(valid.getStatus()).isEqualTo("False");
            assertThat(valid.getMessage()).contains("node group aws: the collector rejected the configuration", "timeout");
        });
        assertThat(client.apps().daemonSets().inNamespace("ng-b").list().getItems()).isEmpty();

        client.resource(OperatorTestSupport.parse("""
                apiVersion: vigil.dev/v1alpha1
                kind: TelemetryCollector
                metadata: {name: nowhere, namespace: ng-b}
                spec:
                  mode: agent
                  nodeSelector: {pool: none-such}
                  agent:
                    nodeGroups: {}
                """, TelemetryCollector.class)).create();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            TelemetryCollector f = client.resources(TelemetryCollector.class).inNamespace("ng-b").withName("nowhere").get();
            assertThat(Conditions.find(f.getStatus().conditions, Reasons.READY).getReason()).isEqualTo(Reasons.NO_NODES);
            assertThat(f.getStatus().groups).isEqualTo("none");
            assertThat(f.getStatus().nodeGroups).isNull();
        });
    }

    private void drainRequests() throws InterruptedException {
        while (server.getKubernetesMockServer().takeRequest(10, TimeUnit.MILLISECONDS) != null) {
            // discard what happened before the measured window
        }
    }

    private List<String> writes() throws InterruptedException {
        List<String> writes = new ArrayList<>();
        RecordedRequest r;
        while ((r = server.getKubernetesMockServer().takeRequest(10, TimeUnit.MILLISECONDS)) != null) {
            if (!"GET".equals(r.getMethod())) {
                writes.add(r.getMethod() + " " + r.getPath());
            }
        }
        return writes;
    }

}
