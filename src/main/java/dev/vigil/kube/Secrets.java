package dev.vigil.kube;

import io.fabric8.kubernetes.api.model.Secret;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/** Reading one key of a Secret a user's spec names (a Prometheus token or CA bundle, a report webhook's URL). */
public final class Secrets {
    private Secrets() {
    }

    /** The value under {@code key}: from data (base64-decoded), else from stringData; empty when neither has it. */
    public static Optional<String> value(Secret secret, String key) {
        if (secret.getData() != null && secret.getData().containsKey(key)) {
            return Optional.of(new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8));
        }
        return secret.getStringData() == null ? Optional.empty() : Optional.ofNullable(secret.getStringData().get(key));
    }
}
