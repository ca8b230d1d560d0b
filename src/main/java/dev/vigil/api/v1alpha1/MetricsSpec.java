package dev.vigil.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class MetricsSpec {
    public enum Scheme { http, https }

    @Required
    @Min(1)
    @Max(65535)
    @JsonPropertyDescription("Container port that serves metrics.")
    public Integer port;

    @Size(min = 1, max = 256)
    @Pattern("^/[A-Za-z0-9/._~-]*$")
    @Default("/metrics")
    @JsonPropertyDescription("HTTP path of the metrics endpoint.")
    public String path;

    @Size(min = 2, max = 16)
    @Pattern("^([0-9]+(ms|s|m|h))+$")
    @JsonPropertyDescription("Scrape interval as a Prometheus duration; defaults to the fleet's scrapeInterval.")
    public String interval;

    @Default("http")
    @JsonPropertyDescription("http or https.")
    public Scheme scheme;

    public String pathOrDefault() {
        return path == null ? "/metrics" : path;
    }

    public Scheme schemeOrDefault() {
        return scheme == null ? Scheme.http : scheme;
    }
}
