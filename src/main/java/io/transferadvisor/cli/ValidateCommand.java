package io.transferadvisor.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.transferadvisor.dataset.DatasetLoader;
import io.transferadvisor.dataset.DatasetSpec;
import io.transferadvisor.dataset.ImageSet;
import io.transferadvisor.dataset.LoadedDataset;
import io.transferadvisor.dataset.SpecReader;
import io.transferadvisor.util.Json;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** `advisor validate DATASET.yaml`: checks a dataset description and the data it points to. */
@Command(name = "validate",
        mixinStandardHelpOptions = true,
        description = {
            "Check a dataset.yaml against docs/dataset.schema.json and the data it points to.",
            "Prints the resolved spec (paths resolved, defaults filled) and the images per class in train, "
                + "validation and test, plus any unreadable files skipped; or every problem, one per line, "
                + "as FILE:LINE: key: message, and exits with 3."},
        footer = {"",
            "Examples:",
            "  advisor validate examples/default.yaml",
            "  advisor validate examples/glyphs.yaml --json",
            "  advisor validate my-data/dataset.yaml --quiet   # errors only",
            "",
            "Schema: docs/dataset.schema.json; examples and their README: examples/."})
public final class ValidateCommand implements Callable<Integer> {
    @CommandLine.Mixin
    OutputOptions output;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec commandSpec;

    @Parameters(index = "0", paramLabel = "DATASET.yaml", description = "The dataset description to check.")
    Path file;

    @Override
    public Integer call() throws JsonProcessingException {
        DatasetSpec spec = SpecReader.read(file);
        checkModels(spec);
        LoadedDataset data = DatasetLoader.load(spec);
        PrintWriter out = commandSpec.commandLine().getOut();
        if (output.json()) {
            out.println(Json.json().writeValueAsString(json(data)));
        } else if (!output.quiet()) {
            printText(out, data);
        }
        out.flush();
        return ExitCodes.OK;
    }

    /**
     * Every model the spec names must be one this installation knows (a name lookup: no weights are
     * loaded, so a model whose weights are not downloaded yet still validates). Exit 4, as in 'profile'.
     */
    static void checkModels(DatasetSpec spec) {
        for (DatasetSpec.ModelRef ref : spec.models()) {
            try {
                io.transferadvisor.model.ModelRegistry.resolve(ref);
            } catch (io.transferadvisor.model.ModelException e) {
                throw new io.transferadvisor.model.ModelException(spec.file() + ": model: " + e.getMessage(), e);
            }
        }
    }

    private static void printText(PrintWriter out, LoadedDataset data) {
        DatasetSpec s = data.spec();
        out.println("dataset     " + s.name() + "  (" + s.file() + ")");
        out.println("train       " + source(s.train()));
        out.println("test        " + (s.test() == null ? "held out of train: " + fmt(s.split().test()) : source(s.test())));
        out.println("validation  held out of train: " + fmt(s.split().validation()));
        out.println("unlabelled  " + (s.unlabelled() == null ? "none" : source(s.unlabelled())));
        out.println("model       " + String.join(", ", s.models().stream().map(DatasetSpec.ModelRef::display).toList()));
        out.println("input       " + (s.input() == null ? "model default" : s.input().toString())
                + "  (resize " + lower(s.fit().resize()) + ", color " + lower(s.fit().color()) + ")");
        out.println("seed        " + s.seed());
        out.println("budget      " + fmt(s.budget().minutes()) + " min, at most " + s.budget().maxEpochs() + " epochs");
        out.println("content     sha256:" + data.contentHash());
        out.println();
        List<String> classes = data.classNames();
        int width = Math.max(5, classes.stream().mapToInt(String::length).max().orElse(5));
        String row = "%-" + width + "s  %7s  %10s  %7s%n";
        out.printf(Locale.ROOT, row, "class", "train", "validation", "test");
        int[] tr = data.train().classCounts();
        int[] va = data.validation().classCounts();
        int[] te = data.test().classCounts();
        for (int c = 0; c < classes.size(); c++) {
            out.printf(Locale.ROOT, row, classes.get(c), tr[c], va[c], te[c]);
        }
        out.printf(Locale.ROOT, row, "total", data.train().size(), data.validation().size(), data.test().size());
        data.unlabelled().ifPresent(u -> out.println("unlabelled: " + u.size() + " images"));
        if (!data.skipped().isEmpty()) {
            out.println();
            out.println("skipped " + data.skipped().size() + " unusable file(s) (policy: at most "
                    + Math.round(DatasetLoader.BAD_FRACTION * 100) + "% of a source, at least 1):");
            data.skipped().forEach(x -> out.println("  " + x));
        }
    }

