package dev.vigil.kube;

import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.quarkus.test.kubernetes.client.KubernetesServer;

import java.util.Map;

/**
 * The apiserver's TokenReview on the mock server, scripted for the tests: a token in {@code users} authenticates as
 * its user, any other token does not.
 */
public final class ScriptedTokenReviews {
    private ScriptedTokenReviews() {
    }

    public static void answer(KubernetesServer server, Map<String, String> users) {
        server.expect().post().withPath("/apis/authentication.k8s.io/v1/tokenreviews").andReply(201, request -> {
            String body = request.getBody().readUtf8();
            String token = users.keySet().stream().filter(t -> body.contains("\"" + t + "\"")).findFirst().orElse(null);
            var status = new TokenReviewBuilder().withNewSpec().withToken(token).endSpec().withNewStatus()
                    .withAuthenticated(token != null);
            if (token != null) {
                status = status.withNewUser().withUsername(users.get(token)).endUser();
            }
            return status.endStatus().build();
        }).always();
    }
}
