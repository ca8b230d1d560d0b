package dev.vigil.packaging;

import dev.vigil.render.GoldenFiles;
import dev.vigil.serialization.Yaml;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The chart with the real helm binary (VIGIL_HELM, built by e2e/tools/build-tools.sh helm). */
class HelmChartTest {
    private static final Path CHART = GoldenFiles.repoRoot().resolve("helm/vigil");

    record Run(int code, String out) {
    }

    static Run helm(String... args) throws Exception {
        String helm = System.getenv("VIGIL_HELM");
        assertThat(helm).as("VIGIL_HELM must point at helm (bash .ci/run sets it)").isNotBlank();
        List<String> cmd = new ArrayList<>(List.of(helm));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out);
    }

    static List<JsonNode> template(String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("template", "vigil", CHART.toString(), "--namespace", "vigil-system",
                "--kube-version", "1.34.0"));
        args.addAll(List.of(extra));
        Run r = helm(args.toArray(String[]::new));
        assertThat(r.code()).as(r.out()).isZero();
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = Yaml.MAPPER.readerFor(JsonNode.class).readValues(r.out())) {
            while (it.hasNext()) {
                JsonNode d = it.next();
                if (d != null && !d.isNull() && !d.isEmpty()) {
                    docs.add(d);
                }
            }
        }
        return docs;
    }

    @Test
    void lintStrictPasses() throws Exception {
        Run r = helm("lint", "--strict", CHART.toString(), "--kube-version", "1.34.0");
        assertThat(r.code()).as(r.out()).isZero();
        assertThat(r.out()).contains("0 chart(s) failed");
    }

    @Test
    void rbacNamesEveryVerbAndResourceAndIsNotClusterAdmin() throws Exception {
        List<JsonNode> docs = template();
        List<JsonNode> rules = new ArrayList<>();
        for (JsonNode d : docs) {
            String kind = d.path("kind").asText();
            if (kind.equals("ClusterRole") || kind.equals("Role")) {
                d.path("rules").forEach(rules::add);
            }
            if (kind.endsWith("RoleBinding")) {
                assertThat(d.path("roleRef").path("name").asText()).isNotIn("cluster-admin", "admin", "edit");
            }
        }
        assertThat(rules).isNotEmpty();
        for (JsonNode rule : rules) {
            for (String field : List.of("verbs", "resources", "apiGroups")) {
                rule.path(field).forEach(v -> assertThat(v.asText()).as("%s in %s", field, rule).isNotEqualTo("*"));
            }
        }
        // The operator never writes a user's spec: no write verb on its own resources, only on their status.
        for (JsonNode rule : rules) {
            boolean ownResource = false;
            for (JsonNode res : rule.path("resources")) {
                ownResource |= List.of("telemetrycollectors", "instrumentedservices", "logparserrules").contains(res.asText());
            }
            if (ownResource) {
                rule.path("verbs").forEach(v -> assertThat(v.asText()).isIn("get", "list", "watch"));
            }
        }
    }

    @Test
    void podPassesPodSecurityRestrictedWithAReadOnlyRoot() throws Exception {
        JsonNode deployment = template().stream().filter(d -> d.path("kind").asText().equals("Deployment")).findFirst()
                .orElseThrow();
        JsonNode pod = deployment.path("spec").path("template").path("spec");
        assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.path("securityContext").path("seccompProfile").path("type").asText()).isEqualTo("RuntimeDefault");
        JsonNode c = pod.path("containers").get(0);
        assertThat(c.path("securityContext").path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
        assertThat(c.path("securityContext").path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(c.path("securityContext").path("capabilities").path("drop").get(0).asText()).isEqualTo("ALL");
        assertThat(c.path("resources").path("limits").path("memory").asText()).isEqualTo("512Mi");
    }

    @Test
    void valuesReachTheOperator() throws Exception {
        JsonNode deployment = template("--set", "watchNamespaces={team-a,team-b}", "--set", "logFormat=json",
                "--set", "replicaCount=2").stream().filter(d -> d.path("kind").asText().equals("Deployment"))
                .findFirst().orElseThrow();
        assertThat(deployment.path("spec").path("replicas").asInt()).isEqualTo(2);
        String env = deployment.path("spec").path("template").path("spec").path("containers").get(0).path("env").toString();
        assertThat(env).contains("{\"name\":\"QUARKUS_OPERATOR_SDK_NAMESPACES\",\"value\":\"team-a,team-b\"}",
                "{\"name\":\"QUARKUS_LOG_CONSOLE_JSON_ENABLED\",\"value\":\"true\"}",
                "{\"name\":\"VIGIL_SD_BASE_URL\",\"value\":\"http://vigil.vigil-system.svc:8080\"}");
    }

    @Test
    void theServiceDiscoveryAddressCanBeTheServicesClusterIp() throws Exception {
        List<JsonNode> docs = template("--set", "service.clusterIP=10.96.200.10",
                "--set", "serviceDiscovery.baseUrl=http://10.96.200.10:8080");
        JsonNode service = docs.stream().filter(d -> d.path("kind").asText().equals("Service")).findFirst().orElseThrow();
        assertThat(service.path("spec").path("clusterIP").asText()).isEqualTo("10.96.200.10");
        JsonNode deployment = docs.stream().filter(d -> d.path("kind").asText().equals("Deployment")).findFirst()
                .orElseThrow();
        assertThat(deployment.path("spec").path("template").path("spec").path("containers").get(0).path("env")
                .toString()).contains("{\"name\":\"VIGIL_SD_BASE_URL\",\"value\":\"http://10.96.200.10:8080\"}");
    }

    @Test
    void theValuesSchemaRejectsNonsense() throws Exception {
        for (String[] bad : List.of(new String[] {"logFormat=xml"}, new String[] {"replicaCount=0"},
                new String[] {"watchNamespaces={Not_A_Namespace}"}, new String[] {"unknownKey=1"},
                new String[] {"tracing.enabled=true"}, new String[] {"serviceDiscovery.baseUrl=vigil:8080"},
                new String[] {"service.clusterIP=not-an-ip"})) {
            Run r = helm("template", "vigil", CHART.toString(), "--kube-version", "1.34.0", "--set", bad[0]);
            assertThat(r.code()).as("helm template --set %s should fail", bad[0]).isNotZero();
            assertThat(r.out()).contains("values don't meet the specifications of the schema");
        }
    }
}
