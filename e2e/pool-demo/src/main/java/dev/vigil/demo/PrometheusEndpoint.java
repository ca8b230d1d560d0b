package dev.vigil.demo;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A pull {@link MetricReader} for the OpenTelemetry SDK that serves what it collects in the Prometheus text format
 * on {@code GET /metrics}, naming metrics the way OpenTelemetry's Prometheus compatibility rules do: dots become
 * underscores, the unit {@code s} becomes the suffix {@code _seconds}, annotation units ({@code {connection}}) are
 * dropped, histograms expand to {@code _bucket{le}}, {@code _count} and {@code _sum}. Only the two point kinds this
 * service records (histograms and gauges) are rendered.
 */
final class PrometheusEndpoint implements MetricReader {
    private volatile CollectionRegistration registration = CollectionRegistration.noop();

    PrometheusEndpoint(String host, int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
        server.createContext("/metrics", exchange -> {
            byte[] body = render().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(body);
            }
        });
        server.start();
    }

    @Override
    public void register(CollectionRegistration registration) {
        this.registration = registration;
    }

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
        return AggregationTemporality.CUMULATIVE;
    }

    @Override
    public CompletableResultCode forceFlush() {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
    }

    String render() {
        StringBuilder out = new StringBuilder();
        for (MetricData m : registration.collectAllMetrics()) {
            String name = name(m.getName(), m.getUnit());
            switch (m.getType()) {
                case HISTOGRAM -> {
                    out.append("# TYPE ").append(name).append(" histogram\n");
                    for (HistogramPointData p : m.getHistogramData().getPoints()) {
                        List<Double> bounds = p.getBoundaries();
                        List<Long> counts = p.getCounts();
                        long cumulative = 0;
                        for (int i = 0; i < bounds.size(); i++) {
                            cumulative += counts.get(i);
                            sample(out, name + "_bucket", p.getAttributes(), Map.of("le", number(bounds.get(i))), Long.toString(cumulative));
                        }
                        sample(out, name + "_bucket", p.getAttributes(), Map.of("le", "+Inf"), Long.toString(p.getCount()));
                        sample(out, name + "_count", p.getAttributes(), Map.of(), Long.toString(p.getCount()));
                        sample(out, name + "_sum", p.getAttributes(), Map.of(), number(p.getSum()));
                    }
                }
                case LONG_GAUGE -> {
                    out.append("# TYPE ").append(name).append(" gauge\n");
                    for (LongPointData p : m.getLongGaugeData().getPoints()) {
                        sample(out, name, p.getAttributes(), Map.of(), Long.toString(p.getValue()));
                    }
                }
                case DOUBLE_GAUGE -> {
                    out.append("# TYPE ").append(name).append(" gauge\n");
                    for (DoublePointData p : m.getDoubleGaugeData().getPoints()) {
                        sample(out, name, p.getAttributes(), Map.of(), number(p.getValue()));
                    }
                }
                default -> {
                    // Not recorded by this service.
                }
            }
        }
        return out.toString();
    }

    static String name(String otelName, String unit) {
        String base = otelName.replaceAll("[^a-zA-Z0-9_:]", "_");
        String suffix = switch (unit == null ? "" : unit) {
            case "s" -> "_seconds";
            case "ms" -> "_milliseconds";
            case "By" -> "_bytes";
            default -> "";
        };
        return base.endsWith(suffix) ? base : base + suffix;
    }

    private static void sample(StringBuilder out, String name, Attributes attributes, Map<String, String> extra, String value) {
        Map<String, String> labels = new TreeMap<>();
        attributes.forEach((k, v) -> labels.put(k.getKey().replaceAll("[^a-zA-Z0-9_]", "_"), String.valueOf(v)));
        labels.putAll(extra);
        out.append(name);
        if (!labels.isEmpty()) {
            out.append('{');
            boolean firstLabel = true;
            for (var e : labels.entrySet()) {
                if (!firstLabel) {
                    out.append(',');
                }
                firstLabel = false;
                out.append(e.getKey()).append("=\"")
                        .append(e.getValue().replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")).append('"');
            }
            out.append('}');
        }
        out.append(' ').append(value).append('\n');
    }

    private static String number(double v) {
        return v == Math.rint(v) && !Double.isInfinite(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
