package dev.vigil.slo;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.vigil.api.v1alpha1.InstrumentedService;
import dev.vigil.api.v1alpha1.SloTemplate;
import dev.vigil.prometheus.PromQl;
import dev.vigil.serialization.Yaml;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.PatternSyntaxException;

/**
 * The platform team's own SLO templates, read from the operator's template ConfigMap (key {@value #KEY}): PromQL with
 * {@code $window}, {@code $namespace}, {@code $service} and {@code $<parameter>} placeholders, and documented
 * parameters with defaults, examples and patterns. Each template is checked before any service may use it: its
 * shape, its placeholders, its patterns, and its PromQL (every query instantiated with the parameters' defaults or
 * examples, then parsed by promtool where the operator has one; Prometheus parses it again at each measurement). A
 * template that fails is not used: a service that names it is refused with the template's problem, the others are
 * not affected.
 */
public final class PlatformTemplates {
    public static final String KEY = "templates.yaml";
    /** The templates' names in status: {@code platform:<name>}. */
    public static final String PREFIX = "platform:";
    static final java.util.regex.Pattern PLACEHOLDER = java.util.regex.Pattern.compile("\\$([a-zA-Z][a-zA-Z0-9]*)");
    static final Set<String> BUILT_IN = Set.of("window", "namespace", "service");
    static final int MAX_TEMPLATES = 200;

    /** The ConfigMap's form (unknown fields are refused: a typo is an error, not a silent default). */
    public static class File {
        public List<Definition> templates = new ArrayList<>();
    }

    public static class Definition {
        public String name;
        public String description;
        public List<Parameter> parameters = new ArrayList<>();
        public String errors;
        public String good;
        public String total;
        public boolean timeBased;
    }

    public static class Parameter {
        public String name;
        public String description;
        public boolean required;
        /** Used when the SLO does not set the parameter. */
        @com.fasterxml.jackson.annotation.JsonProperty("default")
        public String defaultValue;
        /** A value the template is checked with when the parameter has no default. */
        public String example;
        /** A regular expression (anchored) every value must match. */
        public String pattern;
    }

    private final Map<String, Definition> valid;
    private final Map<String, String> invalid;
    private final Optional<String> source;
    private final Optional<String> problem;

    private PlatformTemplates(Map<String, Definition> valid, Map<String, String> invalid, Optional<String> source,
            Optional<String> problem) {
        this.valid = valid;
        this.invalid = invalid;
        this.source = source;
        this.problem = problem;
    }

    /** No template ConfigMap configured. */
    public static PlatformTemplates none() {
        return new PlatformTemplates(Map.of(), Map.of(), Optional.empty(), Optional.empty());
    }

    /** The configured ConfigMap ({@code source}, namespace/name) does not exist (yet). */
    public static PlatformTemplates missing(String source) {
        return new PlatformTemplates(Map.of(), Map.of(), Optional.of(source), Optional.of("the template ConfigMap "
                + source + " does not exist"));
    }

