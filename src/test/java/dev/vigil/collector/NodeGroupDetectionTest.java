package dev.vigil.collector;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.vigil.serialization.Yaml;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real collector processes of Vigil's distribution, each started with one node group's generated config (of
 * NodeGroupGoldenTest's fleet), against local stand-ins for the clouds' metadata services (vigildetect lets each
 * endpoint be overridden): a log line read from the node's pod log directory comes out with the group's
 * cloud.provider, cloud.region and host.* attributes, its own attributes, and k8s.node.name. A group whose
 * metadata service never answers still starts within its detection timeout, without cloud attributes.
 *
 * <p>What the test changes in a group's config is only where things are on this machine: the pod log and state
 * directories, the operator's rules endpoint, the metadata endpoints, and the exporters (a file instead of the
 * OTLP endpoints).
 */
class NodeGroupDetectionTest {
    @TempDir
    Path tmp;
    HttpServer metadata;
    final CountDownLatch never = new CountDownLatch(1);

    @BeforeEach
    void standIns() throws IOException {
        metadata = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        // EC2 (IMDSv2: a session token first, the document only with it).
        metadata.createContext("/ec2/latest/api/token", ex -> answer(ex, "PUT".equals(ex.getRequestMethod())
                && ex.getRequestHeaders().getFirst("X-aws-ec2-metadata-token-ttl-seconds") != null ? 200 : 400, "tok"));
        metadata.createContext("/ec2/latest/dynamic/instance-identity/document", ex -> answer(ex,
                "tok".equals(ex.getRequestHeaders().getFirst("X-aws-ec2-metadata-token")) ? 200 : 401,
                "{\"accountId\":\"123456789012\",\"availabilityZone\":\"eu-west-1a\",\"imageId\":\"ami-0abc\","
                        + "\"instanceId\":\"i-0123456789abcdef0\",\"instanceType\":\"m6i.large\",\"region\":\"eu-west-1\"}"));
        metadata.createContext("/ec2/latest/meta-data/hostname", ex -> answer(ex, 200, "ip-10-0-1-7.eu-west-1.compute.internal"));
        metadata.createContext("/azure/metadata/instance/compute", ex -> answer(ex,
                "true".equals(ex.getRequestHeaders().getFirst("Metadata")) ? 200 : 400,
                "{\"location\":\"westeurope\",\"name\":\"aks-pool1-vmss000002\",\"vmId\":\"0d3f9a2e-aaaa\","
                        + "\"vmSize\":\"Standard_D4s_v5\",\"subscriptionId\":\"sub-42\",\"resourceGroupName\":\"MC_rg\",\"zone\":\"2\"}"));
        metadata.createContext("/gcp/computeMetadata/v1/instance/", ex -> answer(ex,
                "Google".equals(ex.getRequestHeaders().getFirst("Metadata-Flavor")) ? 200 : 403,
                "{\"id\":8234567890123456789,\"name\":\"gke-batch-1\",\"zone\":\"projects/555/zones/us-central1-c\","
                        + "\"machineType\":\"projects/555/machineTypes/e2-standard-4\"}"));
        metadata.createContext("/gcp/computeMetadata/v1/project/project-id", ex -> answer(ex, 200, "my-project"));
        metadata.createContext("/hang", ex -> {
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.close();
        });
        metadata.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        metadata.start();
    }

    @AfterEach
    void stop() {
        never.countDown();
        metadata.stop(0);
    }

    private static void answer(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }

    private String base(String path) {
        return "http://127.0.0.1:" + metadata.getAddress().getPort() + path;
    }

    @Test
    void eachGroupCarriesItsProvidersAttributes() throws Exception {
        Map<String, Map<String, String>> expected = Map.of(
                "aws-general", Map.of("cloud.provider", "aws", "cloud.platform", "aws_ec2", "cloud.region", "eu-west-1",
                        "host.id", "i-0123456789abcdef0", "host.type", "m6i.large", "cloud.account.id", "123456789012",
                        "deployment.environment.name", "prod", "vigil.node_group", "aws-general"),
                "azure", Map.of("cloud.provider", "azure", "cloud.region", "westeurope", "host.id", "0d3f9a2e-aaaa",
                        "host.type", "Standard_D4s_v5", "vigil.node_group", "azure"),
                "gcp-batch", Map.of("cloud.provider", "gcp", "cloud.region", "us-central1",
                        "cloud.availability_zone", "us-central1-c", "host.id", "8234567890123456789",
                        "cloud.account.id", "my-project", "vigil.node_group", "gcp-batch"),
                "onprem", Map.of("host.name", "rack3-node12", "os.type", "linux", "vigil.node_group", "onprem"));
        for (FleetPlan.Group g : NodeGroupGoldenTest.plan().groups()) {
            if (!expected.containsKey(g.group().name())) {
                continue;
            }
            Run run = run(g, Map.of("ec2", base("/ec2"), "azure", base("/azure"), "gcp", base("/gcp")),
                    g.group().nodes().get(0));
            assertThat(run.resource()).as("resource of group %s's record (collector log:%n%s)", g.group().name(), run.log())
                    .containsAllEntriesOf(expected.get(g.group().name()))
                    .containsEntry("k8s.node.name", g.group().nodes().get(0));
            if (g.group().name().equals("onprem")) {
                assertThat(run.resource()).doesNotContainKey("cloud.provider");
            }
        }
    }

