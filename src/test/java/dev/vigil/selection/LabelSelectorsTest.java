package dev.vigil.selection;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LabelSelectorsTest {
    @ParameterizedTest(name = "{0} {1} {2} on [{3}] -> {4}")
    @CsvSource(delimiter = '|', textBlock = """
            tier | In           | web,api | tier=web       | true
            tier | In           | web,api | tier=db        | false
            tier | In           | web,api | ''             | false
            tier | NotIn        | web     | tier=db        | true
            tier | NotIn        | web     | ''             | true
            tier | NotIn        | web     | tier=web       | false
            tier | Exists       | ''      | tier=x         | true
            tier | Exists       | ''      | other=x        | false
            tier | DoesNotExist | ''      | other=x        | true
            tier | DoesNotExist | ''      | tier=x         | false
            """)
    void expressions(String key, String op, String values, String labels, boolean expected) {
        LabelSelector sel = new LabelSelectorBuilder().addNewMatchExpression().withKey(key).withOperator(op)
                .withValues(values.isEmpty() ? null : Arrays.asList(values.split(","))).endMatchExpression().build();
        assertThat(LabelSelectors.matches(sel, parse(labels))).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            app=a         | app=a,x=y  | true
            app=a         | app=b      | false
            app=a,tier=w  | app=a      | false
            """)
    void matchLabels(String selector, String labels, boolean expected) {
        LabelSelector sel = new LabelSelectorBuilder().withMatchLabels(parse(selector)).build();
        assertThat(LabelSelectors.matches(sel, parse(labels))).isEqualTo(expected);
    }

    @org.junit.jupiter.api.Test
    void absentAndEmptySelectorsMatchEverything() {
        assertThat(LabelSelectors.matches(null, Map.of("a", "b"))).isTrue();
        assertThat(LabelSelectors.matches(new LabelSelector(), Map.of())).isTrue();
    }

    private static Map<String, String> parse(String s) {
        Map<String, String> m = new HashMap<>();
        if (s == null || s.isEmpty()) {
            return m;
        }
        for (String kv : s.split(",")) {
            String[] p = kv.split("=");
            m.put(p[0], p[1]);
        }
        return m;
    }
}
