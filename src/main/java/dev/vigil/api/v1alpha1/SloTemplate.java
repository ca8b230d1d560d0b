package dev.vigil.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * A typed, parameterised SLI instead of hand-written PromQL: exactly one template is set. The PromQL each one
 * generates is built by {@code dev.vigil.slo.SloTemplates}, shown in the SLO's status and by {@code bin/vigil-render},
 * and listed in docs/slo.md's catalogue (generated from these classes).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "[has(self.httpServerAvailability), has(self.httpServerLatency), has(self.grpcServerAvailability), "
        + "has(self.grpcServerLatency), has(self.httpClientAvailability), has(self.connectionPoolWait), has(self.consumerLag), "
        + "has(self.collectionHealth), has(self.platform)].filter(x, x).size() == 1", message = "set exactly one template")
public class SloTemplate {
    /** Label matchers: one or more name="value" / name=~"regex" / name!="value" / name!~"regex", comma-separated. */
    public static final String SELECTOR_PATTERN = "^[a-zA-Z_][a-zA-Z0-9_]*(=|!=|=~|!~)\"([^\"\\\\]|\\\\.)*\"(,[a-zA-Z_][a-zA-Z0-9_]*(=|!=|=~|!~)\"([^\"\\\\]|\\\\.)*\")*$";
    /** A metric name. */
    public static final String METRIC_PATTERN = "^[a-zA-Z_:][a-zA-Z0-9_:]*$";
    /** A regular expression on one line (quotes and backslashes are escaped into the PromQL string). */
    public static final String REGEX_PATTERN = "^[^\\n\\r]*$";
    /** A histogram bound as the le label prints it: digits with an optional fraction. */
    public static final String BOUND_PATTERN = "^[0-9]{1,6}(\\.[0-9]{1,6})?$";

    public static final String HTTP_SERVER_METRIC = "http_server_request_duration_seconds";
    public static final String HTTP_CLIENT_METRIC = "http_client_request_duration_seconds";
    public static final String GRPC_SERVER_METRIC = "rpc_server_duration_milliseconds";
    public static final String POOL_WAIT_METRIC = "db_client_connection_wait_time_seconds";
    public static final String HTTP_ERROR_STATUS = "5..";
    /** The gRPC codes that are the server's fault (OpenTelemetry's gRPC conventions). */
    public static final String GRPC_ERROR_CODES = "2|4|12|13|14|15";

    @JsonPropertyDescription("HTTP server availability: the share of requests answered with a server error, from the "
            + "OpenTelemetry http.server.request.duration histogram's count.")
    public HttpServerAvailability httpServerAvailability;

    @JsonPropertyDescription("HTTP server latency: the share of requests slower than a threshold, from the "
            + "http.server.request.duration histogram.")
    public HttpServerLatency httpServerLatency;

    @JsonPropertyDescription("gRPC server availability: the share of calls that end with a server-fault status code "
            + "(UNKNOWN, DEADLINE_EXCEEDED, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS), from rpc.server.duration.")
    public GrpcServerAvailability grpcServerAvailability;

    @JsonPropertyDescription("gRPC server latency: the share of calls slower than a threshold, from rpc.server.duration.")
    public GrpcServerLatency grpcServerLatency;

    @JsonPropertyDescription("HTTP client (dependency) availability: the share of the service's requests to one "
            + "dependency that fail with a server error or no answer (error.type set, 4xx excluded), from "
            + "http.client.request.duration.")
    public HttpClientAvailability httpClientAvailability;

    @JsonPropertyDescription("Connection-pool wait: the share of connection acquisitions that wait longer than a "
            + "threshold, from the db.client.connection.wait_time histogram (the signal the pools section reads).")
    public ConnectionPoolWait connectionPoolWait;

    @JsonPropertyDescription("Queue consumer lag: the share of minutes in which the largest consumer lag is above a "
            + "threshold (a time-based SLI: each minute is an event).")
    public ConsumerLag consumerLag;

    @JsonPropertyDescription("Collection health: the share of scrapes of the service's pods that failed (up == 0); a "
            + "time-based SLI on the fleet's own up series.")
    public CollectionHealth collectionHealth;