    /** The AWS group on a node whose metadata service accepts connections and never answers. */
    @Test
    void unreachableMetadataCostsOnlyTheTimeout() throws Exception {
        FleetPlan.Group aws = NodeGroupGoldenTest.plan().groups().get(0);
        assertThat(aws.group().name()).isEqualTo("aws-general");
        Run run = run(aws, Map.of("ec2", base("/hang")), "ip-10-0-1-7");
        // detectionTimeout is 3s in the fleet; the rest is the process starting and the batch flushing (1s).
        assertThat(run.firstRecord()).as("first record after start").isLessThan(Duration.ofSeconds(3 + 7));
        assertThat(run.firstRecord()).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
        assertThat(run.resource()).doesNotContainKey("cloud.provider")
                .containsEntry("host.name", "ip-10-0-1-7").containsEntry("deployment.environment.name", "prod");
        assertThat(run.log()).contains("resource detector found nothing");
    }

    record Run(Map<String, String> resource, Duration firstRecord, String log) {
    }

    @SuppressWarnings("unchecked")
    private Run run(FleetPlan.Group group, Map<String, String> endpoints, String nodeName) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(group.group().name()));
        Path pods = Files.createDirectories(dir.resolve("pods/shop_checkout-7d9f_0001/app"));
        Path out = dir.resolve("out.jsonl");
        Map<String, Object> config = Yaml.MAPPER.readValue(group.configYaml(), Map.class);
        Map<String, Object> receivers = (Map<String, Object>) config.get("receivers");
        Map<String, Object> filelog = (Map<String, Object>) receivers.get("filelog");
        filelog.put("include", List.of(dir.resolve("pods") + "/*/*/*.log"));
        filelog.put("exclude", List.of());
        Map<String, Object> extensions = (Map<String, Object>) config.get("extensions");
        ((Map<String, Object>) extensions.get("file_storage")).put("directory", dir.resolve("offsets").toString());
        Map<String, Object> processors = (Map<String, Object>) config.get("processors");
        Map<String, Object> rules = (Map<String, Object>) processors.get(NodeLogsContribution.RULES_PROCESSOR);
        rules.put("endpoint", base("/no-operator"));
        rules.put("cache_dir", dir.resolve("rules").toString());
        rules.put("token_file", "");
        Map<String, Object> detect = (Map<String, Object>) processors.get(NodeGroupContribution.DETECT_PROCESSOR);
        endpoints.forEach((k, v) -> detect.put(k, Map.of("endpoint", v)));
        config.put("exporters", Map.of("file", Map.of("path", out.toString(), "format", "json", "flush_interval", "100ms")));
        Map<String, Object> service = (Map<String, Object>) config.get("service");
        service.put("extensions", List.of("file_storage"));
        service.put("telemetry", Map.of("metrics", Map.of("level", "none")));
        Map<String, Object> logs = (Map<String, Object>) ((Map<String, Object>) service.get("pipelines")).get("logs");
        logs.put("exporters", List.of("file"));
        Path configFile = dir.resolve("config.yaml");
        Files.writeString(configFile, Yaml.write(config));
        Files.writeString(pods.resolve("0.log"), "2026-12-06T08:00:00.5Z stdout F order 42 paid\n");

        ProcessBuilder pb = new ProcessBuilder(RealCollector.binary().toString(), "--config=" + configFile)
                .redirectErrorStream(true).redirectOutput(dir.resolve("collector.log").toFile());
        pb.environment().put(CollectorConfig.NODE_NAME_ENV, nodeName);
        pb.environment().remove("OTEL_RESOURCE_ATTRIBUTES");
        Instant started = Instant.now();
        Process p = pb.start();
        Map<String, String> resource = null;
        Duration first = null;
        try {
            Instant deadline = started.plusSeconds(30);
            while (resource == null && Instant.now().isBefore(deadline) && p.isAlive()) {
                Thread.sleep(100);
                resource = firstResource(out);
                if (resource != null) {
                    first = Duration.between(started, Instant.now());
                }
            }
        } finally {
            p.destroy();
            p.waitFor();
        }
        String log = Files.readString(dir.resolve("collector.log"));
        assertThat(resource).as("a record exported by group %s (collector log:%n%s)", group.group().name(), log).isNotNull();
        return new Run(resource, first, log);
    }

    private static Map<String, String> firstResource(Path out) throws IOException {
        List<RealCollector.ExportedLogs> logs = RealCollector.exportedLogs(out);
        return logs.isEmpty() ? null : logs.get(0).resource();
    }
}
