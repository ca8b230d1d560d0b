package dev.vigil.prometheus;

/**
 * A query that produced no usable answer. The message says what went wrong in terms of the transport and the HTTP
 * status only: a response body is never copied into it, because bodies can carry anything (including secrets
 * echoed by a proxy) and this message ends up in status and logs.
 */
public class PrometheusException extends Exception {
    public enum Kind {
        /** Connection refused, DNS failure, TLS failure. */
        UNREACHABLE,
        TIMEOUT,
        /** A 3xx answer; redirects are never followed (they could lead the token elsewhere). */
        REDIRECT,
        /** 400/422 from Prometheus: the query does not parse or cannot be executed. */
        QUERY_REJECTED,
        /** Any other non-2xx status. */
        HTTP_ERROR,
        TOO_LARGE,
        /** A 2xx answer that is not Prometheus' JSON envelope. */
        MALFORMED
    }

    private final Kind kind;

    public PrometheusException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public PrometheusException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
