package dev.vigil.slo;

import dev.vigil.config.Settings;
import dev.vigil.kube.ExternalCheck;
import dev.vigil.naming.Names;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
    private final ExternalCheck check = new ExternalCheck("promtool check rules", CACHE_SIZE);

    @Inject
    public PromtoolRuleCheck(Settings settings) {
        this(settings.slo().promtoolBinary());
    }

    PromtoolRuleCheck(Optional<Path> binary) {
        this.binary = binary;
        this.binary.ifPresent(b -> LOG.infof("SLO rule files are checked with %s check rules", b));
    }

    /** Problems promtool reports; empty when it accepts the file or when no promtool is configured. */
    public List<String> check(String rulesYaml) {
        if (binary.isEmpty()) {
            return List.of();
        }
        return check.verdict(Names.sha256Hex(rulesYaml), () -> {
            ExternalCheck.Run run = check.run(rulesYaml, ".rules.yaml",
                    file -> List.of(binary.get().toString(), "check", "rules", file.toString()), Map.of());
            return run.exitCode() == 0 ? List.of()
                    : List.of("promtool rejected the generated rules: " + summary(run.output(), Path.of(run.file())));
        });
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
