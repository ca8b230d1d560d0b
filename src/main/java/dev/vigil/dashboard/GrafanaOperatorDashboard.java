package dev.vigil.dashboard;

import dev.vigil.api.v1alpha1.DashboardSpec;
import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.config.DashboardSettings;
import dev.vigil.kube.OptionalCrdObject;
import dev.vigil.naming.Labels;
import dev.vigil.naming.Names;
import dev.vigil.naming.Owners;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;

/**
 * A dashboard as a {@code GrafanaDashboard} (grafana.integreatly.org/v1beta1) for the Grafana operator: same name
 * and JSON as the ConfigMap it replaces, {@code spec.instanceSelector} from the operator's settings, the folder from
 * the resource's {@code spec.dashboard.folder}. JSON above {@link #GZIP_ABOVE_BYTES} goes into {@code gzipJson}.
 *
 * <p>An {@link OptionalCrdObject} (its CRD may be missing, so it cannot be a JOSDK dependent). Its
 * {@code spec.instanceSelector} is immutable in the Grafana operator's CRD, and turning
 * {@code allowCrossNamespaceImport} off needs a new object: after such a settings change the old object is deleted
 * and a new one created, which the Grafana operator sees as the same dashboard (same uid) moving.
 */
public final class GrafanaOperatorDashboard {
    public static final String GROUP = "grafana.integreatly.org";
    public static final String VERSION = "v1beta1";
    public static final String KIND = "GrafanaDashboard";
    public static final String PLURAL = "grafanadashboards";
    public static final String CRD = PLURAL + "." + GROUP;
    /**
     * Well under the API server's 1.5 MiB request limit, with room for the object's metadata and managed fields; and
     * the largest dashboards (up to ~175 KB of compact JSON at the schema's maximum) stay small in etcd and in every
     * watch of them.
     */
    public static final int GZIP_ABOVE_BYTES = 128 * 1024;
    static final ResourceDefinitionContext CONTEXT = new ResourceDefinitionContext.Builder()
            .withGroup(GROUP).withVersion(VERSION).withKind(KIND).withPlural(PLURAL).withNamespaced(true).build();

    private GrafanaOperatorDashboard() {
    }

    public static GenericKubernetesResource forService(InstrumentedService service, DashboardSettings settings) {
        return build(service, Names.dashboard(service.getMetadata().getName()), service.getSpec().dashboard,
                Grafana.compactJson(ServiceDashboard.build(service)), settings);
    }

    public static GenericKubernetesResource forFleet(TelemetryCollector fleet, DashboardSettings settings) {
        return build(fleet, Names.fleetDashboard(fleet.getMetadata().getName()), fleet.getSpec().dashboard,
                Grafana.compactJson(FleetDashboard.build(fleet)), settings);
    }

    static GenericKubernetesResource build(HasMetadata owner, String name, DashboardSpec dashboard, String json,
            DashboardSettings settings) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("instanceSelector", Map.of("matchLabels", new TreeMap<>(settings.grafanaInstanceSelector())));
        spec.put("allowCrossNamespaceImport", settings.allowCrossNamespaceImport());
        spec.put("folder", dashboard == null || dashboard.folder == null ? ServiceDashboardConfigMap.DEFAULT_FOLDER
                : dashboard.folder);
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > GZIP_ABOVE_BYTES) {
            spec.put("gzipJson", Base64.getEncoder().encodeToString(gzip(bytes)));
        } else {
            spec.put("json", json);
        }
        return new GenericKubernetesResourceBuilder()
                .withApiVersion(GROUP + "/" + VERSION)
                .withKind(KIND)
                .withNewMetadata()
                .withName(name)
                .withNamespace(owner.getMetadata().getNamespace())
                .withLabels(Labels.dashboard(owner.getMetadata().getName()))
                .withOwnerReferences(Owners.controller(owner))
                .endMetadata()
                .withAdditionalProperties(Map.of("spec", spec))
                .build();
    }

    /** Deterministic: Java's gzip header carries no timestamp or file name. */
    static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 4);
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The one write routine of optional-CRD objects, with this kind's notion of "same" and of immutable fields. */
    static final OptionalCrdObject OBJECT = new OptionalCrdObject(CONTEXT, GrafanaOperatorDashboard::sameSpec,
            GrafanaOperatorDashboard::needsNewObject);

    /**
     * Brings the cluster's GrafanaDashboard {@code name} in line: {@code desired} applied when missing or
     * different, or — {@code desired} null — an owned one deleted (dashboard switched off, or delivered as a
     * ConfigMap again). A GrafanaDashboard of that name that Vigil does not own is never touched. Returns why it
     * could not deliver, or null.
     */
    public static String sync(KubernetesClient client, HasMetadata owner, String name, GenericKubernetesResource desired) {
        if (OBJECT.reconcile(client, owner, name, desired) == OptionalCrdObject.Result.NAME_TAKEN) {
            return "GrafanaDashboard " + name + " already exists and is not owned by this " + owner.getKind()
                    + "; it was left untouched (delete or rename it, or switch this dashboard off)";
        }
        return null;
    }

    /** The fields the Grafana operator's CRD will not let an update change. */
    static boolean needsNewObject(GenericKubernetesResource current, GenericKubernetesResource desired) {
        return needsNewObject(spec(current), spec(desired));
    }

    private static boolean needsNewObject(Map<String, Object> now, Map<String, Object> wanted) {
        return !Objects.equals(now.get("instanceSelector"), wanted.get("instanceSelector"))
                || (Boolean.TRUE.equals(now.get("allowCrossNamespaceImport"))
                        && !Boolean.TRUE.equals(wanted.get("allowCrossNamespaceImport")));
    }

    /** Every spec field Vigil sets equal (the CRD's defaults, like resyncPeriod, may add others), labels present, owned. */
    static boolean same(GenericKubernetesResource current, GenericKubernetesResource desired, HasMetadata owner) {
        return Owners.ownedBy(current, owner) && OBJECT.same(current, desired);
    }

    private static boolean sameSpec(Map<String, Object> now, Map<String, Object> wanted) {
        return wanted.entrySet().stream().allMatch(e -> Objects.equals(now.get(e.getKey()), e.getValue()))
                // json and gzipJson exclude each other: a switch between them must remove the other.
                && (wanted.containsKey("json") ? !now.containsKey("gzipJson") : !now.containsKey("json"));
    }

    private static Map<String, Object> spec(GenericKubernetesResource r) {
        return OptionalCrdObject.spec(r);
    }
}
