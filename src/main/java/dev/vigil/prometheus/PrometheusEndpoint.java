package dev.vigil.prometheus;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * Where and how to reach a Prometheus query API: the base URL, an optional bearer token, an optional PEM CA bundle,
 * and whether certificate checks are skipped. Built from a fleet's {@code spec.prometheus} and its Secrets.
 */
public record PrometheusEndpoint(URI baseUrl, Optional<String> bearerToken, Optional<String> caPem, boolean insecureSkipVerify) {
    public PrometheusEndpoint {
        Objects.requireNonNull(baseUrl, "baseUrl");
        bearerToken = bearerToken == null ? Optional.empty() : bearerToken;
        caPem = caPem == null ? Optional.empty() : caPem;
    }

    public static PrometheusEndpoint of(String url) {
        return new PrometheusEndpoint(URI.create(url), Optional.empty(), Optional.empty(), false);
    }

    /** The part that decides which HTTP client (and TLS context) can be reused. */
    String transportKey() {
        return baseUrl.getScheme() + "|" + caPem.map(Object::hashCode).orElse(0) + "|" + insecureSkipVerify;
    }

    /** The token never appears in logs or status. */
    @Override
    public String toString() {
        return "PrometheusEndpoint[" + baseUrl + (bearerToken.isPresent() ? ", bearer token" : "") + "]";
    }
}
