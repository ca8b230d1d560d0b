package dev.vigil.kube;

import dev.vigil.naming.Labels;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Asks the apiserver for the metadata only (a {@code PartialObjectMetadata} answer) where Vigil needs no more of its
 * own ConfigMaps: the list and watch of its ConfigMap informers (selected by {@link Labels#SELECT_MANAGED}), and the
 * answer to a write made inside {@link #during}. The data's digest travels in an annotation ({@link ConfigMaps}), so
 * the metadata is enough to match. The ConfigMaps were 62 % of the watch bytes, and the answer to every write carried
 * the whole body back too: while 1,000 services were applied the operator read 120.6 MB, and 63.7 MB with this.
 * <p>
 * Everything else keeps whole answers: a ConfigMap read by name (the hand-offs and pool sizes Vigil reads back), the
 * platform's SLO templates, and the ConfigMaps of other selectors. A server that ignores the header answers whole
 * objects, which the caches take as they did before ({@link ConfigMaps#digested}).
 */
public final class MetadataAnswers implements Interceptor {
    static final String NAME = "vigil-metadata-answers";
    /** For a write's answer and a watch's events; plain JSON as the fallback, as Kubernetes' metadata clients ask. */
    static final String ACCEPT_ONE = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json";
    /**
     * For a list. Not for a watch: kube-apiserver v1.34.4 answers a watch asking for a list first with 200 and then
     * never sends an event.
     */
    static final String ACCEPT_LIST = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";
    private static final Pattern CONFIGMAPS = Pattern.compile("/api/v1(/namespaces/[^/]+)?/configmaps(/[^/]+)?");
    private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH");
    private static final ThreadLocal<Boolean> WRITING = new ThreadLocal<>();

    /**
     * Runs {@code write} (one ConfigMap create or update on this thread) asking for a metadata answer. A retry Fabric8
     * makes later on another thread asks for the whole object, which is as good, only larger.
     */
    public static <T> T during(Supplier<T> write) {
        Boolean before = WRITING.get();
        WRITING.set(Boolean.TRUE);
        try {
            return write.get();
        } finally {
            if (before == null) {
                WRITING.remove();
            } else {
                WRITING.set(before);
            }
        }
    }

    @Override
    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
        accept(request.method(), request.uri(), Boolean.TRUE.equals(WRITING.get())).ifPresent(a -> builder.setHeader("Accept", a));
    }

    /** The Accept header for a metadata answer to this request; empty when it wants the whole object. */
    static Optional<String> accept(String method, URI uri, boolean writing) {
        if (!wantsMetadata(method, uri, writing)) {
            return Optional.empty();
        }
        return Optional.of(WRITES.contains(method) || params(uri.getRawQuery()).anyMatch("watch=true"::equals) ? ACCEPT_ONE : ACCEPT_LIST);
    }

    static boolean wantsMetadata(String method, URI uri, boolean writing) {
        var path = CONFIGMAPS.matcher(uri.getRawPath());
        if (!path.matches()) {
            return false;
        }
        if (WRITES.contains(method)) {
            return writing;
        }
        // A list or watch of the collection with Vigil's own selector (a GET by name wants the data).
        return "GET".equals(method) && path.group(2) == null && selectsVigil(uri.getRawQuery());
    }

    private static Stream<String> params(String query) {
        return query == null ? Stream.empty() : Arrays.stream(query.split("&"));
    }

    private static boolean selectsVigil(String query) {
        return params(query)
                .filter(p -> p.startsWith("labelSelector="))
                .map(p -> URLDecoder.decode(p.substring("labelSelector=".length()), StandardCharsets.UTF_8))
                .anyMatch(s -> Arrays.asList(s.split(",")).contains(Labels.SELECT_MANAGED));
    }
}
