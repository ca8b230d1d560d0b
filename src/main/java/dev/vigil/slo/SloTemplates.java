package dev.vigil.slo;

import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.SloTemplate;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import static dev.vigil.prometheus.PromQl.equal;
import static dev.vigil.prometheus.PromQl.matches;

/**
 * The PromQL of each SLO template: OpenTelemetry semantic-convention metrics as the fleet's Prometheus holds them
 * (dots become underscores, units become suffixes: {@code http.server.request.duration} →
 * {@code http_server_request_duration_seconds_*}), scoped to the service by the {@code namespace} and {@code service}
 * labels the fleet adds to its targets. A bad-events query ends in {@code or vector(0)}: a service that never failed
 * has no error series yet, and that is 0 errors, not no data. Pure.
 */
public final class SloTemplates {
    /** Matches the status codes of failed HTTP client calls: a 5xx code or a named error (no answer at all). */
    static final String CLIENT_ERROR_TYPES = "5..|[^0-9].*";
    /** Resolution of the time-based SLIs' subqueries: each minute is an event. */
    static final String STEP = "1m";

    private SloTemplates() {
    }

    /** The template's name as written in the spec (its field), e.g. httpServerAvailability. */
    public static String name(SloTemplate t) {
        if (t.httpServerAvailability != null) {
            return "httpServerAvailability";
        } else if (t.httpServerLatency != null) {
            return "httpServerLatency";
        } else if (t.grpcServerAvailability != null) {
            return "grpcServerAvailability";
        } else if (t.grpcServerLatency != null) {
            return "grpcServerLatency";
        } else if (t.httpClientAvailability != null) {
            return "httpClientAvailability";
        } else if (t.connectionPoolWait != null) {
            return "connectionPoolWait";
        } else if (t.consumerLag != null) {
            return "consumerLag";
        } else if (t.collectionHealth != null) {
            return "collectionHealth";
        } else if (t.platform != null) {
            return "platform";
        }
        throw new IllegalArgumentException("no template set");
    }

    /** How many templates are set (the schema allows exactly one). */
    static int count(SloTemplate t) {
        return (int) java.util.stream.Stream.of(t.httpServerAvailability, t.httpServerLatency, t.grpcServerAvailability,
                t.grpcServerLatency, t.httpClientAvailability, t.connectionPoolWait, t.consumerLag, t.collectionHealth, t.platform)
                .filter(Objects::nonNull).count();
    }

