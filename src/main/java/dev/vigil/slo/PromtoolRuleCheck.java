package dev.vigil.slo;

import dev.vigil.naming.Names;
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
 * Optional offline check of a rules file with {@code promtool check rules} before it is written, so that a PromQL
 * syntax error in an SLI never reaches a Prometheus. Enabled by {@code vigil.slo.promtool-binary}; verdicts are
 * cached by the file's hash.
 */
@ApplicationScoped
public class PromtoolRuleCheck {
    private static final Logger LOG = Logger.getLogger(PromtoolRuleCheck.class);
    private static final int CACHE_SIZE = 512;

    private final Optional<Path> binary;
    private final Map<String, List<String>> verdicts = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, List<String>> eldest) {
            return size() > CACHE_SIZE;
        }
    };

    public PromtoolRuleCheck(@ConfigProperty(name = "vigil.slo.promtool-binary") Optional<String> binary) {
        this.binary = binary.filter(b -> !b.isBlank()).map(Path::of);
        this.binary.ifPresent(b -> LOG.infof("SLO rule files are checked with %s check rules", b));
    }

    /** Problems promtool reports; empty when it accepts the file or when no promtool is configured. */
    public synchronized List<String> check(String rulesYaml) {
        if (binary.isEmpty()) {
            return List.of();
        }
        String hash = Names.sha256Hex(rulesYaml);
        List<String> cached = verdicts.get(hash);
        if (cached != null) {
            return cached;
        }
        List<String> verdict = run(rulesYaml);
        verdicts.put(hash, verdict);
        return verdict;
    }

    private List<String> run(String yaml) {
        Path file = null;
        try {
            file = Files.createTempFile("vigil-slo", ".rules.yaml");
            Files.writeString(file, yaml);
            Process p = new ProcessBuilder(binary.get().toString(), "check", "rules", file.toString())
                    .redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readNBytes(64 * 1024);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("promtool check rules did not finish in 30 s");
            }
            if (p.exitValue() == 0) {
                return List.of();
            }
            return List.of("promtool rejected the generated rules: " + summary(new String(out, StandardCharsets.UTF_8), file));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run promtool: " + e.getClass().getSimpleName(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking rules", e);
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

    /** promtool's error lines without the temp file's name and the "Checking"/"FAILED" chatter, bounded in size. */
    static String summary(String output, Path file) {
        StringBuilder sb = new StringBuilder();
        for (String line : output.split("\n")) {
            String l = line.strip().replace(file.toString() + ": ", "").replace(file.toString(), "rules");
            if (l.isEmpty() || l.startsWith("Checking ") || l.equals("FAILED:")) {
                continue;
            }
            sb.append(sb.length() == 0 ? "" : "; ").append(l);
        }
        String s = sb.toString();
        return s.length() <= 800 ? s : s.substring(0, 797) + "...";
    }
}
