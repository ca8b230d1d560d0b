package dev.vigil.collector;

import dev.vigil.api.v1alpha1.ExportersSpec;
import dev.vigil.api.v1alpha1.SecretKeyRef;
import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.api.v1alpha1.TelemetryCollectorSpec;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the OpenTelemetry collector configuration of a fleet: a pure function of the fleet and the services it
 * collects. Every pod of the fleet gets the same file; the shard a pod scrapes comes from its ordinal, which the
 * StatefulSet passes in the {@value #SHARD_ENV} environment variable.
 */
public final class CollectorConfig {
    public static final String SHARD_ENV = "VIGIL_SHARD";
    public static final String OTLP_TOKEN_ENV = "VIGIL_OTLP_TOKEN";
    public static final String REMOTE_WRITE_TOKEN_ENV = "VIGIL_REMOTE_WRITE_TOKEN";
    public static final int OTLP_GRPC_PORT = 4317;
    public static final int OTLP_HTTP_PORT = 4318;
    public static final int METRICS_PORT = 8888;
    public static final int HEALTH_PORT = 13133;

    private CollectorConfig() {
    }

    /** The generated configuration, before the user's fragment is merged in. */
    public static Map<String, Object> generate(TelemetryCollector fleet, List<ScrapeTarget> targets) {
        TelemetryCollectorSpec spec = fleet.getSpec();
        List<ScrapeTarget> sorted = new ArrayList<>(targets);
        sorted.sort(Comparator.comparing(ScrapeTarget::namespace).thenComparing(ScrapeTarget::name));

        Map<String, Object> extensions = map();
        extensions.put("health_check", map("endpoint", "0.0.0.0:" + HEALTH_PORT));

        Map<String, Object> receivers = map();
        receivers.put("otlp", map("protocols", map(
                "grpc", map("endpoint", "0.0.0.0:" + OTLP_GRPC_PORT),
                "http", map("endpoint", "0.0.0.0:" + OTLP_HTTP_PORT))));
        if (!sorted.isEmpty()) {
            List<Object> jobs = new ArrayList<>();
            for (ScrapeTarget t : sorted) {
                jobs.add(scrapeJob(t, spec));
            }
            receivers.put("prometheus", map("config", map("scrape_configs", jobs)));
        }

        Map<String, Object> processors = map();
        processors.put("memory_limiter", map("check_interval", "1s", "limit_percentage", 80,
                "spike_limit_percentage", 20));
        processors.put("resource", map("attributes", List.of(
                map("key", "vigil.fleet", "value", fleet.getMetadata().getNamespace() + "/" + fleet.getMetadata().getName(),
                        "action", "upsert"),
                map("key", "vigil.shard", "value", "${env:" + SHARD_ENV + "}", "action", "upsert"))));
        processors.put("batch", map("send_batch_size", 8192, "timeout", "1s"));

        Map<String, Object> exporters = map();
        List<String> metricExporters = new ArrayList<>();
        List<String> traceExporters = new ArrayList<>();
        ExportersSpec ex = spec.exporters;
        if (ex != null && ex.otlp != null) {
            String type = ex.otlp.protocol == ExportersSpec.Otlp.Protocol.http ? "otlphttp" : "otlp";
            Map<String, Object> otlp = map("endpoint", ex.otlp.endpoint);
            if (Boolean.TRUE.equals(ex.otlp.insecure)) {
                otlp.put("tls", map("insecure", true));
            }
            if (ex.otlp.bearerTokenSecretRef != null) {
                extensions.put("bearertokenauth/otlp", map("token", "${env:" + OTLP_TOKEN_ENV + "}"));
                otlp.put("auth", map("authenticator", "bearertokenauth/otlp"));
            }
            exporters.put(type, otlp);
            metricExporters.add(type);
            traceExporters.add(type);
        }
        if (ex != null && ex.prometheusRemoteWrite != null) {
            Map<String, Object> rw = map("endpoint", ex.prometheusRemoteWrite.url);
            if (Boolean.TRUE.equals(ex.prometheusRemoteWrite.insecureSkipVerify)) {
                rw.put("tls", map("insecure_skip_verify", true));
            }
            if (ex.prometheusRemoteWrite.bearerTokenSecretRef != null) {
                extensions.put("bearertokenauth/remotewrite", map("token", "${env:" + REMOTE_WRITE_TOKEN_ENV + "}"));
                rw.put("auth", map("authenticator", "bearertokenauth/remotewrite"));
            }
            exporters.put("prometheusremotewrite", rw);
            metricExporters.add("prometheusremotewrite");
        }
        if (metricExporters.isEmpty() || traceExporters.isEmpty()) {
            exporters.put("debug", map("verbosity", "basic"));
            if (metricExporters.isEmpty()) {
                metricExporters.add("debug");
            }
            if (traceExporters.isEmpty()) {
                traceExporters.add("debug");
            }
        }

        List<String> pipelineProcessors = List.of("memory_limiter", "resource", "batch");
        List<String> metricReceivers = sorted.isEmpty() ? List.of("otlp") : List.of("otlp", "prometheus");
        Map<String, Object> pipelines = map();
        pipelines.put("metrics", map("receivers", metricReceivers, "processors", pipelineProcessors,
                "exporters", metricExporters));
        pipelines.put("traces", map("receivers", List.of("otlp"), "processors", pipelineProcessors,
                "exporters", traceExporters));

        Map<String, Object> service = map();
        service.put("extensions", new ArrayList<>(extensions.keySet()));
        service.put("pipelines", pipelines);
        service.put("telemetry", map("metrics", map("readers", List.of(map("pull", map("exporter",
                map("prometheus", map("host", "0.0.0.0", "port", METRICS_PORT))))))));

        Map<String, Object> config = map();
        config.put("extensions", extensions);
        config.put("receivers", receivers);
        config.put("processors", processors);
        config.put("exporters", exporters);
        config.put("service", service);
        return config;
    }

    /** Secrets the StatefulSet turns into the environment variables the config refers to. */
    public static Map<String, SecretKeyRef> secretEnv(TelemetryCollectorSpec spec) {
        Map<String, SecretKeyRef> env = new LinkedHashMap<>();
        if (spec.exporters != null && spec.exporters.otlp != null && spec.exporters.otlp.bearerTokenSecretRef != null) {
            env.put(OTLP_TOKEN_ENV, spec.exporters.otlp.bearerTokenSecretRef);
        }
        if (spec.exporters != null && spec.exporters.prometheusRemoteWrite != null
                && spec.exporters.prometheusRemoteWrite.bearerTokenSecretRef != null) {
            env.put(REMOTE_WRITE_TOKEN_ENV, spec.exporters.prometheusRemoteWrite.bearerTokenSecretRef);
        }
        return env;
    }

    private static Map<String, Object> scrapeJob(ScrapeTarget t, TelemetryCollectorSpec spec) {
        List<Object> relabel = new ArrayList<>();
        // Pods of the workload: its selector, translated into keep/drop rules on the discovered pod labels.
        if (t.podSelector() != null && t.podSelector().getMatchLabels() != null) {
            t.podSelector().getMatchLabels().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e ->
                    relabel.add(map("source_labels", List.of(podLabel(e.getKey())), "regex", regexLiteral(e.getValue()),
                            "action", "keep")));
        }
        if (t.podSelector() != null && t.podSelector().getMatchExpressions() != null) {
            for (LabelSelectorRequirement r : t.podSelector().getMatchExpressions()) {
                relabel.add(expressionRule(r));
            }
        }
        relabel.add(map("source_labels", List.of("__meta_kubernetes_pod_container_port_number"),
                "regex", Integer.toString(t.port()), "action", "keep"));
        relabel.add(map("source_labels", List.of("__meta_kubernetes_pod_phase"), "regex", "Succeeded|Failed",
                "action", "drop"));
        int shards = spec.shardsOrDefault();
        if (shards > 1) {
            relabel.add(map("source_labels", List.of("__address__"), "modulus", shards, "target_label", "__tmp_vigil_shard",
                    "action", "hashmod"));
            relabel.add(map("source_labels", List.of("__tmp_vigil_shard"), "regex", "${env:" + SHARD_ENV + "}",
                    "action", "keep"));
        }
        relabel.add(map("source_labels", List.of("__meta_kubernetes_namespace"), "target_label", "namespace"));
        relabel.add(map("source_labels", List.of("__meta_kubernetes_pod_name"), "target_label", "pod"));
        relabel.add(map("target_label", "service", "replacement", t.name()));

        Map<String, Object> job = map();
        job.put("job_name", t.namespace() + "/" + t.name());
        job.put("scrape_interval", t.interval() != null ? t.interval() : spec.scrapeIntervalOrDefault());
        job.put("metrics_path", t.path());
        job.put("scheme", t.scheme());
        job.put("kubernetes_sd_configs", List.of(map("role", "pod", "namespaces", map("names", List.of(t.namespace())))));
        job.put("relabel_configs", relabel);
        return job;
    }

    private static Map<String, Object> expressionRule(LabelSelectorRequirement r) {
        String key = r.getKey();
        List<String> values = r.getValues() == null ? List.of() : r.getValues().stream().sorted().map(CollectorConfig::regexLiteral).toList();
        return switch (r.getOperator()) {
            case "In" -> map("source_labels", List.of(podLabel(key)), "regex", String.join("|", values), "action", "keep");
            case "NotIn" -> map("source_labels", List.of(podLabel(key)), "regex", String.join("|", values), "action", "drop");
            case "Exists" -> map("source_labels", List.of(podLabelPresent(key)), "regex", "true", "action", "keep");
            case "DoesNotExist" -> map("source_labels", List.of(podLabelPresent(key)), "regex", "true", "action", "drop");
            default -> throw new IllegalArgumentException("unknown label selector operator " + r.getOperator());
        };
    }

    static String podLabel(String key) {
        return "__meta_kubernetes_pod_label_" + sanitize(key);
    }

    static String podLabelPresent(String key) {
        return "__meta_kubernetes_pod_labelpresent_" + sanitize(key);
    }

    /** Escapes RE2 metacharacters, so a label value matches only itself. */
    static String regexLiteral(String value) {
        StringBuilder sb = new StringBuilder();
        for (char c : value.toCharArray()) {
            if ("\\.+*?()|[]{}^$".indexOf(c) >= 0) {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }

    private static String sanitize(String key) {
        return key.replaceAll("[^a-zA-Z0-9_]", "_");
    }

    /** Deep merge: maps merge key by key, anything else in the fragment replaces what was generated. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> fragment) {
        Map<String, Object> out = new LinkedHashMap<>(base);
        if (fragment == null) {
            return out;
        }
        fragment.forEach((k, v) -> {
            Object existing = out.get(k);
            if (existing instanceof Map<?, ?> em && v instanceof Map<?, ?> vm) {
                out.put(k, merge((Map<String, Object>) em, (Map<String, Object>) vm));
            } else {
                out.put(k, v);
            }
        });
        return out;
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
