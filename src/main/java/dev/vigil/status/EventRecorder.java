package dev.vigil.status;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/** Kubernetes Events on Vigil's custom resources. Events are emitted on changes only, never on idle reconciles. */
@ApplicationScoped
public class EventRecorder {
    public static final String COMPONENT = "vigil-operator";
    private static final Logger LOG = Logger.getLogger(EventRecorder.class);

    @Inject
    KubernetesClient client;

    public void normal(HasMetadata about, String reason, String message) {
        emit(about, "Normal", reason, message);
    }

    public void warning(HasMetadata about, String reason, String message) {
        emit(about, "Warning", reason, message);
    }

    private void emit(HasMetadata about, String type, String reason, String message) {
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        try {
            client.v1().events().inNamespace(about.getMetadata().getNamespace()).resource(new EventBuilder()
                    .withNewMetadata()
                    .withName(about.getMetadata().getName() + "." + UUID.randomUUID().toString().substring(0, 8))
                    .withNamespace(about.getMetadata().getNamespace())
                    .endMetadata()
                    .withNewInvolvedObject()
                    .withApiVersion(about.getApiVersion()).withKind(about.getKind())
                    .withName(about.getMetadata().getName()).withNamespace(about.getMetadata().getNamespace())
                    .withUid(about.getMetadata().getUid()).withResourceVersion(about.getMetadata().getResourceVersion())
                    .endInvolvedObject()
                    .withType(type).withReason(reason).withMessage(truncate(message))
                    .withNewSource().withComponent(COMPONENT).endSource()
                    .withReportingComponent(COMPONENT)
                    .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                    .build()).create();
        } catch (KubernetesClientException e) {
            // An event is a courtesy; failing to record one must not fail the reconcile.
            LOG.warnf("could not record %s event %s on %s/%s (HTTP %d)", type, reason,
                    about.getMetadata().getNamespace(), about.getMetadata().getName(), e.getCode());
        }
    }

    private static String truncate(String message) {
        return message.length() <= 1024 ? message : message.substring(0, 1021) + "...";
    }
}
