package dev.vigil.slo;

import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.SloTemplate;
import dev.vigil.prometheus.RealPrometheus;
import dev.vigil.render.Render;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.StringReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The platform team's templates: what a template file must hold before a service may use it (checked on load,
 * PromQL by the real promtool), and what an SLO's reference to one must hold.
 */
class PlatformTemplatesTest {
    static final String SOURCE = "vigil-system/vigil-slo-templates";
    static final String GATEWAY = """
            templates:
              - name: gateway-availability
                description: Share of 5xx answers of the API gateway for one of the service's routes.
                parameters:
                  - name: route
                    description: The gateway route.
                    required: true
                    example: /checkout
                    pattern: "/[-a-z0-9/]*"
                  - name: codes
                    description: Status codes that count as errors.
                    default: "5.."
                errors: sum(rate(gateway_requests_total{namespace="$namespace",backend="$service",route="$route",code=~"$codes"}[$window])) or vector(0)
                total: sum(rate(gateway_requests_total{namespace="$namespace",backend="$service",route="$route"}[$window]))
              - name: queue-freshness
                description: Minutes in which the oldest message waited over a minute.
                timeBased: true
                errors: sum_over_time((max(queue_oldest_age_seconds{namespace="$namespace"}) > bool 60)[$window:1m])
                total: count_over_time(max(queue_oldest_age_seconds{namespace="$namespace"})[$window:1m])
            """;

    static PromtoolRuleCheck promtool() {
        return new PromtoolRuleCheck(Optional.of(Path.of(RealPrometheus.promtoolBinary())));
    }

    static PlatformTemplates parse(String yaml) {
        return PlatformTemplates.parse(SOURCE, yaml, promtool()::check);
    }

