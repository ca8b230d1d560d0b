package dev.vigil.logs;

import dev.vigil.api.v1alpha1.WorkloadRef;
import dev.vigil.selection.LabelSelectors;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A workload whose pods' log records a rule or the enrichment applies to, and the agents' condition that picks those
 * records out: namespace equality plus an anchored RE2 expression over the pod name (a Deployment's pods are
 * {@code <name>-<pod-template-hash>-<5>}, a StatefulSet's {@code <name>-<ordinal>}), from the file path the container
 * parser read. It depends on the workload, never on its pods, so pods coming and going never change what is served.
 */
public record Workload(WorkloadRef.Kind kind, String name) implements Comparable<Workload> {
    /** The characters of Kubernetes' generated name suffixes (k8s.io/apimachinery rand.SafeEncodeString). */
    static final String SAFE = "[bcdfghjklmnpqrstvwxz2456789]";

    public static Workload of(WorkloadRef ref) {
        return new Workload(ref.kindOrDefault(), ref.name);
    }

    /** The workloads among these whose pod template {@code podSelector} matches, sorted. */
    public static List<Workload> selected(LabelSelector podSelector, Stream<Deployment> deployments,
            Stream<StatefulSet> statefulSets) {
        return Stream.concat(
                deployments.filter(d -> LabelSelectors.matches(podSelector, labels(d.getSpec().getTemplate())))
                        .map(d -> new Workload(WorkloadRef.Kind.Deployment, d.getMetadata().getName())),
                statefulSets.filter(s -> LabelSelectors.matches(podSelector, labels(s.getSpec().getTemplate())))
                        .map(s -> new Workload(WorkloadRef.Kind.StatefulSet, s.getMetadata().getName())))
                .sorted().toList();
    }

    static Map<String, String> labels(PodTemplateSpec t) {
        return t == null || t.getMetadata() == null || t.getMetadata().getLabels() == null ? Map.of()
                : t.getMetadata().getLabels();
    }

    /** {@code Deployment/name}, as status shows it. */
    @Override
    public String toString() {
        return kind + "/" + name;
    }

    /** The inverse of {@link #toString()}; empty for text that is not one. */
    public static Optional<Workload> parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Workload(WorkloadRef.Kind.valueOf(text.substring(0, slash)),
                    text.substring(slash + 1)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    String podNamePattern() {
        return name.replace(".", "\\.") + (kind == WorkloadRef.Kind.Deployment
                ? "-" + SAFE + "{1,10}-" + SAFE + "{5}" : "-[0-9]+");
    }

    /** The records of {@code workloads}' pods in {@code namespace}, as a condition of the collector's expr language. */
    static String condition(String namespace, List<Workload> workloads) {
        String pods = workloads.stream().sorted().map(Workload::podNamePattern).collect(Collectors.joining("|"));
        return "resource[\"k8s.namespace.name\"] == " + AgentOperators.quote(namespace)
                + " and resource[\"k8s.pod.name\"] matches "
                + AgentOperators.quote(workloads.size() == 1 ? "^" + pods + "$" : "^(?:" + pods + ")$");
    }

    @Override
    public int compareTo(Workload o) {
        int k = kind.compareTo(o.kind);
        return k != 0 ? k : name.compareTo(o.name);
    }
}
