package dev.vigil.selection;

import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.ServiceSelectorSpec;
import dev.vigil.api.v1alpha1.TelemetryCollector;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A service's or a pod's event goes only to the fleets that collect from its namespace
 * ({@link FleetSelection#collectsFrom}): that is sound only if every fleet that selects a service collects from the
 * service's namespace, whatever the service's labels.
 */
class FleetSelectionTest {
    private static final List<String> NAMESPACES = List.of("obs", "team-a", "team-b", "team-c");
    private static final Map<String, Map<String, String>> NAMESPACE_LABELS = Map.of(
            "obs", Map.of(), "team-a", Map.of("collect", "yes", "tier", "gold"), "team-b", Map.of("collect", "yes"),
            "team-c", Map.of("collect", "no"));
    private static final Function<String, Map<String, String>> LABELS = ns -> NAMESPACE_LABELS.getOrDefault(ns, Map.of());

    static TelemetryCollector fleet(String ns, LabelSelector namespaceSelector, LabelSelector selector) {
        TelemetryCollector fleet = new TelemetryCollector();
        fleet.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName("fleet").build());
        if (namespaceSelector != null || selector != null) {
            fleet.getSpec().serviceSelector = new ServiceSelectorSpec();
            fleet.getSpec().serviceSelector.namespaceSelector = namespaceSelector;
            fleet.getSpec().serviceSelector.selector = selector;
        }
        return fleet;
    }

    static InstrumentedService service(String ns, Map<String, String> labels) {
        InstrumentedService s = new InstrumentedService();
        s.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName("svc").withLabels(labels).build());
        return s;
    }

    @Test
    void aFleetWithoutNamespaceSelectorCollectsFromItsOwnNamespaceOnly() {
        TelemetryCollector fleet = fleet("team-a", null, new LabelSelectorBuilder().addToMatchLabels("app", "x").build());
        assertThat(NAMESPACES.stream().filter(ns -> FleetSelection.collectsFrom(fleet, ns, LABELS))).containsExactly("team-a");
    }

    @Test
    void aNamespaceSelectorChoosesByTheNamespacesLabelsNotByTheFleetsNamespace() {
        TelemetryCollector fleet = fleet("obs", new LabelSelectorBuilder().addToMatchLabels("collect", "yes").build(), null);
        assertThat(NAMESPACES.stream().filter(ns -> FleetSelection.collectsFrom(fleet, ns, LABELS)))
                .containsExactly("team-a", "team-b");
        TelemetryCollector everywhere = fleet("obs", new LabelSelectorBuilder().build(), null);
        assertThat(NAMESPACES.stream().filter(ns -> FleetSelection.collectsFrom(everywhere, ns, LABELS)))
                .containsExactlyElementsOf(NAMESPACES);
    }

    @Test
    void everyFleetThatSelectsAServiceCollectsFromItsNamespace() {
        Random random = new Random(17);
        List<LabelSelector> selectors = new java.util.ArrayList<>();
        selectors.add(null);
        selectors.add(new LabelSelectorBuilder().build());
        selectors.add(new LabelSelectorBuilder().addToMatchLabels("collect", "yes").build());
        selectors.add(new LabelSelectorBuilder().addToMatchLabels("tier", "gold").build());
        selectors.add(new LabelSelectorBuilder().addNewMatchExpression().withKey("collect").withOperator("NotIn")
                .withValues("no").endMatchExpression().build());
        selectors.add(new LabelSelectorBuilder().addToMatchLabels("team", "payments").build());
        selectors.add(new LabelSelectorBuilder().addNewMatchExpression().withKey("team").withOperator("Exists")
                .endMatchExpression().build());
        int selected = 0;
        for (int i = 0; i < 2_000; i++) {
            TelemetryCollector fleet = fleet(NAMESPACES.get(random.nextInt(NAMESPACES.size())),
                    selectors.get(random.nextInt(selectors.size())), selectors.get(random.nextInt(selectors.size())));
            Map<String, String> labels = new HashMap<>();
            if (random.nextBoolean()) {
                labels.put("team", random.nextBoolean() ? "payments" : "search");
            }
            if (random.nextBoolean()) {
                labels.put("collect", random.nextBoolean() ? "yes" : "no");
            }
            InstrumentedService service = service(NAMESPACES.get(random.nextInt(NAMESPACES.size())), labels);
            if (FleetSelection.selects(fleet, service, LABELS)) {
                selected++;
                assertThat(FleetSelection.collectsFrom(fleet, service.getMetadata().getNamespace(), LABELS))
                        .as("fleet %s selects %s", fleet.getSpec().serviceSelector, service.getMetadata()).isTrue();
            }
        }
        assertThat(selected).as("cases where the fleet selects the service").isGreaterThan(200);
    }
}
