package dev.vigil.selection;

import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.ServiceSelectorSpec;
import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.api.v1alpha1.TelemetryCollectorSpec;

import java.util.Collection;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Which fleet collects which service. A fleet selects services through spec.serviceSelector; when several fleets
 * select the same service, the oldest fleet (then namespace/name) wins, so that each service is collected once and
 * every operator replica agrees.
 */
public final class FleetSelection {
    private static final Comparator<TelemetryCollector> PRECEDENCE = Comparator
            .comparing((TelemetryCollector t) -> Objects.requireNonNullElse(t.getMetadata().getCreationTimestamp(), ""))
            .thenComparing(t -> t.getMetadata().getNamespace())
            .thenComparing(t -> t.getMetadata().getName());

    private FleetSelection() {
    }

    /**
     * @param namespaceLabels labels of a namespace by name (absent namespace: no labels)
     */
    public static boolean selects(TelemetryCollector fleet, InstrumentedService service,
            Function<String, Map<String, String>> namespaceLabels) {
        ServiceSelectorSpec sel = fleet.getSpec().serviceSelector;
        return collectsFrom(fleet, service.getMetadata().getNamespace(), namespaceLabels)
                && LabelSelectors.matches(sel == null ? null : sel.selector, service.getMetadata().getLabels());
    }

    /**
     * Whether {@code fleet} selects services of {@code namespace} at all: its own namespace without a
     * namespaceSelector, else the namespaces whose labels match it. A service, or a pod, of any other namespace is
     * nothing to the fleet, whatever its labels.
     */
    public static boolean collectsFrom(TelemetryCollector fleet, String namespace,
            Function<String, Map<String, String>> namespaceLabels) {
        ServiceSelectorSpec sel = fleet.getSpec().serviceSelector;
        if (sel == null || sel.namespaceSelector == null) {
            return namespace.equals(fleet.getMetadata().getNamespace());
        }
        return LabelSelectors.matches(sel.namespaceSelector, namespaceLabels.apply(namespace));
    }

    /** The metrics fleet (spec.mode shards) that collects {@code service}'s metrics and traces. */
    public static Optional<TelemetryCollector> chooseFleet(InstrumentedService service, Collection<TelemetryCollector> fleets,
            Function<String, Map<String, String>> namespaceLabels) {
        return chooseFleet(service, fleets, namespaceLabels, TelemetryCollectorSpec.Mode.shards);
    }

    /**
     * The fleet of {@code mode} that collects {@code service}: a service has at most one metrics fleet and one agent
     * fleet (its logs), each chosen among the fleets of that mode only.
     */
    public static Optional<TelemetryCollector> chooseFleet(InstrumentedService service, Collection<TelemetryCollector> fleets,
            Function<String, Map<String, String>> namespaceLabels, TelemetryCollectorSpec.Mode mode) {
        return candidates(service, fleets, namespaceLabels, mode).min(PRECEDENCE);
    }

    /** How many metrics fleets select {@code service}. */
    public static long countSelecting(InstrumentedService service, Collection<TelemetryCollector> fleets,
            Function<String, Map<String, String>> namespaceLabels) {
        return candidates(service, fleets, namespaceLabels, TelemetryCollectorSpec.Mode.shards).count();
    }

    /** The fleets of {@code mode}, not being deleted, that select {@code service}. */
    private static Stream<TelemetryCollector> candidates(InstrumentedService service,
            Collection<TelemetryCollector> fleets, Function<String, Map<String, String>> namespaceLabels,
            TelemetryCollectorSpec.Mode mode) {
        return fleets.stream()
                .filter(f -> f.getMetadata().getDeletionTimestamp() == null)
                .filter(f -> f.getSpec().modeOrDefault() == mode)
                .filter(f -> selects(f, service, namespaceLabels));
    }
}
