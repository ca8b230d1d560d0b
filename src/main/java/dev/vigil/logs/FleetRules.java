package dev.vigil.logs;

import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.LogParserRule;
import dev.vigil.api.v1alpha1.LogParserRuleSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which rules an agent fleet serves, at which generation, for which workloads. A rule that references a service runs
 * on the fleet that collects that service; a rule that selects pods runs on every agent fleet (each reads every pod
 * log of its nodes), for the workloads the rule's reconciler resolved for the generation served (status.workloads:
 * until they are resolved for that generation, the rule waits). What is served is the rule's last valid generation.
 */
public final class FleetRules {
    private FleetRules() {
    }

    public static List<RuleOperators.Served> of(List<InstrumentedService> collected, List<LogParserRule> rules,
            RuleBook book) {
        List<RuleOperators.Served> out = new ArrayList<>();
        for (LogParserRule rule : rules) {
            Optional<RuleBook.Good> good = book.served(rule);
            if (good.isEmpty()) {
                continue;
            }
            String ns = rule.getMetadata().getNamespace();
            LogParserRuleSpec spec = good.get().spec();
            List<Workload> workloads;
            if (spec.serviceRef != null) {
                workloads = collected.stream()
                        .filter(s -> ns.equals(s.getMetadata().getNamespace())
                                && spec.serviceRef.name.equals(s.getMetadata().getName())
                                && s.getSpec().workloadRef != null)
                        .map(s -> Workload.of(s.getSpec().workloadRef)).toList();
            } else {
                var status = rule.getStatus();
                workloads = status == null || !Objects.equals(status.servedGeneration, good.get().generation())
                        ? List.of()
                        : status.workloads.stream().flatMap(w -> Workload.parse(w).stream()).toList();
            }
            if (!workloads.isEmpty()) {
                out.add(new RuleOperators.Served(ns, rule.getMetadata().getName(), good.get().generation(), spec, workloads));
            }
        }
        return out;
    }
}
