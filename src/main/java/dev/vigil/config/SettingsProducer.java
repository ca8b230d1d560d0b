package dev.vigil.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The operator's {@link Settings}, read once from its configuration and injected where they are needed. */
@ApplicationScoped
public class SettingsProducer {
    @Produces
    @Singleton
    Settings settings(VigilConfig config) {
        return Settings.from(config);
    }
}
