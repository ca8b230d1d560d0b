package dev.vigil.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class PrometheusSpec {
    @Required
    @Size(min = 1, max = 2048)
    @ValidationRule(value = "isURL(self) && url(self).getScheme() in ['http', 'https']",
            message = "must be an http or https URL")
    @JsonPropertyDescription("Base URL of the Prometheus HTTP API, e.g. http://prometheus.monitoring:9090.")
    public String url;

    @JsonPropertyDescription("Secret key holding a bearer token sent with every query.")
    public SecretKeyRef bearerTokenSecretRef;

    @JsonPropertyDescription("TLS settings for an https URL.")
    public Tls tls;

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Tls {
        @JsonPropertyDescription("Secret key holding the PEM CA bundle that signs the server certificate.")
        public SecretKeyRef caSecretRef;

        @Default("false")
        @JsonPropertyDescription("Skip certificate verification (testing only).")
        public Boolean insecureSkipVerify;
    }
}
