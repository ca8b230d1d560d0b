package dev.vigil.logs;

import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.InstrumentedServiceStatus;
import dev.vigil.api.v1alpha1.SloSpec;
import dev.vigil.api.v1alpha1.WorkloadRef;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The log rules' caches keep what the rules read, and a rule picks the same workloads from them as from whole objects. */
class RuleViewsTest {
    private static Deployment deployment(String name, Map<String, String> podLabels) {
        return new DeploymentBuilder().withNewMetadata().withName(name).withNamespace("shop").withResourceVersion("12")
                .addToLabels("team", "payments")
                .withManagedFields(new ManagedFieldsEntryBuilder().withManager("kubectl").build()).endMetadata()
                .withNewSpec().withReplicas(3).withNewSelector().withMatchLabels(podLabels).endSelector()
                .withNewTemplate().withNewMetadata().withLabels(podLabels).endMetadata().withNewSpec()
                .addNewContainer().withName("app").withImage("shop/app:1").endContainer().endSpec().endTemplate().endSpec()
                .withNewStatus().withReplicas(3).endStatus().build();
    }

    private static StatefulSet statefulSet(String name, Map<String, String> podLabels) {
        return new StatefulSetBuilder().withNewMetadata().withName(name).withNamespace("shop").endMetadata()
                .withNewSpec().withNewTemplate().withNewMetadata().withLabels(podLabels).endMetadata().withNewSpec()
                .addNewContainer().withName("db").withImage("shop/db:1").endContainer().endSpec().endTemplate().endSpec()
                .build();
    }

    @Test
    void aServiceKeepsItsNameAndWorkloadAndNothingElse() {
        InstrumentedService s = new InstrumentedService();
        s.setMetadata(new ObjectMetaBuilder().withName("checkout").withNamespace("shop").withResourceVersion("7")
                .withManagedFields(new ManagedFieldsEntryBuilder().withManager("kubectl").build()).build());
        s.getSpec().workloadRef = new WorkloadRef();
        s.getSpec().workloadRef.name = "checkout";
        s.getSpec().slos.add(new SloSpec());
        s.setStatus(new InstrumentedServiceStatus());
        InstrumentedService view = RuleViews.service(s);
        assertThat(view.getMetadata().getName()).isEqualTo("checkout");
        assertThat(view.getMetadata().getNamespace()).isEqualTo("shop");
        assertThat(view.getMetadata().getResourceVersion()).isEqualTo("7");
        assertThat(view.getMetadata().getManagedFields()).isNullOrEmpty();
        assertThat(view.getSpec().workloadRef.name).isEqualTo("checkout");
        assertThat(view.getSpec().slos).isEmpty();
        assertThat(view.getStatus()).isNull();
    }

    @Test
    void workloadsKeepTheirPodTemplateLabelsAndPickTheSameWorkloads() {
        List<Deployment> deployments = List.of(deployment("web", Map.of("app", "web", "tier", "front")),
                deployment("api", Map.of("app", "api")), deployment("bare", Map.of()));
        List<StatefulSet> statefulSets = List.of(statefulSet("db", Map.of("app", "db", "tier", "back")));
        Deployment view = RuleViews.deployment(deployments.get(0));
        assertThat(view.getMetadata().getName()).isEqualTo("web");
        assertThat(view.getMetadata().getLabels()).isEqualTo(Map.of("team", "payments"));
        assertThat(view.getMetadata().getManagedFields()).isNullOrEmpty();
        assertThat(view.getSpec().getTemplate().getMetadata().getLabels()).isEqualTo(Map.of("app", "web", "tier", "front"));
        assertThat(view.getSpec().getTemplate().getSpec()).isNull();
        assertThat(view.getStatus()).isNull();
        for (var selector : List.of(
                new LabelSelectorBuilder().withMatchLabels(Map.of("app", "web")).build(),
                new LabelSelectorBuilder().addNewMatchExpression().withKey("tier").withOperator("Exists").endMatchExpression().build(),
                new LabelSelectorBuilder().addNewMatchExpression().withKey("app").withOperator("NotIn")
                        .withValues("web").endMatchExpression().build())) {
            assertThat(Workload.selected(selector, deployments.stream().map(RuleViews::deployment),
                    statefulSets.stream().map(RuleViews::statefulSet)))
                    .as("%s", selector)
                    .isEqualTo(Workload.selected(selector, deployments.stream(), statefulSets.stream()))
                    .isNotEmpty();
        }
        assertThat(Workload.selected(new LabelSelectorBuilder().build(), Stream.of(RuleViews.deployment(deployments.get(2))),
                Stream.empty())).isEqualTo(Workload.selected(new LabelSelectorBuilder().build(), Stream.of(deployments.get(2)),
                Stream.empty()));
    }
}
