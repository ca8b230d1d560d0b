package dev.vigil.dashboard;

import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.render.Render;

import java.io.IOException;
import java.io.StringReader;

/** The services the dashboard tests build dashboards for. */
final class DashboardCases {
    private DashboardCases() {
    }

    static InstrumentedService parse(String yaml) {
        try {
            return (InstrumentedService) Render.parse(new StringReader(yaml), "test").get(0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Nothing but what the schema requires. */
    static InstrumentedService minimal() {
        return parse("""
                apiVersion: vigil.dev/v1alpha1
                kind: InstrumentedService
                metadata: {name: api, namespace: shop}
                spec:
                  workloadRef: {name: api}
                  metrics: {port: 9464}
                """);
    }

    /** Two SLOs (ratio and latency) and two pools (RedisClient and OpenTelemetry naming, one with a budget). */
    static InstrumentedService slosAndPools() {
        return parse("""
                apiVersion: vigil.dev/v1alpha1
                kind: InstrumentedService
                metadata: {name: checkout, namespace: shop}
                spec:
                  workloadRef: {name: checkout}
                  metrics: {port: 9464, interval: 15s}
                  traces:
                    sampling: {mode: adaptive, targetSpansPerSecond: 20}
                  slos:
                    - name: availability
                      objective: "99.9"
                      window: 30d
                      indicator:
                        ratio:
                          errors: sum(rate(http_server_request_duration_seconds_count{service="checkout",http_response_status_code=~"5.."}[$window]))
                          total: sum(rate(http_server_request_duration_seconds_count{service="checkout"}[$window]))
                    - name: latency
                      objective: "99"
                      window: 7d
                      indicator:
                        latency:
                          metric: http_server_request_duration_seconds
                          threshold: "0.5"
                          selector: service="checkout"
                  pools:
                    - name: cache
                      signals: {naming: RedisClient}
                      size: {min: 2, max: 40}
                      budget: {maxConnections: 120, name: redis-main}
                    - name: postgres
                      signals: {naming: OpenTelemetry, poolName: checkout-db}
                      size: {min: 5, max: 50}
                  dashboard: {folder: Payments}
                """);
    }
}
