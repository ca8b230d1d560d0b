package dev.vigil.logs;

import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.InstrumentedServiceSpec;
import dev.vigil.kube.LeanMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;

import java.util.Map;

/**
 * What the log rules' informers keep of services and workloads: of a service its metadata and workloadRef (a rule's
 * serviceRef resolves to that workload), of a Deployment or StatefulSet its metadata and its pod template's labels
 * (what a rule's podSelector matches). Neither a service's SLOs, pools and status nor a workload's containers and
 * status: at 10,000 services these caches held a third copy of every service and a second of every Deployment.
 */
final class RuleViews {
    private RuleViews() {
    }

    static InstrumentedService service(InstrumentedService s) {
        InstrumentedService view = new InstrumentedService();
        view.setMetadata(metadata(s.getMetadata()));
        InstrumentedServiceSpec spec = new InstrumentedServiceSpec();
        spec.workloadRef = s.getSpec() == null ? null : s.getSpec().workloadRef;
        view.setSpec(spec);
        view.setStatus(null);
        return view;
    }

    static Deployment deployment(Deployment d) {
        return new DeploymentBuilder().withMetadata(metadata(d.getMetadata())).withNewSpec().withNewTemplate()
                .withNewMetadata().withLabels(labels(d.getSpec() == null ? null : d.getSpec().getTemplate()))
                .endMetadata().endTemplate().endSpec().build();
    }

    static StatefulSet statefulSet(StatefulSet s) {
        return new StatefulSetBuilder().withMetadata(metadata(s.getMetadata())).withNewSpec().withNewTemplate()
                .withNewMetadata().withLabels(labels(s.getSpec() == null ? null : s.getSpec().getTemplate()))
                .endMetadata().endTemplate().endSpec().build();
    }

    private static ObjectMeta metadata(ObjectMeta meta) {
        return LeanMetadata.identity(meta);
    }

    private static Map<String, String> labels(PodTemplateSpec t) {
        return Workload.labels(t);
    }
}
