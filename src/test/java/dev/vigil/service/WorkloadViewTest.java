package dev.vigil.service;

import dev.vigil.api.v1alpha1.WorkloadRef;
import dev.vigil.kube.FieldManagers;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The services' workload caches keep what services read, and only a change of that wakes a service. */
class WorkloadViewTest {
    private static Deployment deployment() {
        return new DeploymentBuilder().withNewMetadata().withName("checkout").withNamespace("shop").withResourceVersion("12")
                .withUid("u-1").withGeneration(4L).addToLabels("team", "payments")
                .addToAnnotations("kubectl.kubernetes.io/last-applied-configuration", "{\"a\":\"very long copy\"}")
                .withManagedFields(new ManagedFieldsEntryBuilder().withManager("kubectl").build(),
                        new ManagedFieldsEntryBuilder().withManager(FieldManagers.POOL_SIZE).withOperation("Apply").build())
                .endMetadata()
                .withNewSpec().withReplicas(3).withNewSelector().withMatchLabels(Map.of("app", "checkout")).endSelector()
                .withNewTemplate().withNewMetadata().withLabels(Map.of("app", "checkout")).endMetadata().withNewSpec()
                .addNewContainer().withName("app").withImage("shop/app:1").withEnv(new EnvVar("DB_POOL_SIZE", "8", null))
                .withNewResources().addToRequests("cpu", new io.fabric8.kubernetes.api.model.Quantity("100m")).endResources()
                .endContainer()
                .addNewContainer().withName("proxy").withImage("envoy:1").endContainer().endSpec().endTemplate().endSpec()
                .withNewStatus().withReplicas(3).withReadyReplicas(2).withObservedGeneration(4L)
                .withConditions(new DeploymentConditionBuilder().withType("Available").withStatus("True")
                        .withMessage("Deployment has minimum availability.").build())
                .endStatus().build();
    }

    @Test
    void aDeploymentKeepsWhatResolvesAndSizesAndDeliversAndNothingElse() {
        Deployment whole = deployment();
        Deployment view = WorkloadView.deployment(deployment());
        assertThat(view.getMetadata().getName()).isEqualTo("checkout");
        assertThat(view.getMetadata().getResourceVersion()).isEqualTo("12");
        assertThat(view.getMetadata().getAnnotations()).isNullOrEmpty();
        assertThat(view.getMetadata().getManagedFields()).extracting(f -> f.getManager()).containsExactly(FieldManagers.POOL_SIZE);
        assertThat(view.getSpec().getSelector()).isEqualTo(whole.getSpec().getSelector());
        assertThat(view.getSpec().getReplicas()).isEqualTo(3);
        assertThat(view.getStatus().getReplicas()).isEqualTo(3);
        assertThat(view.getStatus().getConditions()).isNullOrEmpty();
        var containers = view.getSpec().getTemplate().getSpec().getContainers();
        assertThat(containers).extracting(c -> c.getName()).containsExactly("app", "proxy");
        assertThat(containers.get(0).getEnv()).containsExactly(new EnvVar("DB_POOL_SIZE", "8", null));
        assertThat(containers.get(0).getImage()).isNull();
        assertThat(containers.get(0).getResources()).isNull();
        // What the service's status and the pool loop take from it is the same as from the whole object.
        assertThat(PoolPart.liveReplicas(view)).isEqualTo(PoolPart.liveReplicas(whole));
        assertThat(resolved(view).workload).isEqualTo(resolved(whole).workload);
    }

    private static dev.vigil.api.v1alpha1.InstrumentedServiceStatus resolved(Deployment d) {
        var service = new dev.vigil.api.v1alpha1.InstrumentedService();
        service.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("checkout").withNamespace("shop")
                .withGeneration(1L).build());
        service.getSpec().workloadRef = new WorkloadRef();
        service.getSpec().workloadRef.name = "checkout";
        ServiceContext ctx = new ServiceContext(service, null, new dev.vigil.api.v1alpha1.InstrumentedServiceStatus(),
                new dev.vigil.status.Conditions(null, 1L, java.time.Clock.systemUTC()), null);
        new WorkloadPart((kind, id) -> id.equals(new ResourceID("checkout", "shop")) ? Optional.of(d) : Optional.empty()).plan(ctx);
        return ctx.next();
    }

    @Test
    void aStatefulSetKeepsTheSame() {
        StatefulSet s = new StatefulSetBuilder().withNewMetadata().withName("db").withNamespace("shop").endMetadata()
                .withNewSpec().withReplicas(2).withNewSelector().withMatchLabels(Map.of("app", "db")).endSelector()
                .withNewTemplate().withNewSpec().addNewContainer().withName("db").withImage("pg:16").endContainer().endSpec()
                .endTemplate().endSpec().withNewStatus().withReplicas(2).withCurrentRevision("db-1").endStatus().build();
        StatefulSet view = WorkloadView.statefulSet(s);
        assertThat(view.getSpec().getReplicas()).isEqualTo(2);
        assertThat(view.getSpec().getSelector().getMatchLabels()).containsEntry("app", "db");
        assertThat(view.getStatus().getReplicas()).isEqualTo(2);
        assertThat(view.getStatus().getCurrentRevision()).isNull();
        assertThat(view.getSpec().getTemplate().getSpec().getContainers()).extracting(c -> c.getName()).containsExactly("db");
    }

    @Test
    void onlyAChangeOfWhatServicesReadIsAnEvent() {
        Deployment before = deployment();
        // A pod got ready, a condition moved, the image rolled, another manager wrote: no service reads these.
        Deployment ready = deployment();
        ready.getStatus().setReadyReplicas(3);
        ready.getStatus().getConditions().get(0).setMessage("ReplicaSet has successfully progressed.");
        ready.getMetadata().setResourceVersion("13");
        assertThat(WorkloadView.changed(ready, before)).isFalse();
        Deployment image = deployment();
        image.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("shop/app:2");
        image.getMetadata().getManagedFields().get(0).setOperation("Update");
        assertThat(WorkloadView.changed(image, before)).isFalse();
        // Replicas wanted or running, the selector, an env var, who owns the pool size: services read these.
        Deployment scaled = deployment();
        scaled.getSpec().setReplicas(5);
        assertThat(WorkloadView.changed(scaled, before)).isTrue();
        Deployment surge = deployment();
        surge.getStatus().setReplicas(4);
        assertThat(WorkloadView.changed(surge, before)).isTrue();
        Deployment env = deployment();
        env.getSpec().getTemplate().getSpec().getContainers().get(0).setEnv(java.util.List.of(new EnvVar("DB_POOL_SIZE", "9", null)));
        assertThat(WorkloadView.changed(env, before)).isTrue();
        Deployment released = deployment();
        released.getMetadata().setManagedFields(java.util.List.of(released.getMetadata().getManagedFields().get(0)));
        assertThat(WorkloadView.changed(released, before)).isTrue();
        Deployment selector = deployment();
        selector.getSpec().getSelector().setMatchLabels(Map.of("app", "checkout-v2"));
        assertThat(WorkloadView.changed(selector, before)).isTrue();
    }
}
