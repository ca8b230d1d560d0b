package dev.vigil.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ReportsSpec {
    public enum Period { month, week }

    @Default("true")
    @JsonPropertyDescription("Write an SLO report at the end of each period (and when the annotation "
            + "vigil.dev/slo-report-request changes).")
    public Boolean enabled;

    @Default("month")
    @JsonPropertyDescription("The calendar period a report covers (UTC; weeks start on Monday).")
    public Period period;

    @JsonPropertyDescription("Also post each report's summary to a Slack-compatible webhook ({\"text\": ...}).")
    public Webhook webhook;

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Webhook {
        @io.fabric8.generator.annotation.Required
        @JsonPropertyDescription("The Secret key holding the webhook URL (such URLs are credentials: never in the spec).")
        public SecretKeyRef urlSecretRef;
    }

    public boolean enabledOrDefault() {
        return enabled == null || enabled;
    }

    public Period periodOrDefault() {
        return period == null ? Period.month : period;
    }
}
