package dev.vigil.sharding;

import dev.vigil.kube.Durations;
import dev.vigil.selection.LabelSelectors;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
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
        Map<String, NamespacePods> namespaces = new HashMap<>();
        for (ScrapeTarget t : services) {
            if (t.podSelector() == null) {
                continue;
            }
            String job = t.namespace() + "/" + t.name();
            Duration interval = Durations.parse(t.interval() != null ? t.interval() : defaultInterval);
            Duration timeout = interval.compareTo(MAX_TIMEOUT) < 0 ? interval : MAX_TIMEOUT;
            NamespacePods pods = namespaces.computeIfAbsent(t.namespace(), ns -> new NamespacePods(podsInNamespace.apply(ns)));
            for (Pod pod : pods.candidates(t.podSelector())) {
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
        if (!running(pod)) {
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

    private static boolean running(Pod pod) {
        return pod.getStatus() != null && pod.getStatus().getPodIP() != null && !pod.getStatus().getPodIP().isEmpty()
                && "Running".equals(pod.getStatus().getPhase()) && pod.getMetadata().getDeletionTimestamp() == null;
    }

    /**
     * A namespace's running pods, and the same by label: a service's candidates are the pods that carry the rarest
     * of its matchLabels, not every pod of the namespace ({@link #eligible} still checks the whole selector). Built
     * once per namespace and {@link #of} call. Matching every service against every pod was 10^6 selector matches a
     * fleet reconcile at 1,000 services in one namespace: a third of the reconcile threads' CPU while they arrived.
     */
    private static final class NamespacePods {
        private record Label(String key, String value) {
        }

        private final List<Pod> running = new ArrayList<>();
        private final Map<Label, List<Pod>> byLabel = new HashMap<>();

        NamespacePods(List<Pod> pods) {
            for (Pod pod : pods) {
                if (!running(pod)) {
                    continue;
                }
                running.add(pod);
                Map<String, String> labels = pod.getMetadata().getLabels();
                if (labels != null) {
                    labels.forEach((k, v) -> byLabel.computeIfAbsent(new Label(k, v), l -> new ArrayList<>(1)).add(pod));
                }
            }
        }

        /** The pods that may match: those with the selector's rarest matchLabel, or all without matchLabels. */
        List<Pod> candidates(LabelSelector selector) {
            if (selector.getMatchLabels() == null || selector.getMatchLabels().isEmpty()) {
                return running;
            }
            List<Pod> fewest = null;
            for (Map.Entry<String, String> e : selector.getMatchLabels().entrySet()) {
                List<Pod> with = byLabel.getOrDefault(new Label(e.getKey(), e.getValue()), List.of());
                if (fewest == null || with.size() < fewest.size()) {
                    fewest = with;
                }
            }
            return fewest;
        }
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
