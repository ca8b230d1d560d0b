package dev.vigil.slo;

import dev.vigil.config.Settings;
import dev.vigil.kube.BatchedCheck;
import dev.vigil.kube.ExternalCheck;
import dev.vigil.naming.Names;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Optional offline check of a rules file with {@code promtool check rules} before it is written, so that a PromQL
 * syntax error in an SLI never reaches a Prometheus. Enabled by {@code vigil.slo.promtool-binary}; verdicts are
 * cached by the file's hash. The files the reconcile threads ask about at the same time are checked by one promtool
 * run ({@link BatchedCheck}); under a stream of services, at most one run per {@link #LINGER}. On the development
 * machine, promtool 2.42 takes ~30 ms of CPU to start and ~9 ms per 30-rule file: 1,000 services applied over a
 * minute ran 395 processes (218 with one file) before runs lingered. A run that fails is split in halves until each
 * failing file is checked alone, so each file's verdict names only its own errors.
 */
@ApplicationScoped
public class PromtoolRuleCheck {
    private static final Logger LOG = Logger.getLogger(PromtoolRuleCheck.class);
    private static final String WHAT = "promtool check rules";
    /**
     * Verdicts kept: one per service's current rules, so above the services one operator holds (a verdict is a hash
     * and an empty list, about 200 bytes). With 512, every reconcile of a service beyond the 512th ran promtool again
     * (a service is reconciled at each SLO measurement).
     */
    static final int CACHE_SIZE = 20_000;
    static final int MAX_BATCH = 64;
    /** The least time between promtool runs while files keep coming (a run starts early when 64 files wait). */
    static final Duration LINGER = Duration.ofMillis(500);

    private final Optional<Path> binary;
    private final BatchedCheck check;
    private final AtomicInteger processes = new AtomicInteger();

    @Inject
    public PromtoolRuleCheck(Settings settings) {
        this(settings.slo().promtoolBinary());
    }

    PromtoolRuleCheck(Optional<Path> binary) {
        this.binary = binary;
        this.check = new BatchedCheck(WHAT, CACHE_SIZE, MAX_BATCH, LINGER, this::verdicts);
        this.binary.ifPresent(b -> LOG.infof("SLO rule files are checked with %s check rules", b));
    }

    /** Problems promtool reports; empty when it accepts the file or when no promtool is configured. */
    public List<String> check(String rulesYaml) {
        if (binary.isEmpty()) {
            return List.of();
        }
        return check.verdict(Names.sha256Hex(rulesYaml), rulesYaml);
    }

    /** How many promtool processes ran. */
    int runs() {
        return processes.get();
    }

    /** One verdict per file: all accepted when one run accepts them all, else each half on its own. */
    private List<List<String>> verdicts(List<String> files) {
        processes.incrementAndGet();
        ExternalCheck.Run run = ExternalCheck.run(WHAT, files, ".rules.yaml", paths -> {
            List<String> command = new ArrayList<>(List.of(binary.get().toString(), "check", "rules"));
            paths.forEach(p -> command.add(p.toString()));
            return command;
        }, Map.of());
        if (run.exitCode() == 0) {
            return files.stream().map(f -> List.<String>of()).toList();
        }
        if (files.size() == 1) {
            return List.of(List.of("promtool rejected the generated rules: " + summary(run.output(), Path.of(run.file()))));
        }
        List<List<String>> out = new ArrayList<>(verdicts(files.subList(0, files.size() / 2)));
        out.addAll(verdicts(files.subList(files.size() / 2, files.size())));
        return out;
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
