package dev.vigil.collector;

import dev.vigil.api.v1alpha1.SecretKeyRef;
import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.api.v1alpha1.TelemetryCollectorSpec;
import dev.vigil.collector.config.CollectorConfigBuilder;
import dev.vigil.collector.config.ComponentType;
import dev.vigil.collector.config.ConfigContribution;
import dev.vigil.config.CollectorSettings;
import dev.vigil.nodegroups.NodeGroup;
import dev.vigil.sampling.TraceSampler;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the OpenTelemetry collector configuration of a fleet from the capabilities' {@link ConfigContribution}s: a
 * pure function of the fleet and the operator's settings (the services it collects reach the collectors through
 * service discovery, so they never change the file). Every pod of the fleet
 * gets the same file; the shard a pod scrapes comes from its ordinal, which the StatefulSet passes in the
 * {@value #SHARD_ENV} environment variable.
 */
public final class CollectorConfig {
    public static final String SHARD_ENV = "VIGIL_SHARD";
    /** An agent pod's node (the downward API's spec.nodeName). */
    public static final String NODE_NAME_ENV = "K8S_NODE_NAME";
    public static final String OTLP_TOKEN_ENV = "VIGIL_OTLP_TOKEN";
    public static final String REMOTE_WRITE_TOKEN_ENV = "VIGIL_REMOTE_WRITE_TOKEN";
    public static final int OTLP_GRPC_PORT = 4317;
    public static final int OTLP_HTTP_PORT = 4318;
    public static final int METRICS_PORT = 8888;
    public static final int HEALTH_PORT = 13133;
    /** Jaeger's remote sampling protocol, gRPC (what the Java SDK's jaeger_remote sampler calls). */
    public static final int SAMPLING_GRPC_PORT = TraceSampler.SDK_GRPC_PORT;
    /** Jaeger's remote sampling protocol, HTTP ({@code GET /sampling?service=}). */
    public static final int SAMPLING_HTTP_PORT = TraceSampler.SDK_HTTP_PORT;
    /** How often collectors ask for their targets: new pods are scraped within this time. */
    public static final String SD_REFRESH = "5s";
    public static final String SERVICE_ACCOUNT_TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token";

    private CollectorConfig() {
    }

    /** The capabilities' parts of the configuration, applied in this order (it is the order of the file). */
    static final List<ConfigContribution> CONTRIBUTIONS = List.of(new CollectorTelemetryContribution(),
            new OtlpReceiverContribution(), new ShardScrapeContribution(), new NodeLogsContribution(),
            new NodeGroupContribution(), new PipelineProcessorsContribution(),
            new ExportersContribution(), new TraceSamplingContribution());

    /**
     * Component types Vigil does not generate but offers to {@code spec.config} fragments (and the tests use): the
     * file exporter.
     */
    static final List<ComponentType> FOR_FRAGMENTS = List.of(ComponentType.exporter("file",
            "github.com/open-telemetry/opentelemetry-collector-contrib/exporter/fileexporter"));

    /** The generated configuration, before the user's fragment is merged in. */
    public static Map<String, Object> generate(TelemetryCollector fleet, CollectorSettings settings) {
        return generate(fleet, settings, null);
    }

    /** The generated configuration of one node group of an agent fleet (null: the fleet's own). */
    public static Map<String, Object> generate(TelemetryCollector fleet, CollectorSettings settings, NodeGroup group) {
        CollectorConfigBuilder config = new CollectorConfigBuilder();
        for (ConfigContribution c : CONTRIBUTIONS) {
            if (c.appliesTo(fleet)) {
                c.contribute(fleet, settings, config);
                if (group != null) {
                    c.contributeForGroup(fleet, group, config);
                }
            }
        }
        return config.toMap();
    }

    /** Every component type the deployed collector must contain: what the contributions use, and {@link #FOR_FRAGMENTS}. */
    public static List<ComponentType> components() {
        List<ComponentType> out = new ArrayList<>();
        CONTRIBUTIONS.forEach(c -> out.addAll(c.uses()));
        out.addAll(FOR_FRAGMENTS);
        return out;
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
     * The generated configuration with the user's fragment merged in ({@link #merge}), Vigil's own plumbing kept
     * working ({@link TraceSamplingContribution#keepConnected}).
     */
    public static Map<String, Object> withFragment(Map<String, Object> generated, Map<String, Object> fragment) {
        return TraceSamplingContribution.keepConnected(merge(generated, fragment));
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
