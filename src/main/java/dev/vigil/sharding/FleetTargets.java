package dev.vigil.sharding;

import dev.vigil.kube.Durations;
import dev.vigil.selection.LabelSelectors;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The scrape endpoints of a fleet: for every service it collects, the running pods its workload selects that
 * declare the service's metrics port, at {@code podIP:port}. Pure: the pods come in through a lookup.
 */
public final class FleetTargets {
    public static final String HANDOFF_LABEL = "vigil_handoff";
    static final Duration MAX_TIMEOUT = Duration.ofSeconds(10);

    private FleetTargets() {
    }

    /**
     * @param services        the services the fleet collects, with their workload selectors
     * @param podsInNamespace pods of a namespace
     * @param defaultInterval the fleet's scrape interval, for services that set none
     */
    public static List<ScrapeEndpoint> of(List<ScrapeTarget> services, Function<String, List<Pod>> podsInNamespace,
            String defaultInterval) {
        List<ScrapeEndpoint> out = new ArrayList<>();
        for (ScrapeTarget t : services) {
            String job = t.namespace() + "/" + t.name();
            Duration interval = Durations.parse(t.interval() != null ? t.interval() : defaultInterval);
            Duration timeout = interval.compareTo(MAX_TIMEOUT) < 0 ? interval : MAX_TIMEOUT;
            for (Pod pod : podsInNamespace.apply(t.namespace())) {
                if (!eligible(pod, t)) {
                    continue;
                }
                String address = pod.getStatus().getPodIP() + ":" + t.port();
                Map<String, String> labels = new LinkedHashMap<>();
                labels.put("job", job);
                labels.put("namespace", t.namespace());
                labels.put("pod", pod.getMetadata().getName());
                labels.put("service", t.name());
                labels.put("__metrics_path__", t.path());
                labels.put("__scheme__", t.scheme());
                labels.put("__scrape_interval__", Durations.format(interval));
                labels.put("__scrape_timeout__", Durations.format(timeout));
                out.add(new ScrapeEndpoint(ScrapeEndpoint.key(job, address), address, labels));
            }
        }
        out.sort(Comparator.comparing(ScrapeEndpoint::key));
        return out;
    }

    static boolean eligible(Pod pod, ScrapeTarget t) {
        if (pod.getStatus() == null || pod.getStatus().getPodIP() == null || pod.getStatus().getPodIP().isEmpty()
                || !"Running".equals(pod.getStatus().getPhase()) || pod.getMetadata().getDeletionTimestamp() != null) {
            return false;
        }
        if (t.podSelector() == null || !LabelSelectors.matches(t.podSelector(), pod.getMetadata().getLabels())) {
            return false;
        }
        for (Container c : pod.getSpec().getContainers()) {
            for (ContainerPort p : c.getPorts() == null ? List.<ContainerPort>of() : c.getPorts()) {
                if (p.getContainerPort() != null && p.getContainerPort() == t.port()) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * What the fleets' pod informer keeps of a pod: what {@link #eligible} and {@link #of} read (name, labels,
     * deletion, container ports, IP, phase), not its managedFields, volumes, env or conditions.
     */
    public static Pod pruned(Pod pod) {
        PodBuilder b = new PodBuilder().withNewMetadata().withName(pod.getMetadata().getName())
                .withNamespace(pod.getMetadata().getNamespace()).withUid(pod.getMetadata().getUid())
                .withResourceVersion(pod.getMetadata().getResourceVersion()).withLabels(pod.getMetadata().getLabels())
                .withDeletionTimestamp(pod.getMetadata().getDeletionTimestamp()).endMetadata();
        PodSpecBuilder spec = new PodSpecBuilder();
        if (pod.getSpec() != null && pod.getSpec().getContainers() != null) {
            for (Container c : pod.getSpec().getContainers()) {
                List<ContainerPort> ports = new ArrayList<>();
                for (ContainerPort p : c.getPorts() == null ? List.<ContainerPort>of() : c.getPorts()) {
                    ports.add(new ContainerPortBuilder().withContainerPort(p.getContainerPort()).build());
                }
                spec.addNewContainer().withName(c.getName()).withPorts(ports).endContainer();
            }
        }
        b.withSpec(spec.build());
        if (pod.getStatus() != null) {
            b.withNewStatus().withPodIP(pod.getStatus().getPodIP()).withPhase(pod.getStatus().getPhase()).endStatus();
        }
        return b.build();
    }

    /** Whether a pod's change can change a fleet's targets (not its conditions, restarts or annotations). */
    public static boolean targetChanged(Pod now, Pod before) {
        Pod a = pruned(now);
        Pod b = pruned(before);
        return !Objects.equals(a.getMetadata().getLabels(), b.getMetadata().getLabels())
                || !Objects.equals(a.getMetadata().getDeletionTimestamp(), b.getMetadata().getDeletionTimestamp())
                || !Objects.equals(a.getSpec(), b.getSpec()) || !Objects.equals(a.getStatus(), b.getStatus());
    }
}
