package dev.vigil.slo;

import dev.vigil.config.Settings;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The platform templates as they are now: the configured ConfigMap read from the reconciler's informer (so an edit
 * triggers the services that use them), parsed and checked once per version of the ConfigMap.
 */
@ApplicationScoped
public class PlatformTemplateSource {
    private static final Logger LOG = Logger.getLogger(PlatformTemplateSource.class);

    private record Parsed(String version, PlatformTemplates templates) {
    }

    private final Optional<ResourceID> configMap;
    private final PromtoolRuleCheck promtool;
    private volatile Function<ResourceID, Optional<ConfigMap>> reader = id -> Optional.empty();
    private final AtomicReference<Parsed> last = new AtomicReference<>();

    public PlatformTemplateSource(Settings settings, PromtoolRuleCheck promtool) {
        this.configMap = settings.slo().templatesConfigMap().map(PlatformTemplateSource::id);
        this.promtool = promtool;
    }

    /** {@code namespace/name} as a resource ID. */
    static ResourceID id(String namespaceName) {
        int slash = namespaceName.indexOf('/');
        if (slash <= 0 || slash == namespaceName.length() - 1 || namespaceName.indexOf('/', slash + 1) >= 0) {
            throw new IllegalArgumentException("vigil.slo.templates-configmap must be namespace/name, not " + namespaceName);
        }
        return new ResourceID(namespaceName.substring(slash + 1), namespaceName.substring(0, slash));
    }

    /** The configured ConfigMap, if any. */
    public Optional<ResourceID> configMap() {
        return configMap;
    }

    /** Where the ConfigMap is read from (the reconciler's informer cache). */
    public void readFrom(Function<ResourceID, Optional<ConfigMap>> reader) {
        this.reader = reader;
    }

    public PlatformTemplates current() {
        if (configMap.isEmpty()) {
            return PlatformTemplates.none();
        }
        ResourceID id = configMap.get();
        String source = id.getNamespace().orElseThrow() + "/" + id.getName();
        Optional<ConfigMap> cm = reader.apply(id);
        if (cm.isEmpty()) {
            return PlatformTemplates.missing(source);
        }
        String version = cm.get().getMetadata().getUid() + "/" + cm.get().getMetadata().getResourceVersion();
        Parsed p = last.get();
        if (p != null && p.version().equals(version)) {
            return p.templates();
        }
        String yaml = cm.get().getData() == null ? null : cm.get().getData().get(PlatformTemplates.KEY);
        PlatformTemplates parsed = PlatformTemplates.parse(source, yaml, promtool::check);
        parsed.problem().ifPresent(problem -> LOG.warnf("SLO templates: %s", problem));
        parsed.invalid().forEach((name, problem) -> LOG.warnf("SLO template %s in %s is invalid: %s", name, source, problem));
        LOG.infof("SLO templates from %s: %d usable (%s)", source, parsed.valid().size(), String.join(", ", parsed.valid().keySet()));
        last.set(new Parsed(version, parsed));
        return parsed;
    }
}
