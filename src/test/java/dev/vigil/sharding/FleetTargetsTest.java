package dev.vigil.sharding;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/** The fleets' pod cache keeps what targets are made of: the same targets from pruned pods as from whole ones. */
class FleetTargetsTest {
    private static final ScrapeTarget WEB = new ScrapeTarget("shop", "web",
            new LabelSelectorBuilder().addToMatchLabels("app", "web").build(), 9100, "/metrics", "http", "15s");
    private static final ScrapeTarget API = new ScrapeTarget("shop", "api",
            new LabelSelectorBuilder().addToMatchLabels("app", "api").build(), 8080, "/q/metrics", "http", null);

    private static Pod pod(String name, String app, String ip, String phase, int port, boolean deleting) {
        PodBuilder b = new PodBuilder().withNewMetadata().withName(name).withNamespace("shop").withUid("uid-" + name)
                .withResourceVersion("7").addToLabels("app", app).addToLabels("pod-template-hash", "abc")
                .addToAnnotations("kubectl.kubernetes.io/restartedAt", "2026-12-01")
                .withManagedFields(new ManagedFieldsEntryBuilder().withManager("kubelet").withOperation("Update").build())
                .withDeletionTimestamp(deleting ? "2026-12-06T00:00:00Z" : null).endMetadata()
                .withNewSpec().withNodeName("node-1")
                .addNewContainer().withName("app").withImage("shop/app:1").addNewEnv().withName("A").withValue("b").endEnv()
                .addNewPort().withName("metrics").withContainerPort(port).withProtocol("TCP").endPort().endContainer()
                .addNewContainer().withName("sidecar").withImage("proxy:1").endContainer()
                .addNewVolume().withName("data").withNewEmptyDir().endEmptyDir().endVolume().endSpec()
                .withNewStatus().withPhase(phase).withPodIP(ip).withHostIP("10.0.0.1")
                .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus();
        return b.build();
    }

    @Test
    void prunedPodsGiveTheSameTargetsAsWholeOnes() {
        Random random = new Random(17);
        String[] apps = {"web", "api", "other"};
        String[] phases = {"Running", "Running", "Pending", "Succeeded"};
        int[] ports = {9100, 8080, 9999};
        for (int round = 0; round < 200; round++) {
            List<Pod> pods = new ArrayList<>();
            for (int i = 0; i < 1 + random.nextInt(12); i++) {
                String ip = random.nextInt(5) == 0 ? (random.nextBoolean() ? null : "") : "10.1.0." + i;
                pods.add(pod("p" + i, apps[random.nextInt(3)], ip, phases[random.nextInt(4)], ports[random.nextInt(3)],
                        random.nextInt(6) == 0));
            }
            List<Pod> pruned = pods.stream().map(FleetTargets::pruned).toList();
            assertThat(FleetTargets.of(List.of(WEB, API), ns -> pruned, "30s"))
                    .isEqualTo(FleetTargets.of(List.of(WEB, API), ns -> pods, "30s"));
        }
    }

