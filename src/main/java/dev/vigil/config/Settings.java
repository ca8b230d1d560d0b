package dev.vigil.config;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

/**
 * The operator's settings as plain values, one section per capability: what the reconcilers are given and pass to
 * the builders, and what the offline render builds from a settings file (or the defaults), so that both produce the
 * same objects for the same settings.
 */
public record Settings(CollectorSettings collector, SloSettings slo, DashboardSettings dashboards,
        Duration crdRecheckInterval, String leaseName, java.util.Optional<String> leaseNamespace) {

    private static final class Defaults {
        static final Settings VALUE = from(mapping(new Properties(), "defaults"));
    }

    public static Settings from(VigilConfig c) {
        return new Settings(
                new CollectorSettings(c.sd().baseUrl(), c.collector().discoveryClusterRole(),
                        c.collector().validatorBinary().filter(b -> !b.isBlank()).map(Path::of),
                        c.collector().watchRunningPodsOnly(), c.collector().minReconcileInterval()),
                SloSettings.from(c.slo()), DashboardSettings.from(c.dashboards()), c.crdRecheckInterval(),
                c.leaderElection().leaseName(), c.leaderElection().leaseNamespace());
    }

    /** Every setting at its default (the defaults declared on {@link VigilConfig}). */
    public static Settings defaults() {
        return Defaults.VALUE;
    }

    /**
     * Settings from a properties file of {@code vigil.*} keys (application.properties' syntax); keys it lacks keep
     * their defaults, a key Vigil does not know or a value of the wrong form is an error.
     */
    public static Settings load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        for (String key : p.stringPropertyNames()) {
            if (!key.startsWith("vigil.")) {
                throw new IOException(file + ": " + key + " is not a Vigil setting (they all start with vigil.)");
            }
        }
        try {
            return from(mapping(p, file.toString()));
        } catch (RuntimeException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    private static VigilConfig mapping(Properties p, String name) {
        java.util.Map<String, String> values = new java.util.HashMap<>();
        p.stringPropertyNames().forEach(k -> values.put(k, p.getProperty(k)));
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(values, name, 100))
                // Quarkus' own converter, so that a file reads "30s" exactly as the operator does.
                .withConverter(Duration.class, 200, new DurationConverter())
                .withMapping(VigilConfig.class)
                .withValidateUnknown(true)
                .build();
        return config.getConfigMapping(VigilConfig.class);
    }
}
