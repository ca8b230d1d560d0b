package dev.vigil.dashboard;

import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.config.DashboardSettings;
import dev.vigil.naming.Labels;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The GrafanaDashboard Vigil writes for the Grafana operator: the same dashboard as the ConfigMap, the instance
 * selector and folder, gzip above the size threshold, and when a settings change needs a new object. The object on
 * a real API server (schema, server-side apply, switch from/to ConfigMaps, garbage collection) is e2e suite 11.
 */
class GrafanaOperatorDashboardTest {
    static final DashboardSettings SETTINGS = new DashboardSettings(Labels.parse(DashboardSettings.DEFAULT_LABELS),
            DashboardSettings.DEFAULT_FOLDER_ANNOTATION, Labels.parse("team=platform, dashboards=grafana"), true);

    @SuppressWarnings("unchecked")
    static Map<String, Object> spec(GenericKubernetesResource r) {
        return (Map<String, Object>) r.getAdditionalProperties().get("spec");
    }

    @Test
    void sameDashboardAsTheConfigMapWithTheInstanceSelectorAndFolder() {
        InstrumentedService s = DashboardCases.slosAndPools();
        s.getMetadata().setUid("5f0c9a2e-0000-4000-8000-000000000001");
        GenericKubernetesResource gd = GrafanaOperatorDashboard.forService(s, SETTINGS);
        assertThat(gd.getApiVersion()).isEqualTo("grafana.integreatly.org/v1beta1");
        assertThat(gd.getKind()).isEqualTo("GrafanaDashboard");
        assertThat(gd.getMetadata().getName()).isEqualTo("checkout-dashboard");
        assertThat(gd.getMetadata().getNamespace()).isEqualTo("shop");
        assertThat(gd.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "vigil")
                .doesNotContainKey("grafana_dashboard");
        OwnerReference owner = gd.getMetadata().getOwnerReferences().get(0);
        assertThat(owner.getUid()).isEqualTo(s.getMetadata().getUid());
        assertThat(owner.getController()).isTrue();
        Map<String, Object> spec = spec(gd);
        assertThat(spec.get("json")).isEqualTo(ServiceDashboardConfigMap.build(s, SETTINGS).getData().get("shop-checkout.json"));
        assertThat(spec).doesNotContainKey("gzipJson");
        assertThat(spec.get("folder")).isEqualTo("Payments");
        assertThat(spec.get("allowCrossNamespaceImport")).isEqualTo(true);
        // Sorted, whatever order the setting lists them in: the object's bytes do not depend on it.
        assertThat(((Map<?, ?>) spec.get("instanceSelector")).get("matchLabels").toString())
                .isEqualTo("{dashboards=grafana, team=platform}");
        assertThat(spec(GrafanaOperatorDashboard.forService(DashboardCases.minimal(), SETTINGS)).get("folder"))
                .isEqualTo("Vigil");
    }

    @Test
    void fleetDashboardToo() throws Exception {
        TelemetryCollector fleet = FleetDashboardTest.fleet();
        GenericKubernetesResource gd = GrafanaOperatorDashboard.forFleet(fleet, SETTINGS);
        assertThat(gd.getMetadata().getName()).isEqualTo("platform-collector-dashboard");
        assertThat(spec(gd).get("json")).isEqualTo(Grafana.compactJson(FleetDashboard.build(fleet)));
        assertThat(spec(gd).get("folder")).isEqualTo("Platform");
    }

