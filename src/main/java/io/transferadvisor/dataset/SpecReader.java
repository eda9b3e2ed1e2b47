package io.transferadvisor.dataset;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a dataset.yaml (schema version 1): checks it against docs/dataset.schema.json, then what a
 * schema cannot say (files exist, fractions add up), and returns the resolved {@link DatasetSpec}.
 * Every problem is reported at once, one per line, as {@code dataset.yaml:LINE: key: message}.
 * Checks that need the data itself (class names, counts, corrupt files) happen in {@link DatasetLoader}.
 */
public final class SpecReader {
    private SpecReader() {}

    public static final String DEFAULT_MODEL = "fmnist-cnn";
    /** {@code weights: random}: the model's architecture with fresh, seeded weights (no file). */
    public static final String RANDOM = "random";
    public static final double DEFAULT_TEST = 0.2;
    public static final double DEFAULT_VALIDATION = 0.1;
    public static final long DEFAULT_SEED = 42;
    public static final double DEFAULT_MINUTES = 10;
    public static final int DEFAULT_MAX_EPOCHS = 30;

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION));

    public static DatasetSpec read(Path yaml) {
        Path file = yaml.toAbsolutePath().normalize();
        String text;
        try {
            text = io.transferadvisor.util.TextFiles.read(file, io.transferadvisor.util.TextFiles.MAX_YAML_BYTES);
        } catch (NoSuchFileException e) {
            throw new DatasetException(yaml + ": dataset file not found; give the path of a dataset.yaml (see examples/)", e);
        } catch (IOException e) {
            throw new DatasetException(yaml + ": cannot read dataset file: " + e.getMessage(), e);
        }
        JsonNode doc;
        KeyLines lines;
        try {
            doc = YAML.readTree(text);
            lines = KeyLines.of(text);
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 1 : Math.max(1, e.getLocation().getLineNr());
            throw SpecProblem.exception(file, List.of(new SpecProblem(line, "",
                    "not valid YAML: " + e.getOriginalMessage().replace('\n', ' '))));
        } catch (IOException e) {
            throw new DatasetException(yaml + ": cannot read dataset file: " + e.getMessage(), e);
        }
        if (doc == null || doc.isMissingNode() || !doc.isObject()) {
            throw SpecProblem.exception(file, List.of(new SpecProblem(1, "",
                    "expected a mapping with at least 'version: 1' and 'train:'; see examples/default.yaml")));
        }
        List<SpecProblem> problems = SchemaCheck.bundled().check(doc, lines);
        if (!problems.isEmpty()) {
            throw SpecProblem.exception(file, problems);
        }
        return new Builder(file, doc, lines).build();
    }

    /** Line lookup for a spec's keys, for problems found later while loading data. */
    static KeyLines linesOf(Path file) {
        try {
            return KeyLines.of(io.transferadvisor.util.TextFiles.read(file, io.transferadvisor.util.TextFiles.MAX_YAML_BYTES));
        } catch (IOException e) {
            return KeyLines.none();
        }
    }

    /** Turns a schema-valid document into a spec, collecting semantic problems. */
    private static final class Builder {
        private final Path file;
        private final Path dir;
        private final JsonNode doc;
        private final KeyLines lines;
        private final List<SpecProblem> problems = new ArrayList<>();

        Builder(Path file, JsonNode doc, KeyLines lines) {
            this.file = file;
            this.dir = file.getParent();
            this.doc = doc;
            this.lines = lines;
        }

        DatasetSpec build() {
            String name = doc.hasNonNull("name") ? doc.get("name").asText() : baseName(file);
            DatasetSpec.Source train = labelled("train", doc.get("train"));
            DatasetSpec.Source test = doc.hasNonNull("test") ? labelled("test", doc.get("test")) : null;
            JsonNode s = doc.path("split");
            double testFraction = s.has("test") ? s.get("test").asDouble() : DEFAULT_TEST;
            double validation = s.has("validation") ? s.get("validation").asDouble() : DEFAULT_VALIDATION;
            double heldOut = validation + (test == null ? testFraction : 0);
            if (heldOut >= 1.0) {
                problems.add(new SpecProblem(lines.lineOf("split"), "split", "fractions add up to " + fmt(heldOut)
                        + " (validation " + fmt(validation) + (test == null ? " + test " + fmt(testFraction) : "")
                        + "); allowed < 1 so some images remain for training"));
            }
            if (test == null && testFraction == 0) {
                problems.add(new SpecProblem(lines.lineOf("split.test"), "split.test",
                        "0 leaves no test data; give a 'test:' set or a split.test fraction in 0.05..0.9"));
            }
            DatasetSpec.Source unlabelled = doc.hasNonNull("unlabelled") ? unlabelled(doc.get("unlabelled")) : null;
            List<DatasetSpec.ModelRef> models = models(doc.get("model"));
            InputGeometry input = null;
            DatasetSpec.Resize resize = DatasetSpec.Resize.STRETCH;
            DatasetSpec.ColorMode color = DatasetSpec.ColorMode.AUTO;
            JsonNode in = doc.get("input");
            if (in != null && in.isObject()) {
                int given = (in.has("height") ? 1 : 0) + (in.has("width") ? 1 : 0) + (in.has("channels") ? 1 : 0);
                if (given == 3) {
                    input = new InputGeometry(in.get("height").asInt(), in.get("width").asInt(), in.get("channels").asInt());
                } else if (given > 0) {
                    problems.add(new SpecProblem(lines.lineOf("input"), "input", "give height, width and channels together "
                            + "(or none of them to use the model's input geometry)"));
                }
                if (in.has("resize")) {
                    resize = DatasetSpec.Resize.valueOf(in.get("resize").asText().toUpperCase(java.util.Locale.ROOT));
                }
                if (in.has("color")) {
                    color = DatasetSpec.ColorMode.valueOf(in.get("color").asText().toUpperCase(java.util.Locale.ROOT));
                }
                if (color == DatasetSpec.ColorMode.RGB && input != null && input.channels() == 1) {
                    problems.add(new SpecProblem(lines.lineOf("input.color"), "input.color",
                            "'rgb' contradicts channels: 1; use color: auto or grayscale, or channels: 3"));
                }
            }
            long seed = doc.has("seed") ? doc.get("seed").asLong() : DEFAULT_SEED;
            JsonNode b = doc.path("budget");
            DatasetSpec.Budget budget = new DatasetSpec.Budget(
                    b.has("minutes") ? b.get("minutes").asDouble() : DEFAULT_MINUTES,
                    b.has("max_epochs") ? b.get("max_epochs").asInt() : DEFAULT_MAX_EPOCHS);
            if (!problems.isEmpty()) {
                throw SpecProblem.exception(file, problems);
            }
            return new DatasetSpec(file, name, train, test, new DatasetSpec.Split(testFraction, validation), unlabelled,
                    models, input, new DatasetSpec.Fit(resize, color), seed, budget);
        }

        private DatasetSpec.Source labelled(String key, JsonNode n) {
            DatasetSpec.Format format = DatasetSpec.Format.valueOf(n.get("format").asText().toUpperCase(java.util.Locale.ROOT));
            Path path;
            Path labels = null;
            if (format == DatasetSpec.Format.IDX) {
                path = existingFile(key + ".images", n.get("images").asText());
                labels = existingFile(key + ".labels", n.get("labels").asText());
                if (n.has("path")) {
                    problems.add(new SpecProblem(lines.lineOf(key + ".path"), key + ".path",
                            "not used by format idx; give images and labels (or use format: folder)"));
                }
            } else {
                path = existingDir(key + ".path", n.get("path").asText());
                for (String k : List.of("images", "labels")) {
                    if (n.has(k)) {
                        problems.add(new SpecProblem(lines.lineOf(key + "." + k), key + "." + k,
                                "not used by format folder (one subfolder per class under path); remove it or use format: idx"));
                    }
                }
            }
            List<String> classes = new ArrayList<>();
            n.path("classes").forEach(c -> classes.add(c.asText()));
            Map<String, String> rename = new LinkedHashMap<>();
            n.path("rename").fields().forEachRemaining(e -> rename.put(e.getKey(), e.getValue().asText()));
            int perClass = n.has("per_class") ? n.get("per_class").asInt() : 0;
            return new DatasetSpec.Source(format, path, labels, classes, rename, perClass, 0);
        }

        private DatasetSpec.Source unlabelled(JsonNode n) {
            DatasetSpec.Format format = DatasetSpec.Format.valueOf(n.get("format").asText().toUpperCase(java.util.Locale.ROOT));
            Path path = format == DatasetSpec.Format.IDX
                    ? existingFile("unlabelled.images", n.get("images").asText())
                    : existingDir("unlabelled.path", n.get("path").asText());
            int limit = n.has("limit") ? n.get("limit").asInt() : 0;
            return new DatasetSpec.Source(format, path, null, List.of(), Map.of(), 0, limit);
        }

        private List<DatasetSpec.ModelRef> models(JsonNode n) {
            List<DatasetSpec.ModelRef> out = new ArrayList<>();
            if (n == null || n.isNull()) {
                out.add(new DatasetSpec.ModelRef(DEFAULT_MODEL, null, null));
            } else if (n.isArray()) {
                for (int i = 0; i < n.size(); i++) {
                    out.add(model("model[" + i + "]", n.get(i)));
                }
            } else {
                out.add(model("model", n));
            }
            return out;
        }

        private DatasetSpec.ModelRef model(String key, JsonNode n) {
            if (n.isTextual()) {
                return new DatasetSpec.ModelRef(n.asText(), null, null);
            }
            Path f = n.has("file") ? existingFile(key + ".file", n.get("file").asText()) : null;
            boolean random = n.has("weights") && RANDOM.equals(n.get("weights").asText());
            Path w = n.has("weights") && !random ? existingFile(key + ".weights", n.get("weights").asText()) : null;
            Preprocessing pre = null;
            if (n.has("preprocessing")) {
                try {
                    pre = Preprocessing.named(n.get("preprocessing").asText());
                } catch (IllegalArgumentException e) {
                    problems.add(new SpecProblem(lines.lineOf(key + ".preprocessing"), key + ".preprocessing", e.getMessage()));
                }
            }
            return new DatasetSpec.ModelRef(n.has("name") ? n.get("name").asText() : null, f, w, random, pre);
        }

        private Path existingFile(String key, String value) {
            Path p = dir.resolve(value).normalize();
            if (Files.isDirectory(p)) {
                problems.add(new SpecProblem(lines.lineOf(key), key, "'" + value + "' is a folder; expected a file"));
            } else if (Files.exists(p) && !Files.isRegularFile(p)) {
                problems.add(new SpecProblem(lines.lineOf(key), key, "'" + value + "' is not a regular file (a pipe, device or socket); expected a file"));
            } else if (!Files.isRegularFile(p)) {
                problems.add(new SpecProblem(lines.lineOf(key), key, "file '" + value + "' not found (resolved to " + p + ")"
                        + (p.toString().contains("fashion-mnist") ? "; install it with 'apt-get install -y dataset-fashion-mnist'" : "")));
            } else if (!Files.isReadable(p)) {
                problems.add(new SpecProblem(lines.lineOf(key), key, "file '" + value + "' is not readable; check its permissions"));
            }
            return p;
        }

        private Path existingDir(String key, String value) {
            Path p = dir.resolve(value).normalize();
            if (!Files.exists(p)) {
                problems.add(new SpecProblem(lines.lineOf(key), key, "folder '" + value + "' not found (resolved to " + p + ")"));
            } else if (!Files.isDirectory(p)) {
                problems.add(new SpecProblem(lines.lineOf(key), key, "'" + value + "' is a file; expected a folder"
                        + " (with one subfolder per class for labelled data)"));
            }
            return p;
        }

        private static String baseName(Path file) {
            String n = file.getFileName().toString();
            int dot = n.lastIndexOf('.');
            return dot > 0 ? n.substring(0, dot) : n;
        }
    }

    static String fmt(double d) {
        String s = String.format(java.util.Locale.ROOT, "%.4f", d);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
