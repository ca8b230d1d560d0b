package dev.vigil.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.InstrumentedServiceStatus.SloReportStatus;
import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.naming.Labels;
import dev.vigil.naming.Names;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The platform team's view of the SLO reports: per namespace, the last report of every service a fleet collects
 * (from the services' status), how many SLOs met their objective and how many missed it. A pure function of the
 * fleet and the services' statuses, so the ConfigMap changes only when a report does.
 */
public final class SloRollup {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    public record Service(String name, String period, Boolean complete, int met, int missed, List<String> slos) {
    }

    public record Namespace(String namespace, int met, int missed, List<Service> services) {
    }

    private SloRollup() {
    }

    /** The services that have a report, by namespace then name. */
    public static List<Namespace> namespaces(List<InstrumentedService> collected) {
        Map<String, List<Service>> byNamespace = new TreeMap<>();
        collected.stream()
                .filter(s -> s.getStatus() != null && s.getStatus().sloReport != null && s.getStatus().sloReport.period != null)
                .sorted(Comparator.comparing((InstrumentedService s) -> s.getMetadata().getNamespace())
                        .thenComparing(s -> s.getMetadata().getName()))
                .forEach(s -> {
                    SloReportStatus r = s.getStatus().sloReport;
                    byNamespace.computeIfAbsent(s.getMetadata().getNamespace(), n -> new ArrayList<>())
                            .add(new Service(s.getMetadata().getName(), r.period, r.complete, r.met == null ? 0 : r.met,
                                    r.missed == null ? 0 : r.missed, r.summary == null ? List.of() : r.summary));
                });
        List<Namespace> out = new ArrayList<>();
        byNamespace.forEach((ns, services) -> out.add(new Namespace(ns,
                services.stream().mapToInt(Service::met).sum(), services.stream().mapToInt(Service::missed).sum(), services)));
        return out;
    }

    public static boolean wanted(List<InstrumentedService> collected) {
        return !namespaces(collected).isEmpty();
    }

    public static ConfigMap build(TelemetryCollector fleet, List<InstrumentedService> collected) {
        List<Namespace> namespaces = namespaces(collected);
        String id = fleet.getMetadata().getNamespace() + "/" + fleet.getMetadata().getName();
        Map<String, String> data = new LinkedHashMap<>();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("fleet", id);
        json.put("namespaces", namespaces);
        try {
            data.put("rollup.json", JSON.writeValueAsString(json));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        data.put("rollup.md", markdown(id, namespaces));
        return new ConfigMapBuilder().withNewMetadata()
                .withName(Names.sloRollup(fleet.getMetadata().getName()))
                .withNamespace(fleet.getMetadata().getNamespace())
                .withLabels(Labels.sloRollup(fleet.getMetadata().getName()))
                .endMetadata().withData(data).build();
    }

    static String markdown(String fleet, List<Namespace> namespaces) {
        StringBuilder sb = new StringBuilder("# SLO reports of the services fleet ").append(fleet).append(" collects\n\n")
                .append("| namespace | services | SLOs met | SLOs missed |\n|---|---|---|---|\n");
        for (Namespace n : namespaces) {
            sb.append("| ").append(n.namespace()).append(" | ").append(n.services().size()).append(" | ").append(n.met())
                    .append(" | ").append(n.missed() == 0 ? "0" : "**" + n.missed() + "**").append(" |\n");
        }
        for (Namespace n : namespaces) {
            sb.append("\n## ").append(n.namespace()).append("\n\n| service | period | SLOs |\n|---|---|---|\n");
            for (Service s : n.services()) {
                sb.append("| ").append(s.name()).append(" | ").append(s.period())
                        .append(Boolean.FALSE.equals(s.complete()) ? " (so far)" : "").append(" | ")
                        .append(String.join("<br>", s.slos()).replace("|", "\\|")).append(" |\n");
            }
        }
        return sb.toString();
    }
}
