package dev.vigil.prometheus;

import dev.vigil.api.v1alpha1.PrometheusSpec;
import dev.vigil.api.v1alpha1.SecretKeyRef;
import dev.vigil.api.v1alpha1.TelemetryCollector;
import dev.vigil.kube.Secrets;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.net.URI;
import java.util.Optional;

/** A fleet's Prometheus, with its bearer token and CA read from Secrets in the fleet's namespace (never logged). */
public final class FleetPrometheus {
    /** A Secret or key the fleet's Prometheus settings name is missing; the message names it, never its content. */
    public static final class CredentialsMissing extends Exception {
        CredentialsMissing(String message) {
            super(message);
        }
    }

    private FleetPrometheus() {
    }

    public static PrometheusEndpoint endpoint(KubernetesClient client, TelemetryCollector fleet) throws CredentialsMissing {
        PrometheusSpec spec = fleet.getSpec().prometheus;
        String ns = fleet.getMetadata().getNamespace();
        Optional<String> token = spec.bearerTokenSecretRef == null ? Optional.empty()
                : Optional.of(secretValue(client, ns, spec.bearerTokenSecretRef, "bearer token"));
        Optional<String> ca = spec.tls == null || spec.tls.caSecretRef == null ? Optional.empty()
                : Optional.of(secretValue(client, ns, spec.tls.caSecretRef, "CA bundle"));
        boolean insecure = spec.tls != null && Boolean.TRUE.equals(spec.tls.insecureSkipVerify);
        return new PrometheusEndpoint(URI.create(spec.url), token, ca, insecure);
    }

    private static String secretValue(KubernetesClient client, String namespace, SecretKeyRef ref, String what)
            throws CredentialsMissing {
        Secret secret = client.secrets().inNamespace(namespace).withName(ref.name).get();
        String where = "the " + what + " for Prometheus (Secret " + namespace + "/" + ref.name + ", key " + ref.key + ")";
        if (secret == null) {
            throw new CredentialsMissing(where + " does not exist");
        }
        return Secrets.value(secret, ref.key).orElseThrow(() -> new CredentialsMissing(where + " has no such key"));
    }
}
