package dev.vigil.logs;

import dev.vigil.api.v1alpha1.AgentSpec;
import dev.vigil.api.v1alpha1.DefaultLogRule;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An agent fleet's default rules checked like LogParserRules ({@link RuleCheck}: RE2, layouts, samples); a problem
 * rejects the fleet's spec, so its agents keep what they run.
 */
public final class DefaultRules {
    private DefaultRules() {
    }

    public static List<String> problems(AgentSpec agent) {
        List<String> problems = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (DefaultLogRule rule : AgentSpec.defaultRules(agent)) {
            // Admission refuses this too (CEL); checked again: the rule's name is in its operators' ids.
            if (!names.add(rule.name)) {
                problems.add("spec.agent.defaultRules[" + rule.name + "]: each default rule needs a name of its own");
            }
            RuleCheck.check(rule).problems()
                    .forEach(p -> problems.add("spec.agent.defaultRules[" + rule.name + "]: " + p));
        }
        return problems;
    }
}
