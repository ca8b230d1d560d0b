package dev.vigil.logs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.api.v1alpha1.LogParserRule;
import dev.vigil.api.v1alpha1.LogParserRuleSpec;
import dev.vigil.api.v1alpha1.WorkloadRef;
import dev.vigil.config.Settings;
import dev.vigil.kube.ExternalCheck;
import dev.vigil.naming.Names;
import dev.vigil.serialization.Yaml;
import dev.vigil.status.Reasons;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each rule's verdict per generation, and its last valid generation: what the agent fleets serve. Both reconcilers
 * ask (the rule's, for status; the fleets', to serve), and whichever asks first judges: a verdict is a pure function
 * of the spec (the checks, the samples, and the real collector's {@code validate} of the rule's operators when a
 * validator binary is configured), cached by uid and generation. A generation that fails leaves the last valid one
 * served. The last valid generation is held in memory and, for a restart, in the rule's status (servedRule): a
 * restarted operator goes on serving it while the current generation is invalid.
 */
@ApplicationScoped
public class RuleBook {
    /** One generation's verdict; {@code reason} is a Reasons constant. */
    public record Judged(long generation, List<String> problems, String reason) {
        public boolean valid() {
            return problems.isEmpty();
        }
    }

    /** The last valid generation of a rule. */
    public record Good(long generation, LogParserRuleSpec spec) {
    }

    private record Key(String uid, long generation) {
    }

    private static final int CACHE = 4096;
    private final Map<Key, Judged> verdicts = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Judged> eldest) {
            return size() > CACHE;
        }
    });
    private final Map<String, Good> good = new ConcurrentHashMap<>();
    private final Optional<Path> binary;
    private final ExternalCheck collector = new ExternalCheck("collector validate", 1024);

    public RuleBook(Settings settings) {
        this.binary = settings.collector().validatorBinary();
    }

    public Judged judge(LogParserRule rule) {
        String uid = rule.getMetadata().getUid();
        long generation = generation(rule);
        Judged j = verdicts.computeIfAbsent(new Key(uid, generation), k -> check(rule.getSpec(), generation));
        if (j.valid()) {
            good.merge(uid, new Good(generation, rule.getSpec()), (a, b) -> b.generation() >= a.generation() ? b : a);
        }
        return j;
    }

    /**
     * The generation of {@code rule} the agents are to run: the current one if valid, else the last valid one, from
     * this process's memory or, after a restart, from the rule's status (status.servedRule, {@link #servedRule}).
     */
    public Optional<Good> served(LogParserRule rule) {
        judge(rule);
        String uid = rule.getMetadata().getUid();
        Good g = good.get(uid);
        if (g == null) {
            Optional<Good> restored = restore(rule);
            if (restored.isPresent()) {
                g = good.merge(uid, restored.get(), (a, b) -> b.generation() >= a.generation() ? b : a);
            }
        }
        return Optional.ofNullable(g);
    }

    /** What status.servedRule holds of a served generation: its spec without the samples (they were checked). */
    public static JsonNode servedRule(Good good) {
        LogParserRuleSpec copy = Yaml.MAPPER.convertValue(good.spec(), LogParserRuleSpec.class);
        copy.samples = new ArrayList<>();
        return Yaml.MAPPER.valueToTree(copy);
    }

    /** The served generation a status records, if it is an earlier generation's and still passes the checks. */
    static Optional<Good> restore(LogParserRule rule) {
        var status = rule.getStatus();
        if (status == null || status.servedGeneration == null || status.servedRule == null
                || status.servedGeneration > generation(rule)) {
            return Optional.empty();
        }
        try {
            LogParserRuleSpec spec = Yaml.MAPPER.convertValue(status.servedRule, LogParserRuleSpec.class);
            return RuleCheck.check(spec).valid() ? Optional.of(new Good(status.servedGeneration, spec)) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Forgets rules that no longer exist. */
    public void retain(Set<String> uids) {
        good.keySet().retainAll(uids);
    }

    static long generation(LogParserRule rule) {
        Long g = rule.getMetadata().getGeneration();
        return g == null ? 1 : g;
    }

    Judged check(LogParserRuleSpec spec, long generation) {
        RuleCheck.Verdict v = RuleCheck.check(spec);
        if (!v.valid()) {
            return new Judged(generation, v.problems(), v.sampleMismatch()
                    ? Reasons.SAMPLE_MISMATCH : Reasons.INVALID_RULE);
        }
        List<String> rejected = collectorCheck(spec);
        return rejected.isEmpty() ? new Judged(generation, List.of(), Reasons.RULE_ACCEPTED)
                : new Judged(generation, rejected, Reasons.COLLECTOR_REJECTED);
    }

    /** The real collector's verdict on the rule's operators, in a filelog receiver of their own. */
    List<String> collectorCheck(LogParserRuleSpec spec) {
        if (binary.isEmpty()) {
            return List.of();
        }
        String config = checkConfig(spec);
        return collector.verdict(Names.sha256Hex(config), () -> {
            ExternalCheck.Run run = collector.run(config, ".yaml",
                    file -> List.of(binary.get().toString(), "validate", "--config=" + file), Map.of());
            return run.exitCode() == 0 ? List.of()
                    : List.of("the collector rejected the rule's operators: " + ExternalCheck.summary(run.output()));
        });
    }

    /** A config whose only filelog receiver runs the container parser and the rule (for a stand-in workload). */
    public static String checkConfig(LogParserRuleSpec spec) {
        List<Map<String, Object>> ops = new ArrayList<>(List.of(AgentOperators.containerParser()));
        ops.addAll(AgentOperators.of(List.of(), List.of(new RuleOperators.Served("rule-check", "rule",
                1, spec, List.of(new Workload(WorkloadRef.Kind.Deployment, "rule-check"))))));
        Map<String, Object> filelog = new LinkedHashMap<>();
        filelog.put("include", List.of("/nonexistent/vigil-rule-check/*.log"));
        filelog.put("operators", ops);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("receivers", Map.of("filelog", filelog));
        config.put("exporters", Map.of("debug", Map.of()));
        config.put("service", Map.of("pipelines", Map.of("logs",
                Map.of("receivers", List.of("filelog"), "exporters", List.of("debug")))));
        return Yaml.write(config);
    }
}
