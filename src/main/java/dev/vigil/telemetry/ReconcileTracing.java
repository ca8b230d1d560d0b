package dev.vigil.telemetry;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.concurrent.Callable;

/**
 * One span per reconcile, named after the kind, with the resource's identity as attributes. Exported only when the
 * operator is configured with an OTLP endpoint (quarkus.otel.sdk.disabled=false); otherwise a no-op.
 */
@ApplicationScoped
public class ReconcileTracing {
    @Inject
    Tracer tracer;

    public <T> T trace(HasMetadata resource, Callable<T> work) throws Exception {
        Span span = tracer.spanBuilder("reconcile " + resource.getKind())
                .setAttribute("k8s.namespace.name", resource.getMetadata().getNamespace())
                .setAttribute("vigil.resource.name", resource.getMetadata().getName())
                .setAttribute("vigil.resource.generation", resource.getMetadata().getGeneration() == null ? 0
                        : resource.getMetadata().getGeneration())
                .startSpan();
        try (Scope ignored = span.makeCurrent()) {
            return work.call();
        } catch (Exception e) {
            span.setStatus(StatusCode.ERROR, e.getClass().getSimpleName());
            throw e;
        } finally {
            span.end();
        }
    }
}