    @JsonPropertyDescription("A template of the platform team's own, from the operator's template ConfigMap "
            + "(setting vigil.slo.templates-configmap; chart value slo.templates).")
    public Platform platform;

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Platform {
        @Required
        @Size(min = 1, max = 63)
        @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
        @JsonPropertyDescription("Name of the platform template.")
        public String name;

        @Size(max = 20)
        @JsonPropertyDescription("Values of the template's parameters, by name; each is checked against the "
                + "parameter's pattern and inserted into the PromQL escaped as a string's content.")
        public java.util.Map<String, @Size(max = 256) String> parameters;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class HttpServerAvailability {
        @Size(min = 1, max = 256)
        @Pattern(REGEX_PATTERN)
        @JsonPropertyDescription("Only requests whose http.route matches this regular expression (RE2, anchored), "
                + "e.g. /checkout|/cart/.*.")
        public String route;

        @Pattern("^[A-Z]{3,10}(\\|[A-Z]{3,10}){0,9}$")
        @JsonPropertyDescription("Only these request methods, e.g. POST or GET|POST.")
        public String method;

        @Size(min = 1, max = 64)
        @Default(HTTP_ERROR_STATUS)
        @Pattern("^[0-9.|]+$")
        @JsonPropertyDescription("Status codes that count as errors, as a regular expression over digits, dots and |, "
                + "e.g. 5.. or 5..|429.")
        public String errorStatus;

        @Size(min = 1, max = 256)
        @Default(HTTP_SERVER_METRIC)
        @Pattern(METRIC_PATTERN)
        @JsonPropertyDescription("Histogram name without _count/_bucket, for a service whose exporter names it differently.")
        public String metric;

        @Size(min = 1, max = 1024)
        @Pattern(SELECTOR_PATTERN)
        @JsonPropertyDescription("Extra label matchers, e.g. server_port=\"8080\"; the service's namespace and service "
                + "labels are always matched.")
        public String selector;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class HttpServerLatency {
        @Required
        @Size(max = 13)
        @Pattern(BOUND_PATTERN)
        @ValidationRule(value = "double(self) > 0.0", message = "threshold must be greater than 0")
        @JsonPropertyDescription("Threshold in seconds; must be one of the histogram's bucket bounds (OpenTelemetry's "
                + "defaults: 0.005 0.01 0.025 0.05 0.075 0.1 0.25 0.5 0.75 1 2.5 5 7.5 10).")
        public String threshold;

        @Size(min = 1, max = 256)
        @Pattern(REGEX_PATTERN)
        @JsonPropertyDescription("Only requests whose http.route matches this regular expression.")
        public String route;

        @Pattern("^[A-Z]{3,10}(\\|[A-Z]{3,10}){0,9}$")
        @JsonPropertyDescription("Only these request methods, e.g. GET.")
        public String method;

        @Size(min = 1, max = 256)
        @Default(HTTP_SERVER_METRIC)
        @Pattern(METRIC_PATTERN)
        @JsonPropertyDescription("Histogram name without _count/_bucket.")
        public String metric;

        @Size(min = 1, max = 1024)
        @Pattern(SELECTOR_PATTERN)
        @JsonPropertyDescription("Extra label matchers.")
        public String selector;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class GrpcServerAvailability {
        @Size(min = 1, max = 256)
        @Pattern(REGEX_PATTERN)
        @JsonPropertyDescription("Only calls to this gRPC service (rpc.service, a regular expression), e.g. shop.Checkout.")
        public String rpcService;

        @Size(min = 1, max = 256)
        @Pattern(REGEX_PATTERN)
        @JsonPropertyDescription("Only calls of this method (rpc.method, a regular expression), e.g. PlaceOrder.")
        public String rpcMethod;

        @Size(min = 1, max = 64)
        @Default(GRPC_ERROR_CODES)
        @Pattern("^[0-9]{1,2}(\\|[0-9]{1,2}){0,16}$")
        @JsonPropertyDescription("Numeric status codes (rpc.grpc.status_code) that count as errors, |-separated.")
        public String errorCodes;

        @Size(min = 1, max = 256)
        @Default(GRPC_SERVER_METRIC)
        @Pattern(METRIC_PATTERN)
        @JsonPropertyDescription("Histogram name without _count/_bucket.")
        public String metric;

        @Size(min = 1, max = 1024)
        @Pattern(SELECTOR_PATTERN)
        @JsonPropertyDescription("Extra label matchers.")
        public String selector;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class GrpcServerLatency {
        @Required
        @Size(max = 13)
        @Pattern(BOUND_PATTERN)
        @ValidationRule(value = "double(self) > 0.0", message = "threshold must be greater than 0")
        @JsonPropertyDescription("Threshold in the histogram's unit (milliseconds for rpc.server.duration); must be one "
                + "of its bucket bounds.")
        public String threshold;

        @Size(min = 1, max = 256)
        @Pattern(REGEX_PATTERN)
        @JsonPropertyDescription("Only calls to this gRPC service (a regular expression).")
        public String rpcService;

        @Size(min = 1, max = 256)
        @Pattern(REGEX_PATTERN)
        @JsonPropertyDescription("Only calls of this method (a regular expression).")
        public String rpcMethod;

        @Size(min = 1, max = 256)
        @Default(GRPC_SERVER_METRIC)
        @Pattern(METRIC_PATTERN)
        @JsonPropertyDescription("Histogram name without _count/_bucket.")
        public String metric;

        @Size(min = 1, max = 1024)
        @Pattern(SELECTOR_PATTERN)
        @JsonPropertyDescription("Extra label matchers.")
        public String selector;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class HttpClientAvailability {
        @Required
        @Size(min = 1, max = 253)
        @Pattern(REGEX_PATTERN)
        @JsonPropertyDescription("The dependency: its server.address as the client reports it (a regular expression), "
                + "e.g. payments.shop.svc.")
        public String serverAddress;

        @Pattern("^[A-Z]{3,10}(\\|[A-Z]{3,10}){0,9}$")
        @JsonPropertyDescription("Only these request methods.")
        public String method;

        @Size(min = 1, max = 256)
        @Default(HTTP_CLIENT_METRIC)
        @Pattern(METRIC_PATTERN)
        @JsonPropertyDescription("Histogram name without _count/_bucket.")
        public String metric;

        @Size(min = 1, max = 1024)
        @Pattern(SELECTOR_PATTERN)
        @JsonPropertyDescription("Extra label matchers.")
        public String selector;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class ConnectionPoolWait {
        @Required
        @Size(max = 13)
        @Pattern(BOUND_PATTERN)
        @ValidationRule(value = "double(self) > 0.0", message = "threshold must be greater than 0")
        @JsonPropertyDescription("Wait threshold in seconds; must be one of the histogram's bucket bounds.")
        public String threshold;

        @Size(min = 1, max = 256)
        @JsonPropertyDescription("Only this pool (db.client.connection.pool.name); all the service's pools when absent.")
        public String pool;

        @Size(min = 1, max = 256)
        @Default(POOL_WAIT_METRIC)
        @Pattern(METRIC_PATTERN)
        @JsonPropertyDescription("Histogram name without _count/_bucket.")
        public String metric;

        @Size(min = 1, max = 1024)
        @Pattern(SELECTOR_PATTERN)
        @JsonPropertyDescription("Extra label matchers.")
        public String selector;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class ConsumerLag {
        @Required
        @Size(min = 1, max = 256)
        @Pattern(METRIC_PATTERN)
        @JsonPropertyDescription("Gauge of the lag in messages, e.g. kafka_consumergroup_lag (kafka-exporter) or "
                + "kafka_consumer_records_lag_max (the Kafka client).")
        public String metric;

        @Required
        @Min(0)
        @Max(1_000_000_000)
        @JsonPropertyDescription("A minute is bad when the largest lag in it is above this many messages.")
        public Long threshold;

        @Size(min = 1, max = 1024)
        @Pattern(SELECTOR_PATTERN)
        @JsonPropertyDescription("Label matchers that pick the consumer group or topic, e.g. consumergroup=\"orders\". "
                + "The lag series are not scoped to the service's pods (exporters run elsewhere); without a selector "
                + "every series of the metric counts.")
        public String selector;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class CollectionHealth {
        @Size(min = 1, max = 1024)
        @Pattern(SELECTOR_PATTERN)
        @JsonPropertyDescription("Extra label matchers on up, e.g. pod=~\"api-.*\".")
        public String selector;
    }
}
