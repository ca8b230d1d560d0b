package dev.vigil.kube;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The operator's Kubernetes client: Quarkus' own (the same configuration and serialization, built the same way),
 * with {@link MetadataAnswers} on its HTTP client. It replaces Quarkus' default bean, so JOSDK's informers and
 * writes, and everything else injected with a client, go through it.
 */
@ApplicationScoped
public class KubernetesClientProducer {
    @Produces
    @Singleton
    KubernetesClient kubernetesClient(KubernetesSerialization serialization, Config config) {
        return new KubernetesClientBuilder().withKubernetesSerialization(serialization).withConfig(config)
                .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor(MetadataAnswers.NAME, new MetadataAnswers()))
                .build();
    }

    void close(@Disposes KubernetesClient client) {
        client.close();
    }
}
