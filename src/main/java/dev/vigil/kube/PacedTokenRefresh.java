package dev.vigil.kube;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Fabric8's token interceptor ({@code TokenRefreshInterceptor}), paced when the client has no token. Fabric8 reloads
 * the kubeconfig once a minute to pick up a new token, and marks the minute only when it finds one; with a client
 * certificate and no token (a kubeconfig as the e2e's and the benchmarks' operator uses), it reloaded and parsed the
 * kubeconfig before every request: 7.6 % of the operator's CPU samples while 1,000 services were applied. Without a
 * token, the interceptor runs at most once a {@link #PACE} (the reload it was meant to make, and a token it finds is
 * used from then on); with one (a service account's, an exec plugin's, a user's) it runs on every request as before.
 */
final class PacedTokenRefresh implements Interceptor {
    static final Duration PACE = Duration.ofMinutes(1);

    private final Interceptor delegate;
    private final Config config;
    private final LongSupplier nanoTime;
    private final AtomicLong lastRun;

    PacedTokenRefresh(Interceptor delegate, Config config) {
        this(delegate, config, System::nanoTime);
    }

    PacedTokenRefresh(Interceptor delegate, Config config, LongSupplier nanoTime) {
        this.delegate = delegate;
        this.config = config;
        this.nanoTime = nanoTime;
        this.lastRun = new AtomicLong(nanoTime.getAsLong() - PACE.toNanos());
    }

    /** Whether the client authenticates with anything the interceptor sets or refreshes (not a client certificate alone). */
    static boolean hasCredentials(Config config) {
        return present(config.getOauthToken()) || config.getOauthTokenProvider() != null || present(config.getAutoOAuthToken())
                || config.getAuthProvider() != null || present(config.getUsername()) && present(config.getPassword());
    }

    private static boolean present(String s) {
        return s != null && !s.isEmpty();
    }

    @Override
    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
        if (hasCredentials(config)) {
            delegate.before(builder, request, tags);
            return;
        }
        long now = nanoTime.getAsLong();
        long last = lastRun.get();
        if (now - last >= PACE.toNanos() && lastRun.compareAndSet(last, now)) {
            delegate.before(builder, request, tags);
        }
    }

    @Override
    public void after(HttpRequest request, HttpResponse<?> response, AsyncBody.Consumer<List<ByteBuffer>> consumer) {
        delegate.after(request, response, consumer);
    }

    @Override
    public AsyncBody.Consumer<List<ByteBuffer>> consumer(AsyncBody.Consumer<List<ByteBuffer>> consumer, HttpRequest request) {
        return delegate.consumer(consumer, request);
    }

    @Override
    public CompletableFuture<Boolean> afterFailure(BasicBuilder builder, HttpResponse<?> response, RequestTags tags) {
        return delegate.afterFailure(builder, response, tags);
    }

    @Override
    public CompletableFuture<Boolean> afterFailure(HttpRequest.Builder builder, HttpResponse<?> response, RequestTags tags) {
        return delegate.afterFailure(builder, response, tags);
    }

    @Override
    public void afterConnectionFailure(HttpRequest request, Throwable failure) {
        delegate.afterConnectionFailure(request, failure);
    }
}
