package dev.vigil.collector;

import dev.vigil.config.Settings;
import dev.vigil.kube.ExternalCheck;
import dev.vigil.naming.Names;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
    private final ExternalCheck check = new ExternalCheck("collector validate", CACHE_SIZE);

    public CollectorBinaryValidator(Settings settings) {
        this.binary = settings.collector().validatorBinary();
        this.binary.ifPresent(b -> LOG.infof("collector configs are also checked with %s validate", b));
    }

    public boolean enabled() {
        return binary.isPresent();
    }

    /**
     * Problems the real collector reports for the plan's configs (the fleet's, or each node group's, named); empty
     * when it accepts them or when disabled.
     */
    public List<String> validate(FleetPlan plan) {
        if (binary.isEmpty()) {
            return List.of();
        }
        if (!plan.grouped()) {
            return validate(plan.configYaml());
        }
        List<String> problems = new ArrayList<>();
        for (FleetPlan.Group g : plan.groups()) {
            validate(g.configYaml()).forEach(p -> problems.add("node group " + g.group().name() + ": " + p));
        }
        return problems;
    }

    private List<String> validate(String configYaml) {
        return check.verdict(Names.sha256Hex(configYaml), () -> {
            // The environment a collector pod has, so that ${env:...} references resolve as they will there. (What an
            // agent's vigilrules processor will be served is checked where it is made, RuleBook.)
            ExternalCheck.Run run = check.run(configYaml, ".yaml",
                    file -> List.of(binary.get().toString(), "validate", "--config=" + file),
                    Map.of(CollectorConfig.SHARD_ENV, "0", CollectorConfig.NODE_NAME_ENV, "validation",
                            CollectorConfig.OTLP_TOKEN_ENV, "validation", CollectorConfig.REMOTE_WRITE_TOKEN_ENV, "validation"));
            return run.exitCode() == 0 ? List.of()
                    : List.of("the collector rejected the configuration: " + summary(run.output()));
        });
    }

    /** The collector's error lines, without its log prefixes, bounded in size. */
    static String summary(String output) {
        return ExternalCheck.summary(output);
    }
}
