package dev.vigil.kube;

import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Which requests ask the apiserver for metadata only: Vigil's own ConfigMaps' lists, watches and written answers. */
class MetadataAnswersTest {
    private static final String VIGIL = "labelSelector=app.kubernetes.io%2Fcomponent%3Ddashboard%2Capp.kubernetes.io%2Fmanaged-by%3Dvigil";

    private static boolean asks(String method, String uri, boolean writing) {
        return MetadataAnswers.wantsMetadata(method, URI.create("https://apiserver:6443" + uri), writing);
    }

    @Test
    void vigilsConfigMapInformersListAndWatchMetadata() {
        assertThat(asks("GET", "/api/v1/configmaps?" + VIGIL + "&resourceVersion=0", false)).isTrue();
        assertThat(asks("GET", "/api/v1/namespaces/shop/configmaps?" + VIGIL + "&watch=true&allowWatchBookmarks=true", false)).isTrue();
        assertThat(asks("GET", "/api/v1/configmaps?labelSelector=app.kubernetes.io%2Fmanaged-by%3Dvigil", false)).isTrue();
    }

    @Test
    void aWatchAsksForSingleObjectsAndAListForAList() {
        // kube-apiserver v1.34.4 answers a watch that asks for PartialObjectMetadataList first with no events at all
        assertThat(MetadataAnswers.accept("GET", URI.create("https://a/api/v1/configmaps?" + VIGIL + "&watch=true&resourceVersion=5"), false))
                .contains(MetadataAnswers.ACCEPT_ONE);
        assertThat(MetadataAnswers.ACCEPT_ONE).doesNotContain("PartialObjectMetadataList");
        assertThat(MetadataAnswers.accept("GET", URI.create("https://a/api/v1/configmaps?" + VIGIL + "&resourceVersion=0"), false))
                .contains(MetadataAnswers.ACCEPT_LIST);
        assertThat(MetadataAnswers.accept("PUT", URI.create("https://a/api/v1/namespaces/x/configmaps/y"), true))
                .contains(MetadataAnswers.ACCEPT_ONE);
        assertThat(MetadataAnswers.accept("GET", URI.create("https://a/api/v1/namespaces/x/configmaps/y"), true)).isEmpty();
    }

    @Test
    void everythingElseGetsWholeObjects() {
        // a ConfigMap read by name: Vigil reads the hand-offs and pool sizes back from these
        assertThat(asks("GET", "/api/v1/namespaces/shop/configmaps/fleet-collector-handoffs", false)).isFalse();
        // the platform's SLO templates (no Vigil selector), others' ConfigMaps, other selectors
        assertThat(asks("GET", "/api/v1/namespaces/vigil/configmaps?watch=true", false)).isFalse();
        assertThat(asks("GET", "/api/v1/configmaps?labelSelector=app%3Dvigil-not", false)).isFalse();
        assertThat(asks("GET", "/api/v1/configmaps?labelSelector=app.kubernetes.io%2Fmanaged-by%3Dvigil-x", false)).isFalse();
        assertThat(asks("GET", "/api/v1/configmaps?labelSelector=app.kubernetes.io%2Fmanaged-by!%3Dvigil", false)).isFalse();
        // other kinds with Vigil's selector
        assertThat(asks("GET", "/api/v1/secrets?" + VIGIL, false)).isFalse();
        assertThat(asks("GET", "/apis/apps/v1/statefulsets?" + VIGIL, false)).isFalse();
        // writes outside VigilConfigMap's (a report, a test's): whole answers
        assertThat(asks("POST", "/api/v1/namespaces/shop/configmaps", false)).isFalse();
        assertThat(asks("PUT", "/api/v1/namespaces/shop/configmaps/svc-slo-report", false)).isFalse();
    }

    @Test
    void writesInsideDuringAskForMetadata() {
        assertThat(asks("POST", "/api/v1/namespaces/shop/configmaps", true)).isTrue();
        assertThat(asks("PUT", "/api/v1/namespaces/shop/configmaps/svc-dashboard", true)).isTrue();
        // the read Fabric8 makes for a resourceVersion when an update has none keeps the data
        assertThat(asks("GET", "/api/v1/namespaces/shop/configmaps/svc-dashboard", true)).isFalse();
        assertThat(asks("PUT", "/apis/apps/v1/namespaces/shop/deployments/svc", true)).isFalse();
    }

    @Test
    void theHeaderIsSetOnlyInsideDuringForWrites() {
        Map<String, String> headers = new HashMap<>();
        BasicBuilder builder = (BasicBuilder) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{BasicBuilder.class},
                (p, m, a) -> {
                    if (m.getName().equals("setHeader")) {
                        headers.put((String) a[0], (String) a[1]);
                    }
                    return p;
                });
        HttpRequest put = (HttpRequest) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{HttpRequest.class},
                (p, m, a) -> switch (m.getName()) {
                    case "method" -> "PUT";
                    case "uri" -> URI.create("https://apiserver:6443/api/v1/namespaces/shop/configmaps/svc-dashboard");
                    default -> throw new UnsupportedOperationException(m.getName());
                });
        Interceptor interceptor = new MetadataAnswers();
        interceptor.before(builder, put, null);
        assertThat(headers).isEmpty();
        String answer = MetadataAnswers.during(() -> {
            interceptor.before(builder, put, null);
            return "written";
        });
        assertThat(answer).isEqualTo("written");
        assertThat(headers).containsEntry("Accept", MetadataAnswers.ACCEPT_ONE);
        headers.clear();
        interceptor.before(builder, put, null);
        assertThat(headers).as("after the write").isEmpty();
    }

    /** The apiserver's answer to a metadata-only list that selects nothing (kube-apiserver v1.34.4). */
    @Test
    void anEmptyMetadataListHasNoItemsRatherThanNone() throws Exception {
        String empty = "{\"kind\":\"PartialObjectMetadataList\",\"apiVersion\":\"meta.k8s.io/v1\","
                + "\"metadata\":{\"resourceVersion\":\"917\"},\"items\":null}";
        var plain = new com.fasterxml.jackson.databind.ObjectMapper();
        assertThat(plain.readValue(empty, io.fabric8.kubernetes.api.model.ConfigMapList.class).getItems())
                .as("what Fabric8's informer failed on").isNull();
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        new MetadataListItems().customize(mapper);
        var list = mapper.readValue(empty, io.fabric8.kubernetes.api.model.ConfigMapList.class);
        assertThat(list.getItems()).isEmpty();
        assertThat(list.getMetadata().getResourceVersion()).isEqualTo("917");
    }
}
