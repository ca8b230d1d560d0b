package dev.vigil.collector;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Optional second opinion on a configuration: the collector's own {@code validate} command, which knows every
 * component's settings. Enabled by pointing {@code vigil.collector.validator-binary} at a collector binary with the
 * same components as the fleet's image; verdicts are cached by config hash, so an unchanged config is never
 * validated twice.
 */
@ApplicationScoped
public class CollectorBinaryValidator {
    private static final Logger LOG = Logger.getLogger(CollectorBinaryValidator.class);
    private static final int CACHE_SIZE = 256;

    private final Optional<Path> binary;
    private final Map<String, List<String>> verdicts = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, List<String>> eldest) {
            return size() > CACHE_SIZE;
        }
    };

    public CollectorBinaryValidator(@ConfigProperty(name = "vigil.collector.validator-binary") Optional<String> binary) {
        this.binary = binary.filter(b -> !b.isBlank()).map(Path::of);
        this.binary.ifPresent(b -> LOG.infof("collector configs are also checked with %s validate", b));
    }

    public boolean enabled() {
        return binary.isPresent();
    }

    /** Problems the real collector reports for the plan's config; empty when it accepts it or when disabled. */
    public synchronized List<String> validate(FleetPlan plan) {
        if (binary.isEmpty()) {
            return List.of();
        }
        List<String> cached = verdicts.get(plan.configHash());
        if (cached != null) {
            return cached;
        }
        List<String> verdict = run(plan.configYaml());
        verdicts.put(plan.configHash(), verdict);
        return verdict;
    }

    private List<String> run(String yaml) {
        Path file = null;
        try {
            file = Files.createTempFile("vigil-collector", ".yaml");
            Files.writeString(file, yaml);
            ProcessBuilder pb = new ProcessBuilder(binary.get().toString(), "validate", "--config=" + file)
                    .redirectErrorStream(true);
            // The environment a shard pod has, so that ${env:...} references resolve as they will there.
            pb.environment().put(CollectorConfig.SHARD_ENV, "0");
            pb.environment().put(CollectorConfig.OTLP_TOKEN_ENV, "validation");
            pb.environment().put(CollectorConfig.REMOTE_WRITE_TOKEN_ENV, "validation");
            Process p = pb.start();
            byte[] out = p.getInputStream().readNBytes(64 * 1024);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("collector validate did not finish in 30 s");
            }
            if (p.exitValue() == 0) {
                return List.of();
            }
            return List.of("the collector rejected the configuration: " + summary(new String(out, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run collector validate: " + e.getClass().getSimpleName(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while validating the collector config", e);
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // a leftover temp file is harmless
                }
            }
        }
    }

    /** The collector's error lines, without its log prefixes, bounded in size. */
    static String summary(String output) {
        StringBuilder sb = new StringBuilder();
        for (String line : output.split("\n")) {
            String l = line.strip();
            if (l.isEmpty()) {
                continue;
            }
            if (l.startsWith("Error: ")) {
                l = l.substring("Error: ".length());
            }
            sb.append(sb.length() == 0 ? "" : "; ").append(l);
        }
        String s = sb.toString();
        return s.length() <= 600 ? s : s.substring(0, 597) + "...";
    }
}