    /**
     * Reads and checks the templates of a ConfigMap's {@value #KEY}.
     *
     * @param promtool problems promtool finds in a rules file (empty when it accepts it or when there is no promtool)
     */
    public static PlatformTemplates parse(String source, String yaml, Function<String, List<String>> promtool) {
        if (yaml == null || yaml.isBlank()) {
            return new PlatformTemplates(Map.of(), Map.of(), Optional.of(source), Optional.of("the template ConfigMap "
                    + source + " has no " + KEY));
        }
        File file;
        try {
            file = Yaml.MAPPER.readerFor(File.class)
                    .with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).readValue(yaml);
        } catch (JsonProcessingException e) {
            return new PlatformTemplates(Map.of(), Map.of(), Optional.of(source), Optional.of(KEY + " of " + source
                    + " is not a template file: " + e.getOriginalMessage()));
        }
        List<Definition> defs = file == null || file.templates == null ? List.of() : file.templates;
        if (defs.size() > MAX_TEMPLATES) {
            return new PlatformTemplates(Map.of(), Map.of(), Optional.of(source), Optional.of(KEY + " of " + source
                    + " holds " + defs.size() + " templates, more than " + MAX_TEMPLATES));
        }
        Map<String, Definition> valid = new TreeMap<>();
        Map<String, String> invalid = new TreeMap<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < defs.size(); i++) {
            Definition d = defs.get(i);
            String id = d.name == null ? "templates[" + i + "]" : d.name;
            List<String> problems = shape(d);
            if (d.name != null && !seen.add(d.name)) {
                problems.add("the name is used twice");
            }
            if (problems.isEmpty()) {
                problems.addAll(promtool.apply(Yaml.write(checkRules(d))));
            }
            if (problems.isEmpty()) {
                valid.put(d.name, d);
            } else {
                invalid.put(id, String.join("; ", problems));
            }
        }
        return new PlatformTemplates(valid, invalid, Optional.of(source), Optional.empty());
    }

    /** What is wrong with a definition's shape, placeholders and patterns. */
    static List<String> shape(Definition d) {
        List<String> out = new ArrayList<>();
        if (d.name == null || !d.name.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
            out.add("name must be a DNS label (lower-case letters, digits and '-', at most 63)");
        }
        if ((d.errors == null) == (d.good == null)) {
            out.add("set exactly one of errors or good");
        }
        if (d.total == null) {
            out.add("total is required");
        }
        Set<String> params = new LinkedHashSet<>();
        for (Parameter p : d.parameters == null ? List.<Parameter>of() : d.parameters) {
            if (p.name == null || !p.name.matches("[a-zA-Z][a-zA-Z0-9]{0,62}") || BUILT_IN.contains(p.name)) {
                out.add("parameter " + p.name + ": a name of letters and digits, not window, namespace or service");
                continue;
            }
            if (!params.add(p.name)) {
                out.add("parameter " + p.name + " is declared twice");
            }
            if (p.required && p.defaultValue != null) {
                out.add("parameter " + p.name + " is required and has a default");
            }
            if (p.required && p.example == null) {
                out.add("parameter " + p.name + " is required and needs an example (the template is checked with it)");
            }
            if (!p.required && p.defaultValue == null) {
                out.add("parameter " + p.name + " is optional and needs a default");
            }
            if (p.pattern != null) {
                try {
                    java.util.regex.Pattern re = java.util.regex.Pattern.compile(p.pattern);
                    for (String v : new String[] {p.defaultValue, p.example}) {
                        if (v != null && !re.matcher(v).matches()) {
                            out.add("parameter " + p.name + ": \"" + v + "\" does not match its pattern");
                        }
                    }
                } catch (PatternSyntaxException e) {
                    out.add("parameter " + p.name + ": pattern is not a regular expression (" + e.getDescription() + ")");
                }
            }
        }
        Map<String, String> queries = new LinkedHashMap<>();
        queries.put("errors", d.errors);
        queries.put("good", d.good);
        queries.put("total", d.total);
        queries.forEach((field, q) -> {
            if (q == null) {
                return;
            }
            if (q.length() > 4096) {
                out.add(field + " is longer than 4096 characters");
            }
            if (!q.contains(Sli.WINDOW)) {
                out.add(field + " must use $window as its range, e.g. [$window]");
            }
            Matcher m = PLACEHOLDER.matcher(q);
            while (m.find()) {
                if (!BUILT_IN.contains(m.group(1)) && !params.contains(m.group(1))) {
                    out.add(field + " uses $" + m.group(1) + ", which is neither a parameter nor $window, $namespace, $service");
                }
            }
        });
        return out;
    }

    /** A rules file of the template's queries at every window, with defaults or examples for the parameters. */
    private static Map<String, Object> checkRules(Definition d) {
        Map<String, String> values = new LinkedHashMap<>();
        for (Parameter p : d.parameters) {
            values.put(p.name, p.defaultValue != null ? p.defaultValue : p.example);
        }
        Sli sli = instantiate(d, "check", "check", values);
        List<Object> rules = new ArrayList<>();
        for (String w : List.of("5m", "30d")) {
            rules.add(Map.of("record", "vigil:template_check:" + w, "expr", sli.errorRatio(w)));
        }
        return Map.of("groups", List.of(Map.of("name", "vigil-template-" + d.name, "rules", rules)));
    }

    private static Sli instantiate(Definition d, String namespace, String service, Map<String, String> values) {
        Function<String, String> fill = q -> q == null ? null : PLACEHOLDER.matcher(q).replaceAll(m -> {
            String name = m.group(1);
            String v = switch (name) {
                case "window" -> Sli.WINDOW;
                case "namespace" -> namespace;
                case "service" -> service;
                default -> PromQl.escape(values.get(name));
            };
            return Matcher.quoteReplacement(v);
        });
        return new Sli(fill.apply(d.errors), fill.apply(d.good), fill.apply(d.total), d.timeBased, PREFIX + d.name);
    }

    /** Where the templates come from (namespace/name), when a ConfigMap is configured. */
    public Optional<String> source() {
        return source;
    }

    /** The templates that passed their checks. */
    public Map<String, Definition> valid() {
        return valid;
    }

    /** The templates that did not, with why. */
    public Map<String, String> invalid() {
        return invalid;
    }

    /** What keeps the whole ConfigMap from being read, if anything. */
    public Optional<String> problem() {
        return problem;
    }

    /** What keeps an SLO's platform template from being used; empty when it can be. */
    public List<String> problems(String path, SloTemplate.Platform ref) {
        if (source.isEmpty()) {
            return List.of(path + ": no platform templates are configured (operator setting vigil.slo.templates-configmap)");
        }
        if (problem.isPresent()) {
            return List.of(path + ": " + problem.get());
        }
        if (invalid.containsKey(ref.name)) {
            return List.of(path + ".name: platform template " + ref.name + " in " + source.get() + " is invalid: "
                    + invalid.get(ref.name));
        }
        Definition d = valid.get(ref.name);
        if (d == null) {
            return List.of(path + ".name: " + source.get() + " has no template " + ref.name + " (it has: "
                    + (valid.isEmpty() ? "none" : String.join(", ", valid.keySet())) + ")");
        }
        List<String> out = new ArrayList<>();
        Map<String, String> given = ref.parameters == null ? Map.of() : ref.parameters;
        Set<String> declared = new HashSet<>();
        for (Parameter p : d.parameters) {
            declared.add(p.name);
            String v = given.get(p.name);
            if (v == null && p.required) {
                out.add(path + ".parameters." + p.name + ": Required value (" + describe(p) + ")");
            } else if (v != null && p.pattern != null && !java.util.regex.Pattern.compile(p.pattern).matcher(v).matches()) {
                out.add(path + ".parameters." + p.name + ": \"" + v + "\" does not match " + p.pattern);
            }
        }
        for (String name : new TreeMap<>(given).keySet()) {
            if (!declared.contains(name)) {
                out.add(path + ".parameters." + name + ": template " + ref.name + " has no such parameter");
            }
        }
        return out;
    }

    private static String describe(Parameter p) {
        return p.description == null ? "no description" : p.description;
    }

    /** The SLI of a service's platform template; {@link #problems} must be empty. */
    public Sli sli(InstrumentedService service, SloTemplate.Platform ref) {
        Definition d = valid.get(ref.name);
        Map<String, String> values = new LinkedHashMap<>();
        for (Parameter p : d.parameters) {
            String v = ref.parameters == null ? null : ref.parameters.get(p.name);
            values.put(p.name, v != null ? v : p.defaultValue);
        }
        return instantiate(d, service.getMetadata().getNamespace(), service.getMetadata().getName(), values);
    }

    /** Identifies the templates' content (for caching and for knowing when the rules must be rebuilt). */
    public String fingerprint() {
        return Yaml.write(valid) + invalid + source + problem;
    }
}
