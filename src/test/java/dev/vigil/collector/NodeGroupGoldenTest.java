package dev.vigil.collector;

import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.config.CollectorSettings;
import dev.vigil.render.GoldenFiles;
import dev.vigil.serialization.Yaml;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each node group's collector config and DaemonSet, against golden files (src/test/resources/node-groups/<group>.yaml;
 * regenerate with -Dvigil.golden.update=true), and each group's config accepted by the real collector's validate.
 */
class NodeGroupGoldenTest {
    static final Path DIR = GoldenFiles.repoRoot().resolve("src/test/resources/node-groups");
    static final String POOL = "cloud.example.com/pool";

    @TempDir
    Path tmp;

    static TelemetryCollector fleet() throws Exception {
        return Yaml.MAPPER.readValue(Files.readString(DIR.resolve("fleet.yaml")), TelemetryCollector.class);
    }

    /** Two AWS nodes of the general pool, one Azure node without a pool, GCP's batch pool and one GCP node without a pool, one node on premises. */
    static List<Node> nodes() {
        return List.of(
                node("ip-10-0-1-7", "aws:///eu-west-1a/i-0123456789abcdef0", Map.of(POOL, "general")),
                node("ip-10-0-2-9", "aws:///eu-west-1b/i-0fedcba9876543210", Map.of(POOL, "general")),
                node("aks-pool1-vmss000002", "azure:///subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/"
                        + "virtualMachineScaleSets/aks-pool1-vmss/virtualMachines/2", Map.of()),
                node("gke-batch-1", "gce://my-project/us-central1-c/gke-batch-1", Map.of(POOL, "batch")),
                node("gke-default-1", "gce://my-project/us-central1-a/gke-default-1", Map.of()),
                node("rack3-node12", null, Map.of(POOL, "")));
    }

    static FleetPlan plan() throws Exception {
        TelemetryCollector fleet = fleet();
        var groups = dev.vigil.nodegroups.NodeGroups.plan(fleet.getSpec().agent.nodeGroups, fleet.getSpec().nodeSelector, nodes());
        FleetPlanner.Outcome outcome = FleetPlanner.plan(fleet, 0, CollectorSettings.defaults(), groups);
        assertThat(outcome.problems()).isEmpty();
        return outcome.plan();
    }

    @Test
    void eachGroupHasItsConfigAndDaemonSet() throws Exception {
        TelemetryCollector fleet = fleet();
        FleetPlan plan = plan();
        assertThat(plan.groups()).extracting(g -> g.group().name())
                .containsExactly("aws-general", "azure", "gcp", "gcp-batch", "onprem");
        Map<String, DaemonSet> daemonSets = CollectorDaemonSet.build(fleet, plan);
        assertThat(daemonSets.keySet()).containsExactlyElementsOf(plan.groups().stream().map(g -> g.group().name()).toList());
        for (FleetPlan.Group g : plan.groups()) {
            GoldenFiles.assertMatches(DIR.resolve(g.group().name() + ".yaml"), "# " + g.configKey() + "\n"
                    + g.configYaml() + "---\n" + Yaml.write(daemonSets.get(g.group().name())));
        }
        assertThat(CollectorConfigMap.build(fleet, plan).getData().keySet()).containsExactly("collector-aws-general.yaml",
                "collector-azure.yaml", "collector-gcp-batch.yaml", "collector-gcp.yaml", "collector-onprem.yaml");
    }

    @Test
    void realCollectorAcceptsEveryGroupsConfig() throws Exception {
        for (FleetPlan.Group g : plan().groups()) {
            RealCollector.Result r = RealCollector.validate(g.configYaml(), tmp);
            assertThat(r.exitCode()).as("otelcol validate of group %s said:%n%s", g.group().name(), r.output()).isZero();
        }
    }

    /** A change to one group's override changes that group's config hash only: the other groups do not roll. */
    @Test
    void anOverrideChangeRollsOnlyItsGroup() throws Exception {
        FleetPlan before = plan();
        TelemetryCollector fleet = fleet();
        fleet.getSpec().agent.nodeGroups.overrides.get(0).attributes.put("team", "payments");
        var groups = dev.vigil.nodegroups.NodeGroups.plan(fleet.getSpec().agent.nodeGroups, null, nodes());
        FleetPlan after = FleetPlanner.plan(fleet, 0, CollectorSettings.defaults(), groups).plan();
        for (int i = 0; i < before.groups().size(); i++) {
            String name = before.groups().get(i).group().name();
            boolean same = before.groups().get(i).configHash().equals(after.groups().get(i).configHash());
            assertThat(same).as("config hash of %s unchanged", name).isEqualTo(!name.equals("aws-general"));
        }
        assertThat(after.configHash()).isNotEqualTo(before.configHash());
    }

    static Node node(String name, String providerId, Map<String, String> labels) {
        return new NodeBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata()
                .withNewSpec().withProviderID(providerId).endSpec().build();
    }
}
