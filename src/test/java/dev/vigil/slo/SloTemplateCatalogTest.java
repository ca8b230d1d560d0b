package dev.vigil.slo;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.SloTemplate;
import dev.vigil.render.GoldenFiles;
import dev.vigil.render.Render;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The template catalogue of docs/slo.md is generated from {@link SloTemplate} (descriptions, defaults, bounds) and
 * {@link SloTemplates} (the PromQL of an example of each): a template added without an example or a description, or
 * a catalogue edited by hand, fails here (regenerate with -Dvigil.golden.update=true).
 */
class SloTemplateCatalogTest {
    static final Path DOC = GoldenFiles.repoRoot().resolve("docs/slo.md");
    static final String BEGIN = "<!-- template catalogue: generated from SloTemplate by SloTemplateCatalogTest; do not edit -->\n";
    static final String END = "<!-- end of template catalogue -->\n";

    /** One example per template, in the catalogue's order. */
    static final Map<String, String> EXAMPLES = new LinkedHashMap<>();

    static {
        EXAMPLES.put("httpServerAvailability", "{route: /checkout, method: POST}");
        EXAMPLES.put("httpServerLatency", "{threshold: \"0.5\", route: /checkout}");
        EXAMPLES.put("grpcServerAvailability", "{rpcService: shop.Checkout}");
        EXAMPLES.put("grpcServerLatency", "{threshold: \"250\", rpcMethod: PlaceOrder}");
        EXAMPLES.put("httpClientAvailability", "{serverAddress: payments}");
        EXAMPLES.put("connectionPoolWait", "{threshold: \"0.01\", pool: main}");
        EXAMPLES.put("consumerLag", "{metric: kafka_consumergroup_lag, threshold: 1000, selector: 'consumergroup=\"orders\"'}");
        EXAMPLES.put("collectionHealth", "{}");
    }

    @Test
    void theDocumentedCatalogueIsTheGeneratedOne() throws Exception {
        String catalogue = catalogue();
        String doc = Files.readString(DOC);
        assertThat(doc).as("docs/slo.md needs the catalogue markers").contains(BEGIN).contains(END);
        String current = doc.substring(doc.indexOf(BEGIN) + BEGIN.length(), doc.indexOf(END));
        if (Boolean.getBoolean("vigil.golden.update")) {
            Files.writeString(DOC, doc.substring(0, doc.indexOf(BEGIN) + BEGIN.length()) + catalogue + doc.substring(doc.indexOf(END)));
            return;
        }
        assertThat(current).as("docs/slo.md's template catalogue is out of date (regenerate with -Dvigil.golden.update=true)")
                .isEqualTo(catalogue);
    }

    @Test
    void everyTemplateHasAnExampleAndEveryParameterADescription() {
        List<String> templates = new ArrayList<>();
        for (Field f : templateFields()) {
            templates.add(f.getName());
            assertThat(f.getAnnotation(JsonPropertyDescription.class)).as(f.getName()).isNotNull();
            for (Field p : parameters(f.getType())) {
                assertThat(p.getAnnotation(JsonPropertyDescription.class)).as(f.getName() + "." + p.getName()).isNotNull();
            }
        }
        assertThat(templates).containsExactlyElementsOf(EXAMPLES.keySet());
    }

    static String catalogue() throws Exception {
        StringBuilder sb = new StringBuilder();
        for (Field f : templateFields()) {
            String name = f.getName();
            sb.append("\n### `").append(name).append("`\n\n").append(f.getAnnotation(JsonPropertyDescription.class).value())
                    .append("\n\n| parameter | required | default | bounds | description |\n|---|---|---|---|---|\n");
            for (Field p : parameters(f.getType())) {
                Default d = p.getAnnotation(Default.class);
                sb.append("| `").append(p.getName()).append("` | ").append(p.isAnnotationPresent(Required.class) ? "yes" : "")
                        .append(" | ").append(d == null ? "" : "`" + cell(d.value()) + "`").append(" | ").append(bounds(p))
                        .append(" | ").append(cell(p.getAnnotation(JsonPropertyDescription.class).value())).append(" |\n");
            }
            InstrumentedService s = example(name);
            Sli sli = Sli.of(s, s.getSpec().slos.get(0), PlatformTemplates.none());
            sb.append("\n```yaml\ntemplate:\n  ").append(name).append(": ").append(EXAMPLES.get(name)).append("\n```\n\n")
                    .append("generates, for InstrumentedService `shop/api`").append(sli.timeBased() ? " (time-based: the minimum event rate does not apply)" : "")
                    .append(":\n\n```promql\n# ").append(sli.bad() != null ? "bad" : "good").append(" events\n")
                    .append(sli.bad() != null ? sli.bad() : sli.good()).append("\n# all events\n").append(sli.total())
                    .append("\n```\n");
        }
        return sb.toString();
    }

    static InstrumentedService example(String template) throws Exception {
        return (InstrumentedService) Render.parse(new StringReader("""
                apiVersion: vigil.dev/v1alpha1
                kind: InstrumentedService
                metadata: {name: api, namespace: shop}
                spec:
                  workloadRef: {name: api}
                  metrics: {port: 8080}
                  slos:
                    - name: sli
                      objective: "99.9"
                      template: {%s: %s}
                """.formatted(template, EXAMPLES.get(template))), "test").get(0);
    }

    private static String bounds(Field p) {
        List<String> out = new ArrayList<>();
        Size size = p.getAnnotation(Size.class);
        if (size != null) {
            out.add(size.min() > 0 ? "length " + (long) size.min() + "–" + (long) size.max() : "length ≤ " + (long) size.max());
        }
        Min min = p.getAnnotation(Min.class);
        Max max = p.getAnnotation(Max.class);
        if (min != null || max != null) {
            out.add((min == null ? "" : (long) min.value() + " ≤ ") + "value" + (max == null ? "" : " ≤ " + (long) max.value()));
        }
        Pattern pattern = p.getAnnotation(Pattern.class);
        if (pattern != null) {
            out.add(pattern.value().equals(SloTemplate.SELECTOR_PATTERN) ? "label matchers"
                    : pattern.value().equals(SloTemplate.REGEX_PATTERN) ? "one line"
                    : "pattern `" + cell(pattern.value()) + "`");
        }
        ValidationRule rule = p.getAnnotation(ValidationRule.class);
        if (rule != null) {
            out.add(cell(rule.message()));
        }
        return String.join("; ", out);
    }

    private static String cell(String s) {
        return s.replace("|", "\\|");
    }

    private static List<Field> templateFields() {
        List<Field> out = new ArrayList<>();
        for (Field f : SloTemplate.class.getFields()) {
            // The platform team's templates are the cluster's, documented apart.
            if (!Modifier.isStatic(f.getModifiers()) && !f.getName().equals("platform")) {
                out.add(f);
            }
        }
        out.sort(java.util.Comparator.comparingInt(f -> new ArrayList<>(EXAMPLES.keySet()).indexOf(f.getName())));
        return out;
    }

    private static List<Field> parameters(Class<?> type) {
        List<Field> out = new ArrayList<>();
        for (Field f : type.getFields()) {
            if (!Modifier.isStatic(f.getModifiers())) {
                out.add(f);
            }
        }
        // Required first, then by name: a stable order whatever reflection returns.
        out.sort(java.util.Comparator.comparing((Field f) -> !f.isAnnotationPresent(Required.class)).thenComparing(Field::getName));
        return out;
    }
}
