package dev.vigil.report;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * Posts a report's summary to a Slack-compatible webhook: JSON {@code {"text": ...}}, a 5 s bound on the whole
 * exchange, redirects never followed, the answer's body never read. Errors name the host and the HTTP status only:
 * a webhook URL carries its credential in the path.
 */
public class ReportWebhook {
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(TIMEOUT).build();

    /** Empty when the webhook accepted the post; else why not. */
    public Optional<String> post(String url, String json) {
        URI uri;
        try {
            uri = URI.create(url.strip());
        } catch (IllegalArgumentException e) {
            return Optional.of("the webhook URL is not a URL");
        }
        if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme()) || uri.getHost() == null) {
            return Optional.of("the webhook URL must be http(s)://host/...");
        }
        String where = uri.getScheme() + "://" + uri.getAuthority();
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build();
        try {
            int status = http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                    .get(TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS).statusCode();
            return status >= 200 && status < 300 ? Optional.empty()
                    : Optional.of(where + " answered HTTP " + status + (status >= 300 && status < 400 ? " (a redirect, not followed)" : ""));
        } catch (java.util.concurrent.TimeoutException e) {
            return Optional.of(where + " did not answer within " + TIMEOUT.toSeconds() + " s");
        } catch (java.util.concurrent.ExecutionException e) {
            return Optional.of(e.getCause() instanceof HttpTimeoutException ? where + " did not answer within "
                    + TIMEOUT.toSeconds() + " s" : "cannot reach " + where);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        }
    }

    /** The Slack-compatible body: {"text": ...}, the text JSON-escaped. */
    static String body(String text) {
        try {
            return JSON.writeValueAsString(java.util.Map.of("text", text));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