    static InstrumentedService service(String template) throws Exception {
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
                      template: {platform: %s}
                """.formatted(template)), "test").get(0);
    }

    @Test
    void aTemplateIsFilledWithTheServiceAndItsParametersEscaped() throws Exception {
        PlatformTemplates t = parse(GATEWAY);
        assertThat(t.invalid()).isEmpty();
        assertThat(t.valid()).containsOnlyKeys("gateway-availability", "queue-freshness");
        InstrumentedService s = service("{name: gateway-availability, parameters: {route: /checkout}}");
        assertThat(SloRules.problems(s, t)).isEmpty();
        Sli sli = Sli.of(s, s.getSpec().slos.get(0), t);
        assertThat(sli.bad()).isEqualTo("sum(rate(gateway_requests_total{namespace=\"shop\",backend=\"api\",route=\"/checkout\","
                + "code=~\"5..\"}[$window])) or vector(0)");
        assertThat(sli.template()).isEqualTo("platform:gateway-availability");
        assertThat(sli.timeBased()).isFalse();
        // A value is a PromQL string's content: quotes and backslashes cannot end the string early.
        InstrumentedService odd = service("{name: gateway-availability, parameters: {route: /a, codes: '5..\"} or up{x=\"\\\\'}}");
        assertThat(Sli.of(odd, odd.getSpec().slos.get(0), t).bad()).contains("code=~\"5..\\\"} or up{x=\\\"\\\\\\\\\"}");
        assertThat(t.valid().get("queue-freshness").timeBased).isTrue();
    }

    /** Every broken definition is refused with why; the good one in the same file stays usable. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "no $window| total: sum(rate(x[5m]))| total must use $window as its range",
            "an unknown placeholder| total: sum(rate(x{a=\"$nope\"}[$window]))| total uses $nope, which is neither a parameter nor $window, $namespace, $service",
            "both errors and good| {errors: 'sum(rate(e[$window]))', good: 'sum(rate(g[$window]))', total: 'sum(rate(x[$window]))'}| set exactly one of errors or good",
            "no total| {total: null}| total is required",
            "a name that is not a DNS label| {name: Bad_Name}| name must be a DNS label",
            "a required parameter without example| {parameters: [{name: p, required: true}], total: 'sum(rate(x{p=\"$p\"}[$window]))'}| parameter p is required and needs an example",
            "an optional parameter without default| {parameters: [{name: p}], total: 'sum(rate(x{p=\"$p\"}[$window]))'}| parameter p is optional and needs a default",
            "a pattern that is not a regex| {parameters: [{name: p, default: a, pattern: '('}], total: 'sum(rate(x{p=\"$p\"}[$window]))'}| parameter p: pattern is not a regular expression",
            "a default outside its pattern| {parameters: [{name: p, default: A, pattern: '[a-z]+'}], total: 'sum(rate(x{p=\"$p\"}[$window]))'}| parameter p: \"A\" does not match its pattern",
            "a parameter named window| {parameters: [{name: window, default: a}]}| parameter window: a name of letters and digits, not window, namespace or service",
            "PromQL promtool cannot parse| total: sum(rate(x[$window])| promtool rejected the generated rules"})
    void aBrokenTemplateIsRefusedWithWhy(String what, String change, String problem) {
        String broken = """
                templates:
                  - {name: broken, errors: 'sum(rate(e[$window])) or vector(0)', total: 'sum(rate(x[$window]))'}
                """;
        if (change.startsWith("{")) {
            // Merge the change over the base definition.
            broken = "templates:\n  - " + merge("{name: broken, errors: 'sum(rate(e[$window])) or vector(0)', total: 'sum(rate(x[$window]))'}", change) + "\n";
        } else {
            broken = broken.replace("total: 'sum(rate(x[$window]))'", change.replace("total: ", "total: '") + "'");
        }
        PlatformTemplates t = parse(broken + GATEWAY.substring("templates:\n".length()));
        assertThat(t.problem()).isEmpty();
        assertThat(t.valid()).as(what).containsOnlyKeys("gateway-availability", "queue-freshness");
        assertThat(String.join("\n", t.invalid().values())).as(what).contains(problem);
    }

    /** A flow-style map with the change's keys replacing the base's. */
    private static String merge(String base, String change) {
        @SuppressWarnings("unchecked")
        Map<String, Object> b = (Map<String, Object>) load(base);
        @SuppressWarnings("unchecked")
        Map<String, Object> c = (Map<String, Object>) load(change);
        Map<String, Object> m = new java.util.LinkedHashMap<>(b);
        if (c.containsKey("errors") || c.containsKey("good")) {
            m.remove("errors");
        }
        m.putAll(c);
        return dev.vigil.serialization.Yaml.write(m).replace("\n", "\n    ").strip();
    }

    private static Object load(String yaml) {
        try {
            return dev.vigil.serialization.Yaml.MAPPER.readValue(yaml, Object.class);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void aFileThatIsNotATemplateFileIsRefusedWhole() {
        assertThat(parse("templates:\n  - name: x\n    totl: sum(rate(x[$window]))\n").problem())
                .hasValueSatisfying(p -> assertThat(p).startsWith("templates.yaml of " + SOURCE + " is not a template file:")
                        .contains("totl"));
        assertThat(parse("").problem()).contains("the template ConfigMap " + SOURCE + " has no templates.yaml");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "{name: nope}| spec.slos[0].template.platform.name: vigil-system/vigil-slo-templates has no template nope (it has: gateway-availability, queue-freshness)",
            "{name: gateway-availability}| spec.slos[0].template.platform.parameters.route: Required value (The gateway route.)",
            "{name: gateway-availability, parameters: {route: /a, color: red}}| spec.slos[0].template.platform.parameters.color: template gateway-availability has no such parameter",
            "{name: gateway-availability, parameters: {route: CHECKOUT}}| spec.slos[0].template.platform.parameters.route: \"CHECKOUT\" does not match /[-a-z0-9/]*"})
    void aReferenceThatTheTemplateCannotTakeIsRefused(String ref, String problem) throws Exception {
        assertThat(SloRules.problems(service(ref), parse(GATEWAY))).containsExactly(problem);
    }

    @Test
    void withoutTemplatesOrWithABrokenOneTheServiceIsToldWhy() throws Exception {
        InstrumentedService s = service("{name: gateway-availability, parameters: {route: /a}}");
        assertThat(SloRules.problems(s, PlatformTemplates.none())).containsExactly("spec.slos[0].template.platform: no "
                + "platform templates are configured (operator setting vigil.slo.templates-configmap)");
        assertThat(SloRules.problems(s, PlatformTemplates.missing(SOURCE))).containsExactly("spec.slos[0].template.platform: "
                + "the template ConfigMap " + SOURCE + " does not exist");
        PlatformTemplates broken = parse(GATEWAY.replace("[$window])) or vector(0)", "[5m])) or vector(0)"));
        assertThat(SloRules.problems(s, broken)).singleElement().asString()
                .isEqualTo("spec.slos[0].template.platform.name: platform template gateway-availability in " + SOURCE
                        + " is invalid: errors must use $window as its range, e.g. [$window]");
    }

    @Test
    void theSourceSettingIsNamespaceSlashName() {
        assertThat(PlatformTemplateSource.id("vigil-system/templates").getNamespace()).contains("vigil-system");
        for (String bad : List.of("templates", "/templates", "ns/", "a/b/c")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> PlatformTemplateSource.id(bad))
                    .hasMessageContaining("must be namespace/name");
        }
        SloTemplate t = new SloTemplate();
        t.platform = new SloTemplate.Platform();
        assertThat(SloTemplates.name(t)).isEqualTo("platform");
    }
}
