package dev.vigil.kube;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.http.StandardHttpClientBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.kubernetes.client.utils.TokenRefreshInterceptor;
import io.fabric8.kubernetes.client.vertx.VertxHttpClientBuilder;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;

/**
 * The operator's Kubernetes client: Quarkus' own (the same configuration and serialization, built the same way, on
 * Quarkus' Vert.x as Quarkus' HTTP client factory does), with {@link MetadataAnswers} on its HTTP client, TLS that
 * offers ChaCha20-Poly1305 first ({@link ChaChaFirst}) and Fabric8's token refresh paced ({@link PacedTokenRefresh}).
 * It replaces Quarkus' default bean, so JOSDK's informers and writes, and everything else injected with a client, go
 * through it.
 */
@ApplicationScoped
public class KubernetesClientProducer {
    @Produces
    @Singleton
    KubernetesClient kubernetesClient(KubernetesSerialization serialization, Config config, Vertx vertx) {
        return new KubernetesClientBuilder().withKubernetesSerialization(serialization).withConfig(config)
                .withHttpClientFactory(new Factory(vertx))
                .withHttpClientBuilderConsumer(b -> {
                    b.addOrReplaceInterceptor(MetadataAnswers.NAME, new MetadataAnswers());
                    Interceptor token = ((StandardHttpClientBuilder<?, ?, ?>) b).getInterceptors().get(TokenRefreshInterceptor.NAME);
                    if (token != null) {
                        b.addOrReplaceInterceptor(TokenRefreshInterceptor.NAME, new PacedTokenRefresh(token, config));
                    }
                })
                .build();
    }

    void close(@Disposes KubernetesClient client) {
        client.close();
    }

    /** Fabric8's Vert.x client on the given Vert.x, its TLS context wrapped by {@link ChaChaFirst}. */
    static final class Factory implements HttpClient.Factory {
        private final Vertx vertx;

        Factory(Vertx vertx) {
            this.vertx = vertx;
        }

        @Override
        public VertxHttpClientBuilder<Factory> newBuilder() {
            return new Builder(this, vertx);
        }
    }

    private static final class Builder extends VertxHttpClientBuilder<Factory> {
        private final Vertx on;

        Builder(Factory factory, Vertx vertx) {
            super(factory, vertx);
            this.on = vertx;
        }

        @Override
        public VertxHttpClientBuilder<Factory> sslContext(KeyManager[] keyManagers, TrustManager[] trustManagers) {
            super.sslContext(keyManagers, trustManagers);
            sslContext = ChaChaFirst.wrap(sslContext);
            return this;
        }

        @Override
        protected VertxHttpClientBuilder<Factory> newInstance(Factory factory) {
            return new Builder(factory, on);
        }
    }
}