    @Test
    void aDashboardAboveTheThresholdIsGzippedDeterministically() throws Exception {
        String big = "{\"title\":\"" + "x".repeat(GrafanaOperatorDashboard.GZIP_ABOVE_BYTES) + "\"}";
        InstrumentedService s = DashboardCases.minimal();
        GenericKubernetesResource gd = GrafanaOperatorDashboard.build(s, "big-dashboard", null, big, SETTINGS);
        Map<String, Object> spec = spec(gd);
        assertThat(spec).doesNotContainKey("json");
        byte[] gz = Base64.getDecoder().decode((String) spec.get("gzipJson"));
        assertThat(gz.length).isLessThan(big.length() / 100);
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(big);
        }
        assertThat(spec(GrafanaOperatorDashboard.build(s, "big-dashboard", null, big, SETTINGS)).get("gzipJson"))
                .isEqualTo(spec.get("gzipJson"));
        String small = "{\"title\":\"" + "x".repeat(GrafanaOperatorDashboard.GZIP_ABOVE_BYTES - 20) + "\"}";
        assertThat(spec(GrafanaOperatorDashboard.build(s, "d", null, small, SETTINGS))).containsKey("json")
                .doesNotContainKey("gzipJson");
    }

    /** What the API server returns: Vigil's fields plus the CRD's defaults. */
    static GenericKubernetesResource asStored(GenericKubernetesResource desired, Map<String, Object> changes) {
        Map<String, Object> spec = new LinkedHashMap<>(spec(desired));
        spec.put("resyncPeriod", "5m");
        spec.putAll(changes);
        spec.values().removeIf(v -> v == null);
        return new GenericKubernetesResourceBuilder().withApiVersion(desired.getApiVersion()).withKind(desired.getKind())
                .withMetadata(desired.getMetadata()).withAdditionalProperties(Map.of("spec", spec)).build();
    }

    @Test
    void unchangedWhenOnlyTheCrdDefaultsDifferAndChangedOtherwise() {
        InstrumentedService s = DashboardCases.slosAndPools();
        s.getMetadata().setUid("u1");
        GenericKubernetesResource desired = GrafanaOperatorDashboard.forService(s, SETTINGS);
        assertThat(GrafanaOperatorDashboard.same(asStored(desired, Map.of()), desired, s)).isTrue();
        assertThat(GrafanaOperatorDashboard.same(asStored(desired, Map.of("folder", "Other")), desired, s)).isFalse();
        assertThat(GrafanaOperatorDashboard.same(asStored(desired, Map.of("json", "{}")), desired, s)).isFalse();
        Map<String, Object> alsoGzip = new LinkedHashMap<>();
        alsoGzip.put("gzipJson", "H4sI");
        assertThat(GrafanaOperatorDashboard.same(asStored(desired, alsoGzip), desired, s)).isFalse();
        InstrumentedService other = DashboardCases.slosAndPools();
        other.getMetadata().setUid("u2");
        assertThat(GrafanaOperatorDashboard.same(asStored(desired, Map.of()), desired, other)).as("not ours").isFalse();
    }

    @Test
    void anInstanceSelectorChangeOrTurningCrossNamespaceImportOffNeedsANewObject() {
        InstrumentedService s = DashboardCases.minimal();
        GenericKubernetesResource current = GrafanaOperatorDashboard.forService(s, SETTINGS);
        assertThat(GrafanaOperatorDashboard.needsNewObject(current, current)).isFalse();
        DashboardSettings otherGrafana = new DashboardSettings(SETTINGS.configMapLabels(), SETTINGS.folderAnnotation(),
                Map.of("dashboards", "grafana-2"), true);
        assertThat(GrafanaOperatorDashboard.needsNewObject(current, GrafanaOperatorDashboard.forService(s, otherGrafana))).isTrue();
        DashboardSettings sameNamespaceOnly = new DashboardSettings(SETTINGS.configMapLabels(), SETTINGS.folderAnnotation(),
                SETTINGS.grafanaInstanceSelector(), false);
        GenericKubernetesResource narrow = GrafanaOperatorDashboard.forService(s, sameNamespaceOnly);
        assertThat(GrafanaOperatorDashboard.needsNewObject(current, narrow)).isTrue();
        assertThat(GrafanaOperatorDashboard.needsNewObject(narrow, current)).as("turning it on is an update").isFalse();
    }
}
