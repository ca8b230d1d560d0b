package dev.vigil.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ExportersSpec {
    @JsonPropertyDescription("Send metrics and traces over OTLP.")
    public Otlp otlp;

    @JsonPropertyDescription("Send metrics with Prometheus remote write.")
    public RemoteWrite prometheusRemoteWrite;

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Otlp {
        public enum Protocol { grpc, http }

        @Required
        @Size(min = 1, max = 512)
        @Pattern("^[^\\s]+$")
        @JsonPropertyDescription("OTLP endpoint: host:port for grpc, a URL for http.")
        public String endpoint;

        @Default("grpc")
        @JsonPropertyDescription("grpc or http.")
        public Protocol protocol;

        @Default("false")
        @JsonPropertyDescription("Send without TLS (only for in-cluster endpoints).")
        public Boolean insecure;

        @JsonPropertyDescription("Secret key holding a bearer token sent as 'Authorization: Bearer <token>'.")
        public SecretKeyRef bearerTokenSecretRef;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class RemoteWrite {
        @Required
        @Size(min = 1, max = 2048)
        @ValidationRule(value = "isURL(self) && url(self).getScheme() in ['http', 'https']",
                message = "must be an http or https URL")
        @JsonPropertyDescription("Remote-write URL, e.g. http://prometheus:9090/api/v1/write.")
        public String url;

        @JsonPropertyDescription("Secret key holding a bearer token for the remote-write endpoint.")
        public SecretKeyRef bearerTokenSecretRef;

        @Default("false")
        @JsonPropertyDescription("Skip TLS certificate verification (testing only).")
        public Boolean insecureSkipVerify;
    }
}