    static Sli sli(InstrumentedService service, SloTemplate t) {
        String name = name(t);
        List<String> scope = scope(service);
        if (t.httpServerAvailability != null) {
            var p = t.httpServerAvailability;
            List<String> sel = http(scope, p.route, p.method, p.selector);
            String m = or(p.metric, SloTemplate.HTTP_SERVER_METRIC) + "_count";
            return availability(m, sel, matches("http_response_status_code", or(p.errorStatus, SloTemplate.HTTP_ERROR_STATUS)), name);
        } else if (t.httpServerLatency != null) {
            var p = t.httpServerLatency;
            return latency(or(p.metric, SloTemplate.HTTP_SERVER_METRIC), join(http(scope, p.route, p.method, p.selector)),
                    p.threshold, name);
        } else if (t.grpcServerAvailability != null) {
            var p = t.grpcServerAvailability;
            String m = or(p.metric, SloTemplate.GRPC_SERVER_METRIC) + "_count";
            return availability(m, grpc(scope, p.rpcService, p.rpcMethod, p.selector),
                    matches("rpc_grpc_status_code", or(p.errorCodes, SloTemplate.GRPC_ERROR_CODES)), name);
        } else if (t.grpcServerLatency != null) {
            var p = t.grpcServerLatency;
            return latency(or(p.metric, SloTemplate.GRPC_SERVER_METRIC), join(grpc(scope, p.rpcService, p.rpcMethod, p.selector)),
                    p.threshold, name);
        } else if (t.httpClientAvailability != null) {
            var p = t.httpClientAvailability;
            List<String> sel = new ArrayList<>(scope);
            sel.add(matches("server_address", p.serverAddress));
            if (p.method != null) {
                sel.add(matches("http_request_method", p.method));
            }
            add(sel, p.selector);
            return availability(or(p.metric, SloTemplate.HTTP_CLIENT_METRIC) + "_count", sel,
                    matches("error_type", CLIENT_ERROR_TYPES), name);
        } else if (t.connectionPoolWait != null) {
            var p = t.connectionPoolWait;
            List<String> sel = new ArrayList<>(scope);
            if (p.pool != null) {
                sel.add(equal("db_client_connection_pool_name", p.pool));
            }
            add(sel, p.selector);
            // A slow acquisition is a bad event: good ones are those within the threshold.
            return latency(or(p.metric, SloTemplate.POOL_WAIT_METRIC), join(sel), p.threshold, name);
        } else if (t.consumerLag != null) {
            var p = t.consumerLag;
            String lag = "max(" + p.metric + (p.selector == null ? "" : "{" + p.selector + "}") + ")";
            return new Sli("sum_over_time((" + lag + " > bool " + p.threshold + ")[" + Sli.WINDOW + ":" + STEP + "])", null,
                    "count_over_time(" + lag + "[" + Sli.WINDOW + ":" + STEP + "])", true, name);
        }
        var p = Objects.requireNonNull(t.collectionHealth);
        List<String> sel = new ArrayList<>(scope);
        add(sel, p.selector);
        String up = "up{" + join(sel) + "}[" + Sli.WINDOW + "]";
        return new Sli("sum(count_over_time(" + up + ")) - sum(sum_over_time(" + up + "))", null,
                "sum(count_over_time(" + up + "))", true, name);
    }

    /**
     * Share of events above a histogram bound: good events are the bucket at {@code le} (which must be one of the
     * histogram's bounds, as Prometheus prints it), all events its count.
     */
    static Sli latency(String metric, String selector, String threshold, String template) {
        String comma = selector.isEmpty() ? "" : ",";
        return new Sli(null, "sum(rate(" + metric + "_bucket{" + selector + comma + "le=\"" + threshold + "\"}[" + Sli.WINDOW + "]))",
                "sum(rate(" + metric + "_count" + (selector.isEmpty() ? "" : "{" + selector + "}") + "[" + Sli.WINDOW + "]))",
                false, template);
    }

    private static Sli availability(String countMetric, List<String> selector, String errorMatcher, String template) {
        String sel = join(selector);
        return new Sli("sum(rate(" + countMetric + "{" + sel + "," + errorMatcher + "}[" + Sli.WINDOW + "])) or vector(0)", null,
                "sum(rate(" + countMetric + "{" + sel + "}[" + Sli.WINDOW + "]))", false, template);
    }

    private static List<String> scope(InstrumentedService service) {
        return List.of(equal("namespace", service.getMetadata().getNamespace()),
                equal("service", service.getMetadata().getName()));
    }

    private static List<String> http(List<String> scope, String route, String method, String selector) {
        List<String> sel = new ArrayList<>(scope);
        if (route != null) {
            sel.add(matches("http_route", route));
        }
        if (method != null) {
            sel.add(matches("http_request_method", method));
        }
        add(sel, selector);
        return sel;
    }

    private static List<String> grpc(List<String> scope, String service, String method, String selector) {
        List<String> sel = new ArrayList<>(scope);
        sel.add(equal("rpc_system", "grpc"));
        if (service != null) {
            sel.add(matches("rpc_service", service));
        }
        if (method != null) {
            sel.add(matches("rpc_method", method));
        }
        add(sel, selector);
        return sel;
    }

    private static void add(List<String> sel, String extra) {
        if (extra != null && !extra.isBlank()) {
            sel.add(extra);
        }
    }

    private static String join(List<String> matchers) {
        return String.join(",", matchers);
    }

    private static String or(String v, String dflt) {
        return v == null ? dflt : v;
    }
}
