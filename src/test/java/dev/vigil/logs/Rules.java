package dev.vigil.logs;

import dev.vigil.api.v1alpha1.LogParserRule;
import dev.vigil.api.v1alpha1.LogParserRuleSpec;
import dev.vigil.serialization.Yaml;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Rules for the tests: from YAML (a spec, or the example files' documents). */
final class Rules {
    private Rules() {
    }

    /** A spec from YAML; without a selection, {@code serviceRef: {name: web}} (admission requires one). */
    static LogParserRuleSpec spec(String yaml) {
        try {
            LogParserRuleSpec s = Yaml.MAPPER.readValue(yaml, LogParserRuleSpec.class);
            if (s.serviceRef == null && s.podSelector == null) {
                s.serviceRef = new LogParserRuleSpec.LocalRef();
                s.serviceRef.name = "web";
            }
            return s;
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static LogParserRule rule(String ns, String name, long generation, String specYaml) {
        LogParserRule r = new LogParserRule();
        r.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName(name).withGeneration(generation)
                .withUid("uid-" + ns + "-" + name).build());
        r.setSpec(spec(specYaml));
        return r;
    }

    /** The LogParserRules of examples/30-log-parser-rules.yaml. */
    static List<LogParserRule> examples() throws IOException {
        Path file = Path.of("examples/30-log-parser-rules.yaml");
        List<LogParserRule> out = new ArrayList<>();
        for (String doc : Files.readString(file).split("(?m)^---$")) {
            if (doc.contains("kind: LogParserRule")) {
                out.add(Yaml.MAPPER.readValue(doc, LogParserRule.class));
            }
        }
        return out;
    }
}
