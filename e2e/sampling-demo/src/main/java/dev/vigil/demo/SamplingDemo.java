package dev.vigil.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.extension.trace.jaeger.sampler.JaegerRemoteSampler;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;

import java.io.FileWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * A service that starts root spans ("requests") at the rate it is told, each kept or not by the OpenTelemetry Java
 * SDK's {@code parentbased_jaeger_remote} sampler, whose strategy comes from Vigil's collector fleet (the vigilsampling
 * extension), and exports the kept ones over OTLP. It records every second how many it started and how many the
 * SDK kept, with the sampler's description (the ratio it runs with), and counts requests and errors for an SLO.
 *
 * <p>Environment: SERVICE_NAME, OTLP_ENDPOINT, SAMPLING_ENDPOINT, SAMPLING_POLL_MS, HTTP_PORT (control: /rate?perSecond=,
 * /errors?share=, /state; /metrics: Prometheus text), EVENTS_FILE (one JSON line a second).
 */
public final class SamplingDemo {
    private static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");

    private static volatile double perSecond;
    private static volatile double errorShare;
    private static final AtomicLong started = new AtomicLong();
    private static final AtomicLong kept = new AtomicLong();
    private static final AtomicLong errors = new AtomicLong();

    public static void main(String[] args) throws Exception {
        Map<String, String> env = System.getenv();
        String service = env.getOrDefault("SERVICE_NAME", "sampling-demo");
        perSecond = Double.parseDouble(env.getOrDefault("RATE", "0"));
        JaegerRemoteSampler remote = JaegerRemoteSampler.builder()
                .setEndpoint(env.getOrDefault("SAMPLING_ENDPOINT", "http://127.0.0.1:14250"))
                .setPollingInterval(Duration.ofMillis(Long.parseLong(env.getOrDefault("SAMPLING_POLL_MS", "1000"))))
                .setServiceName(service)
                .setInitialSampler(Sampler.alwaysOn())
                .build();
        SdkTracerProvider tracing = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(
                        AttributeKey.stringKey("service.name"), service))))
                .setSampler(Sampler.parentBased(remote))
                .addSpanProcessor(BatchSpanProcessor.builder(OtlpGrpcSpanExporter.builder()
                                .setEndpoint(env.getOrDefault("OTLP_ENDPOINT", "http://127.0.0.1:4317")).build())
                        .setScheduleDelay(Duration.ofMillis(200)).setMaxQueueSize(65536).setMaxExportBatchSize(2048)
                        .build())
                .build();
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(tracing).build();
        Tracer tracer = sdk.getTracer("dev.vigil.demo");

        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1",
                Integer.parseInt(env.getOrDefault("HTTP_PORT", "18095"))), 16);
        http.createContext("/rate", x -> {
            perSecond = Double.parseDouble(param(x, "perSecond"));
            reply(x, "rate " + perSecond + "\n");
        });
        http.createContext("/errors", x -> {
            errorShare = Double.parseDouble(param(x, "share"));
            reply(x, "errors " + errorShare + "\n");
        });
        http.createContext("/state", x -> reply(x, "{\"perSecond\": " + perSecond + ", \"started\": " + started.get()
                + ", \"kept\": " + kept.get() + ", \"sampler\": \"" + remote.getDescription() + "\"}\n"));
        http.createContext("/metrics", x -> reply(x, "# TYPE demo_requests counter\n"
                + "demo_requests_total{code=\"200\"} " + (started.get() - errors.get()) + "\n"
                + "demo_requests_total{code=\"500\"} " + errors.get() + "\n"));
        http.start();

        // Requests: every 10 ms the share of the rate that falls in it (fractions carried over).
        ScheduledExecutorService ticks = Executors.newScheduledThreadPool(2);
        DoubleAdder owed = new DoubleAdder();
        ticks.scheduleAtFixedRate(() -> {
            owed.add(perSecond / 100);
            long n = (long) owed.sum();
            owed.add(-n);
            for (long i = 0; i < n; i++) {
                Span span = tracer.spanBuilder("GET /checkout").setSpanKind(SpanKind.SERVER)
                        .setAttribute(ROUTE, "/checkout").startSpan();
                long count = started.incrementAndGet();
                if (errorShare > 0 && (count * errorShare) % 1 < errorShare) {
                    errors.incrementAndGet();
                }
                if (span.getSpanContext().isSampled()) {
                    kept.incrementAndGet();
                }
                span.end();
            }
        }, 10, 10, TimeUnit.MILLISECONDS);

        // One line a second: what was started and kept in it, and the sampler the SDK runs.
        PrintWriter events = new PrintWriter(new FileWriter(env.getOrDefault("EVENTS_FILE", "sampling-demo.jsonl"),
                StandardCharsets.UTF_8, true), true);
        long[] last = {0, 0};
        ticks.scheduleAtFixedRate(() -> {
            long s = started.get();
            long k = kept.get();
            events.printf("{\"at\": %.3f, \"perSecond\": %s, \"started\": %d, \"kept\": %d, \"sampler\": \"%s\"}%n",
                    System.currentTimeMillis() / 1000.0, perSecond, s - last[0], k - last[1], remote.getDescription());
            last[0] = s;
            last[1] = k;
        }, 1, 1, TimeUnit.SECONDS);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            ticks.shutdown();
            sdk.close();
            http.stop(0);
        }));
        Thread.currentThread().join();
    }

    private static String param(HttpExchange x, String name) {
        String q = x.getRequestURI().getQuery();
        for (String kv : q == null ? new String[0] : q.split("&")) {
            if (kv.startsWith(name + "=")) {
                return kv.substring(name.length() + 1);
            }
        }
        throw new IllegalArgumentException("missing " + name);
    }

    private static void reply(HttpExchange x, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(200, b.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(b);
        }
    }
}
