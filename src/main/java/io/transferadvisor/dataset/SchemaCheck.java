package io.transferadvisor.dataset;

import io.transferadvisor.util.Suggest;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.utils.JsonNodes;
import io.transferadvisor.util.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks a parsed dataset.yaml against the published JSON Schema (classpath
 * {@code /dataset.schema.json}, copied to docs/) and rewrites the validator's messages into
 * one-line {@link SpecProblem}s: key, bad value, allowed values or range, a did-you-mean, the line.
 */
final class SchemaCheck {
    static final String RESOURCE = "/dataset.schema.json";

    private final JsonNode schemaNode;
    private final JsonSchema schema;

    private SchemaCheck(JsonNode schemaNode) {
        this.schemaNode = schemaNode;
        this.schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schemaNode);
    }

    /** The schema bundled with the tool. Cheap to build (a few ms); callers need not cache it. */
    static SchemaCheck bundled() {
        try (InputStream in = SchemaCheck.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " missing from the classpath (broken build)");
            }
            return new SchemaCheck(Json.json().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    List<SpecProblem> check(JsonNode doc, KeyLines lines) {
        Set<ValidationMessage> messages = schema.validate(doc);
        List<SpecProblem> problems = new ArrayList<>();
        // anyOf / oneOf failures (the model key) are reported once, in words, not per branch.
        Set<String> alternatives = new TreeSet<>();
        for (ValidationMessage m : messages) {
            if (("anyOf".equals(m.getType()) || "oneOf".equals(m.getType()))) {
                alternatives.add(key(m.getInstanceLocation()));
            }
        }
        // A value that failed inside one branch (model: {name: ..., preprocessing: bad}) also fails the other branches'
        // type checks (not a string, not a list): only the inner problem is reported.
        Set<String> inner = new TreeSet<>();
        for (ValidationMessage m : messages) {
            if (!"type".equals(m.getType())) {
                inner.add(key(m.getInstanceLocation()));
            }
        }
        for (ValidationMessage m : messages) {
            String key = key(m.getInstanceLocation());
            boolean alternative = "anyOf".equals(m.getType()) || "oneOf".equals(m.getType());
            if (alternative ? deeper(key, alternatives) : coveredBy(key, alternatives)) {
                continue;
            }
            if ("type".equals(m.getType()) && deeper(key, inner)) {
                continue;
            }
            SpecProblem p = problem(m, key, lines);
            if (p != null) {
                problems.add(p);
            }
        }
        return problems;
    }

    /** Another anyOf failure lies inside this one: report only the innermost. */
    private static boolean deeper(String key, Set<String> alternatives) {
        for (String a : alternatives) {
            if (!a.equals(key) && (a.startsWith(key + ".") || a.startsWith(key + "["))) {
                return true;
            }
        }
        return false;
    }

    private static boolean coveredBy(String key, Set<String> alternatives) {
        for (String a : alternatives) {
            if (key.equals(a) || key.startsWith(a + ".") || key.startsWith(a + "[")) {
                return true;
            }
        }
        return false;
    }

    private SpecProblem problem(ValidationMessage m, String key, KeyLines lines) {
        JsonNode value = m.getInstanceNode();
        JsonNode keyword = m.getSchemaNode();
        JsonNode parent = parentSchema(m);
        switch (m.getType()) {
            case "additionalProperties": {
                String bad = m.getProperty();
                String full = join(key, bad);
                List<String> allowed = names(parent == null ? null : parent.get("properties"));
                return new SpecProblem(lines.lineOf(full), full, "unknown key '" + bad + "'; allowed: "
                        + String.join(", ", allowed) + Suggest.didYouMean(bad, allowed));
            }
            case "required": {
                String missing = m.getProperty();
                String why = m.getEvaluationPath().toString().contains("then")
                        ? " (format " + text(value.get("format")) + " needs " + String.join(" and ", names(keyword)) + ")"
                        : "";
                return new SpecProblem(lines.lineOf(key), join(key, missing), "missing required key" + why);
            }
            case "type":
                return new SpecProblem(lines.lineOf(key), key, show(value) + " is " + kind(value) + "; expected "
                        + words(keyword));
            case "enum": {
                List<String> allowed = values(keyword);
                return new SpecProblem(lines.lineOf(key), key, show(value) + " is not allowed; allowed: "
                        + String.join(", ", allowed) + Suggest.didYouMean(value.asText(), allowed));
            }
            case "const":
                if (key.equals("version")) {
                    return new SpecProblem(lines.lineOf(key), key, show(value)
                            + " is not supported; allowed: 1 (this advisor reads dataset.yaml version 1)");
                }
                return new SpecProblem(lines.lineOf(key), key, show(value) + " is not allowed; allowed: " + keyword);
            case "minimum":
            case "maximum":
            case "exclusiveMinimum":
            case "exclusiveMaximum":
                return new SpecProblem(lines.lineOf(key), key, show(value) + " is out of range; allowed " + range(parent));
            case "minItems":
                return new SpecProblem(lines.lineOf(key), key, "has " + value.size() + " item(s); needs at least "
                        + keyword.asInt() + (key.endsWith("classes") ? " classes to classify" : ""));
            case "maxItems":
                return new SpecProblem(lines.lineOf(key), key, "has " + value.size() + " items; allowed at most " + keyword.asInt());
            case "uniqueItems":
                return new SpecProblem(lines.lineOf(key), key, show(value) + " lists an entry twice; give each once");
            case "minLength":
                return new SpecProblem(lines.lineOf(key), key, "must not be empty");
            case "maxLength":
                return new SpecProblem(lines.lineOf(key), key, show(value) + " is too long; allowed at most " + keyword.asInt() + " characters");
            case "pattern":
                return new SpecProblem(lines.lineOf(key), key, show(value)
                        + " is not a valid name; use letters, digits, '.', '_' and '-' (zoo models as zoo:NAME)");
            case "anyOf":
            case "oneOf":
                if (key.equals("model") || key.startsWith("model[")) {
                    if (value.isObject()) {
                        List<String> allowed = List.of("name", "file", "weights", "preprocessing");
                        for (String k : names(value)) {
                            if (!allowed.contains(k)) {
                                String full = join(key, k);
                                return new SpecProblem(lines.lineOf(full), full, "unknown key '" + k + "'; allowed: "
                                        + String.join(", ", allowed) + Suggest.didYouMean(k, allowed));
                            }
                        }
                        if (value.has("name") == value.has("file")) {
                            return new SpecProblem(lines.lineOf(key), key, "give exactly one of 'name' (fmnist-cnn, zoo:resnet50) "
                                    + "or 'file' (a DL4J .zip or Keras .h5); 'weights' goes with a zoo name");
                        }
                    }
                    return new SpecProblem(lines.lineOf(key), key, show(value) + " is not a model reference; expected a name "
                            + "(fmnist-cnn, zoo:resnet50), {name: zoo:resnet50, weights: FILE}, {file: FILE.zip|FILE.h5}, or a list of these");
                }
                return new SpecProblem(lines.lineOf(key), key, show(value) + " matches none of the allowed forms");
            default:
                return new SpecProblem(lines.lineOf(key), key, m.getMessage().replaceFirst("^\\$[^:]*: ", ""));
        }
    }

    /** The schema object holding the failing keyword (for its min/max and property names). */
    private JsonNode parentSchema(ValidationMessage m) {
        if (m.getSchemaLocation() == null || m.getSchemaLocation().getFragment() == null) {
            return null;
        }
        JsonNodePath fragment = m.getSchemaLocation().getFragment();
        JsonNodePath parent = fragment.getParent();
        if (parent == null) {
            return schemaNode;
        }
        try {
            JsonNode n = JsonNodes.get(schemaNode, parent);
            return n == null ? null : n;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** {@code train.classes[2]} from the validator's instance path. */
    static String key(JsonNodePath path) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < path.getNameCount(); i++) {
            Object e = path.getElement(i);
            if (e instanceof Integer) {
                b.append('[').append(e).append(']');
            } else {
                if (b.length() > 0) {
                    b.append('.');
                }
                b.append(e);
            }
        }
        return b.toString();
    }

    private static String join(String parent, String child) {
        return parent.isEmpty() ? child : parent + "." + child;
    }

    private static List<String> names(JsonNode objectOrArray) {
        List<String> out = new ArrayList<>();
        if (objectOrArray == null) {
            return out;
        }
        if (objectOrArray.isArray()) {
            objectOrArray.forEach(n -> out.add(n.asText()));
        } else {
            objectOrArray.fieldNames().forEachRemaining(out::add);
        }
        return out;
    }

    private static List<String> values(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static String range(JsonNode s) {
        if (s == null) {
            return "(see docs/dataset.schema.json)";
        }
        String lo = s.has("minimum") ? s.get("minimum").asText() : s.has("exclusiveMinimum") ? "> " + s.get("exclusiveMinimum").asText() : null;
        String hi = s.has("maximum") ? s.get("maximum").asText() : s.has("exclusiveMaximum") ? "< " + s.get("exclusiveMaximum").asText() : null;
        if (lo != null && hi != null && !lo.startsWith(">") && !hi.startsWith("<")) {
            return lo + ".." + hi;
        }
        if (lo != null && hi != null) {
            return lo + " and " + hi;
        }
        return lo != null ? (lo.startsWith(">") ? lo : ">= " + lo) : (hi.startsWith("<") ? hi : "<= " + hi);
    }

    static String show(JsonNode v) {
        if (v == null || v.isMissingNode()) {
            return "(nothing)";
        }
        if (v.isTextual()) {
            return "'" + v.asText() + "'";
        }
        if (v.isContainerNode()) {
            String s = v.toString();
            return s.length() > 60 ? s.substring(0, 57) + "..." : s;
        }
        return v.asText();
    }

    private static String text(JsonNode v) {
        return v == null ? "?" : v.asText();
    }

    private static String kind(JsonNode v) {
        if (v == null || v.isNull()) {
            return "empty";
        }
        if (v.isTextual()) {
            return "a string";
        }
        if (v.isIntegralNumber()) {
            return "an integer";
        }
        if (v.isNumber()) {
            return "a number";
        }
        if (v.isBoolean()) {
            return "a boolean";
        }
        if (v.isArray()) {
            return "a list";
        }
        return "a mapping";
    }

    private static String words(JsonNode type) {
        Collection<String> ts = new ArrayList<>();
        if (type.isArray()) {
            for (Iterator<JsonNode> it = type.elements(); it.hasNext(); ) {
                ts.add(word(it.next().asText()));
            }
        } else {
            ts.add(word(type.asText()));
        }
        return String.join(" or ", ts);
    }

    private static String word(String t) {
        switch (t) {
            case "object": return "a mapping (key: value lines)";
            case "array": return "a list ([a, b] or '- a' lines)";
            case "integer": return "an integer";
            case "number": return "a number";
            case "string": return "a string";
            case "boolean": return "true or false";
            default: return t;
        }
    }
}
