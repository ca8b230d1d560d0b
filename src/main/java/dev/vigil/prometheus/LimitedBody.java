package dev.vigil.prometheus;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A response body collected up to a limit: past it the subscription is cancelled (the connection is dropped rather
 * than read to the end) and the body is reported as too large.
 */
final class LimitedBody implements HttpResponse.BodySubscriber<LimitedBody.Body> {
    record Body(byte[] bytes, boolean truncated) {
    }

    private final int limit;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final CompletableFuture<Body> result = new CompletableFuture<>();
    private Flow.Subscription subscription;

    LimitedBody(int limit) {
        this.limit = limit;
    }

    static HttpResponse.BodyHandler<Body> handler(int limit) {
        return info -> new LimitedBody(limit);
    }

    @Override
    public CompletionStage<Body> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        if (result.isDone()) {
            return;
        }
        for (ByteBuffer b : items) {
            byte[] chunk = new byte[b.remaining()];
            b.get(chunk);
            buffer.write(chunk, 0, chunk.length);
        }
        if (buffer.size() > limit) {
            subscription.cancel();
            result.complete(new Body(new byte[0], true));
        }
    }

    @Override
    public void onError(Throwable t) {
        result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
        result.complete(new Body(buffer.toByteArray(), false));
    }
}
