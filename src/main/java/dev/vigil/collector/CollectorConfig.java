package dev.vigil.collector;

import dev.vigil.api.v1alpha1.ExportersSpec;
import dev.vigil.api.v1alpha1.SecretKeyRef;
import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.api.v1alpha1.TelemetryCollectorSpec;

import org.eclipse.microprofile.config.ConfigProvider;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the OpenTelemetry collector configuration of a fleet: a pure function of the fleet (the services it
 * collects reach the collectors through service discovery, so they never change the file). Every pod of the fleet
 * gets the same file; the shard a pod scrapes comes from its ordinal, which the StatefulSet passes in the
 * {@value #SHARD_ENV} environment variable.
 */
public final class CollectorConfig {
    public static final String SHARD_ENV = "VIGIL_SHARD";
    public static final String OTLP_TOKEN_ENV = "VIGIL_OTLP_TOKEN";
    public static final String REMOTE_WRITE_TOKEN_ENV = "VIGIL_REMOTE_WRITE_TOKEN";
    public static final int OTLP_GRPC_PORT = 4317;
    public static final int OTLP_HTTP_PORT = 4318;
    public static final int METRICS_PORT = 8888;
    public static final int HEALTH_PORT = 13133;
    public static final String SD_BASE_URL_PROPERTY = "vigil.sd.base-url";
    public static final String DEFAULT_SD_BASE_URL = "http://vigil.vigil-system.svc:8080";
    /** How often collectors ask for their targets: new pods are scraped within this time. */
    public static final String SD_REFRESH = "5s";
    public static final String SERVICE_ACCOUNT_TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token";

    private CollectorConfig() {
    }

    /** The generated configuration, before the user's fragment is merged in. */
    public static Map<String, Object> generate(TelemetryCollector fleet, List<ScrapeTarget> targets) {
        TelemetryCollectorSpec spec = fleet.getSpec();

        Map<String, Object> extensions = map();
        extensions.put("health_check", map("endpoint", "0.0.0.0:" + HEALTH_PORT));

        Map<String, Object> receivers = map();
        receivers.put("otlp", map("protocols", map(
                "grpc", map("endpoint", "0.0.0.0:" + OTLP_GRPC_PORT),
                "http", map("endpoint", "0.0.0.0:" + OTLP_HTTP_PORT))));
        receivers.put("prometheus", map("config", map(
                "global", map("scrape_interval", spec.scrapeIntervalOrDefault()),
                "scrape_configs", List.of(scrapeJob(fleet)))));

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
        List<String> metricReceivers = List.of("otlp", "prometheus");
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

    /**
     * One scrape job whose targets come from the operator's HTTP service discovery for this pod's shard: the
     * operator assigns targets to shards (dev.vigil.sharding) and serves each shard its list, with per-target job,
     * path, scheme and interval labels. The pod's ServiceAccount token proves which fleet it belongs to. If the
     * operator is unreachable the receiver keeps scraping the last list it got.
     */
    private static Map<String, Object> scrapeJob(TelemetryCollector fleet) {
        String url = sdBaseUrl() + "/sd/v1/" + fleet.getMetadata().getNamespace() + "/" + fleet.getMetadata().getName()
                + "/${env:" + SHARD_ENV + "}";
        Map<String, Object> sd = map();
        sd.put("url", url);
        sd.put("refresh_interval", SD_REFRESH);
        sd.put("authorization", map("type", "Bearer", "credentials_file", SERVICE_ACCOUNT_TOKEN));
        Map<String, Object> job = map();
        job.put("job_name", "vigil");
        job.put("http_sd_configs", List.of(sd));
        return job;
    }

    /** Where collectors reach the operator's HTTP port (the chart's Service); {@code vigil.sd.base-url}. */
    public static String sdBaseUrl() {
        String url = ConfigProvider.getConfig().getOptionalValue(SD_BASE_URL_PROPERTY, String.class).orElse(DEFAULT_SD_BASE_URL);
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
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
