package dev.vigil.status;

import io.fabric8.kubernetes.client.KubernetesClientException;

/** What a failed reconcile says in status: the kind of failure and an HTTP code, never a server's response body. */
public final class ErrorSummary {
    private ErrorSummary() {
    }

    public static String of(Exception e) {
        Throwable t = e;
        while (t.getCause() != null && !(t instanceof KubernetesClientException)) {
            t = t.getCause();
        }
        if (t instanceof KubernetesClientException k) {
            return "reconcile failed: Kubernetes API answered HTTP " + k.getCode() + "; retrying with backoff";
        }
        return "reconcile failed (" + t.getClass().getSimpleName() + "); retrying with backoff";
    }
}
