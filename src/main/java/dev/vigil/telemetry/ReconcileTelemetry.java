package dev.vigil.telemetry;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.concurrent.Callable;

/**
 * Counts reconciles per kind and outcome (vigil_reconciles_total: success, error, or deferred for one put off to
 * the end of its resource's pacing interval), tells the {@link ReconcileWatchdog} which are
 * running, and wraps each in one span, named after the kind, with the resource's identity as attributes. Exported only when the
 * operator is configured with an OTLP endpoint (quarkus.otel.sdk.disabled=false); otherwise a no-op.
 */
@ApplicationScoped
public class ReconcileTelemetry {
    @Inject
    Tracer tracer;
    @Inject
    MeterRegistry registry;
    @Inject
    ReconcileWatchdog watchdog;

    /** A reconcile put off, without work: counted, neither traced nor watched. */
    public void deferred(HasMetadata resource) {
        registry.counter("vigil.reconciles", "kind", resource.getKind(), "outcome", "deferred").increment();
    }

    public <T> T trace(HasMetadata resource, Callable<T> work) throws Exception {
        Span span = tracer.spanBuilder("reconcile " + resource.getKind())
                .setAttribute("k8s.namespace.name", resource.getMetadata().getNamespace())
                .setAttribute("vigil.resource.name", resource.getMetadata().getName())
                .setAttribute("vigil.resource.generation", resource.getMetadata().getGeneration() == null ? 0
                        : resource.getMetadata().getGeneration())
                .startSpan();
        long running = watchdog.begin(resource.getKind() + " " + resource.getMetadata().getNamespace() + "/"
                + resource.getMetadata().getName());
        try (Scope ignored = span.makeCurrent()) {
            T result = work.call();
            registry.counter("vigil.reconciles", "kind", resource.getKind(), "outcome", "success").increment();
            return result;
        } catch (Exception e) {
            span.setStatus(StatusCode.ERROR, e.getClass().getSimpleName());
            registry.counter("vigil.reconciles", "kind", resource.getKind(), "outcome", "error").increment();
            throw e;
        } finally {
            watchdog.end(running);
            span.end();
        }
    }
}
