package dev.vigil.kube;

import dev.vigil.config.Settings;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether an optional integration's CRD (PrometheusRule, GrafanaDashboard) is installed. Asked on every reconcile,
 * answered from a cache that is refreshed with one GET per CRD at most every {@code vigil.crd-recheck-interval}, for
 * as long as the operator runs: a CRD installed after the operator started is picked up within that interval
 * (JOSDK's own CRD activation condition stops looking after ten tries).
 */
@ApplicationScoped
public class CrdPresence {
    private static final Logger LOG = Logger.getLogger(CrdPresence.class);

    private record Check(boolean present, Instant at) {
    }

    private final KubernetesClient client;
    private final Duration recheck;
    private final Map<String, Check> checks = new ConcurrentHashMap<>();
    Clock clock = Clock.systemUTC();

    @Inject
    public CrdPresence(KubernetesClient client, Settings settings) {
        this(client, settings.crdRecheckInterval());
    }

    CrdPresence(KubernetesClient client, Duration recheck) {
        this.client = client;
        this.recheck = recheck;
    }

    /** @param crdName plural.group, e.g. prometheusrules.monitoring.coreos.com */
    public boolean present(String crdName) {
        Instant now = clock.instant();
        Check last = checks.get(crdName);
        if (last != null && now.isBefore(last.at().plus(recheck))) {
            return last.present();
        }
        Optional<Boolean> answer = lookUp(crdName);
        if (answer.isEmpty()) {
            // The apiserver did not answer (away, overloaded): what was known stays known, and the next call asks
            // again. Taking a failure for "absent" would switch an integration off and delete what it delivered
            // (the PrometheusRules) as soon as the apiserver is back.
            if (last != null) {
                return last.present();
            }
            throw new KubernetesClientException("cannot tell whether CRD " + crdName + " is installed: the apiserver did not answer");
        }
        boolean present = answer.get();
        if (last == null || last.present() != present) {
            LOG.infof("CRD %s is %s", crdName, present ? "installed: its integration is on" : "not installed");
        }
        checks.put(crdName, new Check(present, now));
        return present;
    }

    /** Forget what is known of {@code crdName}: the next {@link #present} asks the API server (e.g. after a 404). */
    public void forget(String crdName) {
        checks.remove(crdName);
    }

    /** Present or not; empty when the apiserver gave no answer. */
    private Optional<Boolean> lookUp(String crdName) {
        try {
            return Optional.of(client.resources(CustomResourceDefinition.class).withName(crdName).get() != null);
        } catch (KubernetesClientException e) {
            if (e.getCode() == 403) {
                // Without the right to read it the integration stays off.
                LOG.warnf("may not read CRD %s (HTTP 403); treating it as absent", crdName);
                return Optional.of(false);
            }
            LOG.warnf("cannot read CRD %s (HTTP %d); keeping what was known and asking again", crdName, e.getCode());
            return Optional.empty();
        }
    }
}