    private static String source(DatasetSpec.Source src) {
        StringBuilder b = new StringBuilder(lower(src.format()));
        if (src.format() == DatasetSpec.Format.IDX) {
            b.append("  images ").append(src.path());
            if (src.labels() != null) {
                b.append("  labels ").append(src.labels());
            }
        } else {
            b.append("  ").append(src.path());
        }
        if (!src.classes().isEmpty()) {
            b.append("  classes ").append(String.join(",", src.classes()));
        }
        if (!src.rename().isEmpty()) {
            b.append("  rename ").append(new java.util.TreeMap<>(src.rename()));
        }
        b.append(src.perClass() > 0 ? "  per_class " + src.perClass() : src.limit() > 0 ? "  limit " + src.limit() : "  all images");
        return b.toString();
    }

    private static Map<String, Object> json(LoadedDataset data) {
        DatasetSpec s = data.spec();
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("file", s.file().toString());
        spec.put("name", s.name());
        spec.put("train", sourceJson(s.train()));
        if (s.test() != null) {
            spec.put("test", sourceJson(s.test()));
        }
        spec.put("split", ordered("test", s.split().test(), "validation", s.split().validation()));
        if (s.unlabelled() != null) {
            spec.put("unlabelled", sourceJson(s.unlabelled()));
        }
        List<Map<String, Object>> models = new ArrayList<>();
        for (DatasetSpec.ModelRef m : s.models()) {
            Map<String, Object> mm = new LinkedHashMap<>();
            mm.put("name", m.name());
            mm.put("file", m.file() == null ? null : m.file().toString());
            mm.put("weights", m.weights() == null ? null : m.weights().toString());
            models.add(mm);
        }
        spec.put("model", models);
        Map<String, Object> input = new LinkedHashMap<>();
        if (s.input() != null) {
            input.put("height", s.input().height());
            input.put("width", s.input().width());
            input.put("channels", s.input().channels());
        } else {
            input.put("geometry", "model default");
        }
        input.put("resize", lower(s.fit().resize()));
        input.put("color", lower(s.fit().color()));
        spec.put("input", input);
        spec.put("seed", s.seed());
        spec.put("budget", ordered("minutes", s.budget().minutes(), "max_epochs", s.budget().maxEpochs()));
        List<Map<String, Object>> classes = new ArrayList<>();
        int[] tr = data.train().classCounts();
        int[] va = data.validation().classCounts();
        int[] te = data.test().classCounts();
        for (int c = 0; c < data.classNames().size(); c++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("class", data.classNames().get(c));
            row.put("train", tr[c]);
            row.put("validation", va[c]);
            row.put("test", te[c]);
            classes.add(row);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("valid", true);
        out.put("spec", spec);
        out.put("classes", classes);
        out.put("totals", ordered("train", data.train().size(), "validation", data.validation().size(), "test", data.test().size(),
                "unlabelled", data.unlabelled().map(ImageSet::size).orElse(0)));
        out.put("content_hash", data.contentHash());
        out.put("skipped", data.skipped());
        return out;
    }

    private static Map<String, Object> sourceJson(DatasetSpec.Source src) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", lower(src.format()));
        m.put(src.format() == DatasetSpec.Format.IDX ? "images" : "path", src.path().toString());
        if (src.labels() != null) {
            m.put("labels", src.labels().toString());
        }
        if (!src.classes().isEmpty()) {
            m.put("classes", src.classes());
        }
        if (!src.rename().isEmpty()) {
            m.put("rename", new java.util.TreeMap<>(src.rename()));
        }
        if (src.perClass() > 0) {
            m.put("per_class", src.perClass());
        }
        if (src.limit() > 0) {
            m.put("limit", src.limit());
        }
        return m;
    }

    /** A map that keeps the given key order, so JSON output is stable and diffable. */
    private static Map<String, Object> ordered(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    private static String fmt(double d) {
        String s = String.format(Locale.ROOT, "%.4f", d).replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
