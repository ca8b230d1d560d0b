package dev.vigil.render;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.serialization.Yaml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The structural half of admission, offline: checks a custom resource against the openAPIV3Schema of its CRD
 * (types, required fields, enums, bounds, lengths, patterns, item counts, unknown fields), with messages in the
 * apiserver's words. The CEL rules (x-kubernetes-validations) are evaluated by the apiserver only.
 */
public final class SchemaCheck {
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");
    private final Map<String, JsonNode> schemas = new HashMap<>();

    /** Loads every CRD (YAML) in the directory. */
    public static SchemaCheck load(Path crdDir) throws IOException {
        SchemaCheck check = new SchemaCheck();
        try (Stream<Path> files = Files.list(crdDir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList()) {
                JsonNode crd = Yaml.MAPPER.readTree(f.toFile());
                String group = crd.path("spec").path("group").asText();
                String kind = crd.path("spec").path("names").path("kind").asText();
                for (JsonNode v : crd.path("spec").path("versions")) {
                    check.schemas.put(group + "/" + v.path("name").asText() + "/" + kind, v.path("schema").path("openAPIV3Schema"));
                }
            }
        }
        return check;
    }

    public boolean knows(JsonNode resource) {
        return schemas.containsKey(resource.path("apiVersion").asText() + "/" + resource.path("kind").asText());
    }

    /** The apiserver-style messages for everything wrong with the resource; empty when its schema accepts it. */
    public List<String> check(JsonNode resource) {
        List<String> problems = new ArrayList<>();
        JsonNode schema = schemas.get(resource.path("apiVersion").asText() + "/" + resource.path("kind").asText());
        if (schema == null) {
            return problems;
        }
        String name = resource.path("metadata").path("name").asText("");
        if (name.isEmpty()) {
            problems.add("metadata.name: Required value: name is required");
        } else if (name.length() > 253 || !DNS_SUBDOMAIN.matcher(name).matches()) {
            problems.add("metadata.name: Invalid value: \"" + name + "\": a lowercase RFC 1123 subdomain must consist of lower "
                    + "case alphanumeric characters, '-' or '.'");
        }
        for (String part : List.of("spec", "status")) {
            JsonNode partSchema = schema.path("properties").path(part);
            if (!partSchema.isMissingNode()) {
                walk(partSchema, resource.get(part), part, problems);
            }
        }
        Iterator<String> fields = resource.fieldNames();
        while (fields.hasNext()) {
            String f = fields.next();
            if (!List.of("apiVersion", "kind", "metadata", "spec", "status").contains(f)) {
                problems.add("unknown field \"" + f + "\"");
            }
        }
        return problems;
    }

    private void walk(JsonNode schema, JsonNode value, String path, List<String> problems) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return;
        }
        String type = schema.path("type").asText("");
        boolean intOrString = schema.path("x-kubernetes-int-or-string").asBoolean(false);
        if (!intOrString && !type.isEmpty() && !hasType(value, type)) {
            problems.add(path + ": Invalid value: \"" + kindOf(value) + "\": " + path + " in body must be of type " + type
                    + ": \"" + kindOf(value) + "\"");
            return;
        }
        if (schema.has("enum")) {
            boolean found = false;
            List<String> allowed = new ArrayList<>();
            for (JsonNode e : schema.path("enum")) {
                allowed.add("\"" + e.asText() + "\"");
                found |= e.equals(value);
            }
            if (!found) {
                problems.add(path + ": Unsupported value: " + quote(value) + ": supported values: " + String.join(", ", allowed));
            }
        }
        if (value.isNumber()) {
            if (schema.has("minimum") && value.decimalValue().compareTo(schema.path("minimum").decimalValue()) < 0) {
                problems.add(path + ": Invalid value: " + value + ": " + path + " in body should be greater than or equal to "
                        + number(schema.path("minimum")));
            }
            if (schema.has("maximum") && value.decimalValue().compareTo(schema.path("maximum").decimalValue()) > 0) {
                problems.add(path + ": Invalid value: " + value + ": " + path + " in body should be less than or equal to "
                        + number(schema.path("maximum")));
            }
        }
        if (value.isTextual()) {
            String s = value.asText();
            if (schema.has("maxLength") && s.length() > schema.path("maxLength").asInt()) {
                problems.add(path + ": Too long: may not be more than " + schema.path("maxLength").asInt() + " bytes");
            }
            if (schema.has("minLength") && s.length() < schema.path("minLength").asInt()) {
                problems.add(path + ": Invalid value: \"" + s + "\": " + path + " in body should be at least "
                        + schema.path("minLength").asInt() + " chars long");
            }
            if (schema.has("pattern") && !Pattern.compile(schema.path("pattern").asText()).matcher(s).find()) {
                problems.add(path + ": Invalid value: \"" + s + "\": " + path + " in body should match '"
                        + schema.path("pattern").asText() + "'");
            }
        }
        if (value.isArray()) {
            if (schema.has("maxItems") && value.size() > schema.path("maxItems").asInt()) {
                problems.add(path + ": Too many: " + value.size() + ": must have at most " + schema.path("maxItems").asInt() + " items");
            }
            for (int i = 0; i < value.size(); i++) {
                walk(schema.path("items"), value.get(i), path + "[" + i + "]", problems);
            }
        }
        if (value.isObject()) {
            if (schema.has("maxProperties") && value.size() > schema.path("maxProperties").asInt()) {
                problems.add(path + ": Too many: " + value.size() + ": must have at most "
                        + schema.path("maxProperties").asInt() + " items");
            }
            for (JsonNode r : schema.path("required")) {
                if (!value.has(r.asText())) {
                    problems.add(path + "." + r.asText() + ": Required value");
                }
            }
            JsonNode properties = schema.path("properties");
            boolean preserve = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
            Iterator<Map.Entry<String, JsonNode>> it = value.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> f = it.next();
                String child = path + "." + f.getKey();
                if (properties.has(f.getKey())) {
                    walk(properties.path(f.getKey()), f.getValue(), child, problems);
                } else if (schema.has("additionalProperties") && schema.path("additionalProperties").isObject()) {
                    walk(schema.path("additionalProperties"), f.getValue(), child, problems);
                } else if (!preserve) {
                    problems.add("unknown field \"" + child + "\"");
                }
            }
        }
    }

    private static boolean hasType(JsonNode v, String type) {
        return switch (type) {
            case "object" -> v.isObject();
            case "array" -> v.isArray();
            case "string" -> v.isTextual();
            case "integer" -> v.isIntegralNumber();
            case "number" -> v.isNumber();
            case "boolean" -> v.isBoolean();
            default -> true;
        };
    }

    private static String kindOf(JsonNode v) {
        if (v.isTextual()) {
            return "string";
        }
        if (v.isIntegralNumber()) {
            return "integer";
        }
        if (v.isNumber()) {
            return "number";
        }
        if (v.isBoolean()) {
            return "boolean";
        }
        return v.isArray() ? "array" : "object";
    }

    private static String quote(JsonNode v) {
        return v.isTextual() ? "\"" + v.asText() + "\"" : v.toString();
    }

    private static String number(JsonNode n) {
        return n.decimalValue().stripTrailingZeros().toPlainString();
    }
}