    /**
     * Pods are looked up by the selector's rarest matchLabel: the same targets as matching every service against
     * every pod, for selectors with several matchLabels, with expressions only, empty, or none.
     */
    @Test
    void lookingPodsUpByLabelFindsWhatMatchingEveryPodFinds() {
        Random random = new Random(23);
        String[] apps = {"web", "api", "other"};
        String[] tiers = {"front", "back"};
        for (int round = 0; round < 300; round++) {
            List<Pod> pods = new ArrayList<>();
            for (int i = 0; i < random.nextInt(30); i++) {
                Pod p = pod("p" + i, apps[random.nextInt(3)], random.nextInt(8) == 0 ? null : "10.1.0." + i,
                        random.nextInt(5) == 0 ? "Pending" : "Running", random.nextBoolean() ? 9100 : 8080, random.nextInt(9) == 0);
                if (random.nextBoolean()) {
                    p.getMetadata().getLabels().put("tier", tiers[random.nextInt(2)]);
                }
                pods.add(p);
            }
            List<ScrapeTarget> services = new ArrayList<>();
            for (int s = 0; s < 1 + random.nextInt(6); s++) {
                LabelSelectorBuilder selector = new LabelSelectorBuilder();
                switch (random.nextInt(5)) {
                    case 0 -> selector.addToMatchLabels("app", apps[random.nextInt(3)]);
                    case 1 -> selector.addToMatchLabels("app", apps[random.nextInt(3)]).addToMatchLabels("tier", tiers[random.nextInt(2)]);
                    case 2 -> selector.addNewMatchExpression().withKey("tier").withOperator("In").withValues(tiers[random.nextInt(2)])
                            .endMatchExpression();
                    case 3 -> selector.addToMatchLabels("tier", "front").addNewMatchExpression().withKey("app")
                            .withOperator("NotIn").withValues("web").endMatchExpression();
                    default -> { }
                }
                services.add(new ScrapeTarget("shop", "s" + s, random.nextInt(10) == 0 ? null : selector.build(),
                        random.nextBoolean() ? 9100 : 8080, "/metrics", "http", null));
            }
            List<String> everyPod = new ArrayList<>();
            for (ScrapeTarget t : services) {
                for (Pod p : pods) {
                    if (t.podSelector() != null && FleetTargets.eligible(p, t)) {
                        everyPod.add(ScrapeEndpoint.key("shop/" + t.name(), p.getStatus().getPodIP() + ":" + t.port()));
                    }
                }
            }
            assertThat(FleetTargets.of(services, ns -> pods, "30s").stream().map(ScrapeEndpoint::key).toList())
                    .containsExactlyElementsOf(everyPod.stream().sorted().toList());
        }
    }

    @Test
    void thePrunedPodHoldsNoManagedFieldsEnvOrVolumes() {
        Pod pruned = FleetTargets.pruned(pod("p", "web", "10.1.0.1", "Running", 9100, false));
        assertThat(pruned.getMetadata().getManagedFields()).isNullOrEmpty();
        assertThat(pruned.getMetadata().getAnnotations()).isNullOrEmpty();
        assertThat(pruned.getSpec().getVolumes()).isNullOrEmpty();
        assertThat(pruned.getSpec().getContainers().get(0).getEnv()).isNullOrEmpty();
        assertThat(pruned.getSpec().getContainers().get(0).getImage()).isNull();
        assertThat(pruned.getStatus().getConditions()).isNullOrEmpty();
    }

    @Test
    void onlyAChangeOfWhatTargetsAreMadeOfIsAnEvent() {
        Pod before = pod("p", "web", "10.1.0.1", "Running", 9100, false);
        UnaryOperator<Pod> copy = p -> new PodBuilder(p).build();
        Pod notReady = copy.apply(before);
        notReady.getStatus().getConditions().get(0).setStatus("False");
        notReady.getMetadata().setResourceVersion("8");
        notReady.getMetadata().getAnnotations().put("note", "x");
        assertThat(FleetTargets.targetChanged(notReady, before)).as("a condition, an annotation").isFalse();
        Pod moved = copy.apply(before);
        moved.getStatus().setPodIP("10.1.0.2");
        assertThat(FleetTargets.targetChanged(moved, before)).as("a new IP").isTrue();
        Pod stopped = copy.apply(before);
        stopped.getStatus().setPhase("Succeeded");
        assertThat(FleetTargets.targetChanged(stopped, before)).as("a phase").isTrue();
        Pod relabelled = copy.apply(before);
        relabelled.getMetadata().getLabels().put("app", "api");
        assertThat(FleetTargets.targetChanged(relabelled, before)).as("a label").isTrue();
        Pod deleting = copy.apply(before);
        deleting.getMetadata().setDeletionTimestamp("2026-12-06T00:00:00Z");
        assertThat(FleetTargets.targetChanged(deleting, before)).as("a deletion").isTrue();
    }
}
