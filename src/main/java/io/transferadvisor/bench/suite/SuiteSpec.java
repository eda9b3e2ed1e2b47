package io.transferadvisor.bench.suite;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JacksonException;
import io.transferadvisor.dataset.DatasetException;
import io.transferadvisor.util.Hashing;
import io.transferadvisor.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The advice-quality task suite (examples/suite.yaml): task families split into calibration and
 * held-out, tasks (a source of images, classes, an input shift, a size, an epoch cap), the seeds,
 * and the one training recipe every trial shares. Read with {@link #read(Path)}, which checks it.
 *
 * @param version      1
 * @param model        the source model every task is advised and trained from
 * @param seeds        each task is drawn and trained once per seed
 * @param testPerClass test images per class (a task may override)
 * @param validation   fraction of each class's labelled images held out for early stopping
 * @param recipe       the hyperparameters every trial uses (the suite judges strategy, cut and head)
 * @param families     family id -> family (split and relation)
 * @param tasks        the tasks, calibration families first is advised but not required
 * @param quick        task ids of {@code --quick} (a harness check, not the targets)
 * @param otherModels  further source models every task is also probed and trained from, for the model choice
 *                     (issue 9); their records are told apart by the task hash, which includes the model
 */
public record SuiteSpec(int version, String model, List<Long> seeds, @JsonProperty("test_per_class") int testPerClass,
                        double validation, Recipe recipe, Map<String, Family> families, List<Task> tasks, List<String> quick,
                        @JsonProperty("other_models") List<String> otherModels) {

    public SuiteSpec {
        otherModels = otherModels == null ? List.of() : List.copyOf(otherModels);
    }

    /** Refuses a --tasks id that is not a task of this suite (read from {@code file}), naming the nearest one. */
    void requireTasks(List<String> ids, Path file) {
        List<String> known = tasks().stream().map(Task::id).toList();
        for (String id : ids == null ? List.<String>of() : ids) {
            if (!known.contains(id)) {
                throw new io.transferadvisor.UsageException("--tasks " + id + ": not a task of " + file
                        + io.transferadvisor.util.Suggest.didYouMean(id, known));
            }
        }
    }

    /** Refuses a --seeds value that is not one of this suite's seeds. */
    void requireSeeds(List<Long> chosen, boolean ownResults) {
        for (long s : chosen == null ? List.<Long>of() : chosen) {
            if (!seeds().contains(s) && !ownResults) {
                throw new io.transferadvisor.UsageException("--seeds " + s + ": not one of the suite's seeds " + seeds()
                        + "; fresh seeds need a --results FILE of their own");
            }
        }
    }

    /** The same suite with these seeds. */
    public SuiteSpec withSeeds(List<Long> s) {
        return new SuiteSpec(version, model, s, testPerClass, validation, recipe, families, tasks, quick, otherModels);
    }

    /** The same suite advised and trained from {@code m} (its own task hashes, so its own records). */
    public SuiteSpec withModel(String m) {
        return new SuiteSpec(version, m, seeds, testPerClass, validation, recipe, families, tasks, quick, otherModels);
    }

    /** The suite's model, then the other models. */
    public List<String> allModels() {
        List<String> out = new ArrayList<>();
        out.add(model);
        for (String m : otherModels) {
            if (!out.contains(m)) {
                out.add(m);
            }
        }
        return out;
    }

    public static final String CALIBRATION = "calibration";
    public static final String HELD_OUT = "held-out";

    /** The shared training recipe: Adam rates, batch, weight decay and early-stopping patience. */
    public record Recipe(@JsonProperty("head_lr") double headLr, @JsonProperty("backbone_lr") double backboneLr, int batch,
                         @JsonProperty("weight_decay") double weightDecay, int patience) {}

    /**
     * @param split    calibration (may set thresholds) or held-out (reported only)
     * @param relation same-labels-shift, new-labels, new-labels-shift or new-domain
     * @param about    one line for the report
     */
    public record Family(String split, String relation, String about) {}

    /**
     * @param id       unique task id
     * @param family   a key of families
     * @param source   fashion, glyphs or shapes
     * @param classes  fashion: label values 0-9; glyphs: one character each; shapes: kinds
     * @param fonts    glyphs only: font pool A, B or all
     * @param shift    input shift applied to every image (Shifts syntax), none if absent
     * @param perClass labelled images per class (train + validation)
     * @param epochs   epoch cap of every trial of this task
     * @param testPerClass test images per class; 0 = the suite's
     */
    public record Task(String id, String family, String source, List<String> classes, String fonts, String shift,
                       @JsonProperty("per_class") int perClass, int epochs, @JsonProperty("test_per_class") int testPerClass) {
        public String shiftOrNone() {
            return shift == null || shift.isBlank() ? "none" : shift;
        }

        public int test(SuiteSpec s) {
            return testPerClass > 0 ? testPerClass : s.testPerClass();
        }

        /** Identity of everything that decides the task's images and trials: results of another definition are not reused. */
        public String hash(SuiteSpec s) {
            return Hashing.sha256(String.join("|", source, String.valueOf(classes), String.valueOf(fonts), shiftOrNone(),
                    String.valueOf(perClass), String.valueOf(epochs), String.valueOf(test(s)), String.valueOf(s.validation()),
                    String.valueOf(s.recipe()), s.model())).substring(0, 16);
        }
    }

    public Family family(Task t) {
        return families.get(t.family());
    }

    public boolean calibration(Task t) {
        return CALIBRATION.equals(family(t).split());
    }

    public Task task(String id) {
        return tasks.stream().filter(t -> t.id().equals(id)).findFirst()
                .orElseThrow(() -> new DatasetException("suite has no task '" + id + "'" + io.transferadvisor.util.Suggest.didYouMean(id,
                        tasks.stream().map(Task::id).toList())));
    }

    public static SuiteSpec read(Path file) {
        SuiteSpec s;
        try {
            s = Json.yaml().readValue(Files.readString(file), SuiteSpec.class);
        } catch (JacksonException e) {
            throw new DatasetException(file + ": not a valid suite file: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new DatasetException(file + ": cannot read: " + e.getMessage());
        }
        if (s == null) {
            throw new DatasetException(file + ": empty suite file");
        }
        s.check(file);
        return s;
    }

    void check(Path file) {
        List<String> bad = new ArrayList<>();
        if (version != 1) {
            bad.add("version " + version + " (expected 1)");
        }
        if (model == null || seeds == null || seeds.isEmpty() || recipe == null || families == null || tasks == null || tasks.isEmpty()) {
            bad.add("model, seeds, recipe, families and tasks are all required");
        }
        if (testPerClass < 1 || !(validation > 0 && validation < 0.5)) {
            bad.add("test_per_class must be >= 1 and validation in (0, 0.5)");
        }
        if (recipe != null && (!(recipe.headLr() > 0) || !(recipe.backboneLr() > 0) || recipe.batch() < 1 || recipe.patience() < 1
                || recipe.weightDecay() < 0)) {
            bad.add("recipe: rates > 0, batch >= 1, patience >= 1, weight_decay >= 0");
        }
        if (families != null) {
            families.forEach((k, f) -> {
                if (f == null || !(CALIBRATION.equals(f.split()) || HELD_OUT.equals(f.split()))) {
                    bad.add("family " + k + ": split must be calibration or held-out");
                }
            });
        }
        Set<String> ids = new HashSet<>();
        for (Task t : tasks == null ? List.<Task>of() : tasks) {
            String where = "task " + t.id();
            if (t.id() == null || !ids.add(t.id())) {
                bad.add("task id " + t.id() + " missing or repeated");
            }
            if (families != null && !families.containsKey(t.family())) {
                bad.add(where + ": unknown family " + t.family());
            }
            if (!List.of("fashion", "glyphs", "shapes").contains(t.source())) {
                bad.add(where + ": source " + t.source() + " (fashion, glyphs or shapes)");
            }
            if (t.classes() == null || t.classes().size() < 2 || new HashSet<>(t.classes()).size() != t.classes().size()) {
                bad.add(where + ": at least 2 distinct classes");
            }
            if (t.perClass() < 2 || t.epochs() < 1) {
                bad.add(where + ": per_class >= 2 and epochs >= 1");
            }
            if ("glyphs".equals(t.source()) && !List.of("A", "B", "all").contains(String.valueOf(t.fonts()))) {
                bad.add(where + ": fonts must be A, B or all");
            }
            try {
                Shifts.check(t.shiftOrNone());
            } catch (IllegalArgumentException e) {
                bad.add(where + ": " + e.getMessage());
            }
        }
        if (model != null && otherModels.contains(model)) {
            bad.add("other_models repeats the suite's model " + model);
        }
        for (String q : quick == null ? List.<String>of() : quick) {
            if (!ids.contains(q)) {
                bad.add("quick: unknown task " + q);
            }
        }
        if (!bad.isEmpty()) {
            throw new DatasetException(file + ": " + String.join("; ", bad));
        }
    }

    /** Tasks by split, in file order. */
    public Map<String, List<Task>> bySplit() {
        Map<String, List<Task>> m = new LinkedHashMap<>();
        m.put(CALIBRATION, new ArrayList<>());
        m.put(HELD_OUT, new ArrayList<>());
        for (Task t : tasks) {
            m.get(family(t).split()).add(t);
        }
        return m;
    }
}
