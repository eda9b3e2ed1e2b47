package io.transferadvisor.execute;

import com.fasterxml.jackson.databind.JsonNode;
import io.transferadvisor.dataset.DatasetSpec;
import io.transferadvisor.dataset.InputGeometry;
import io.transferadvisor.plan.HeadType;
import io.transferadvisor.plan.Plan;
import io.transferadvisor.plan.Strategy;
import io.transferadvisor.report.HtmlReport;
import io.transferadvisor.report.RunMetrics;
import io.transferadvisor.util.AtomicFiles;
import io.transferadvisor.util.Json;
import io.transferadvisor.util.OutputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The run directory: what is in it and how it is written (atomically, never over an existing
 * run without --force).
 */
public final class RunFolder {
    public static final String PLAN = "plan.yaml";
    public static final String RUN = "run.json";
    public static final String METRICS = "metrics.json";
    public static final String REPORT = "report.html";
    public static final String PROFILE = "profile.json";
    public static final String AUDIT = "audit.json";

    private final Path dir;

    private RunFolder(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    public Checkpoints checkpoints() {
        return new Checkpoints(dir.resolve("checkpoints"));
    }

    /** runs/&lt;dataset&gt;-&lt;strategy&gt;-&lt;timestamp&gt; under the working directory. */
    public static Path defaultPath(String dataset, Strategy strategy) {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        String safe = dataset.replaceAll("[^A-Za-z0-9._-]", "_");
        return Path.of("runs", safe + "-" + strategy.name().toLowerCase().replace('_', '-') + "-" + stamp);
    }

    /** A new run directory; an existing non-empty one is replaced only with {@code force}. */
    public static RunFolder create(Path dir, boolean force) {
        Path abs = dir.toAbsolutePath().normalize();
        try {
            if (Files.exists(abs)) {
                if (!Files.isDirectory(abs)) {
                    throw new OutputException("run directory " + abs + " is a file; pass another -o folder");
                }
                boolean empty;
                try (Stream<Path> s = Files.list(abs)) {
                    empty = s.findAny().isEmpty();
                }
                if (!empty && !force) {
                    throw new OutputException("run directory " + abs + " already exists; pass --force to replace it, "
                            + "--resume " + dir + " to continue it, or -o another folder");
                }
                if (!empty) {
                    deleteTree(abs);
                }
            }
            Files.createDirectories(abs);
        } catch (IOException e) {
            throw new OutputException("cannot create run directory " + abs + ": " + e.getMessage() + "; check permissions and disk space", e);
        }
        return new RunFolder(abs);
    }

    /** An existing run directory to continue. */
    public static RunFolder resume(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        if (!Files.isRegularFile(abs.resolve(PLAN))) {
            throw new OutputException("cannot resume " + abs + ": no " + PLAN + " in it; give the folder of a run that was started with 'advisor execute'");
        }
        if (Files.exists(abs.resolve(METRICS))) {
            throw new OutputException("run " + abs + " already finished (metrics.json exists); nothing to resume");
        }
        return new RunFolder(abs);
    }

    RunFolder member(String name, boolean resume) {
        Path p = dir.resolve(name);
        try {
            Files.createDirectories(p);
        } catch (IOException e) {
            throw new OutputException("cannot create " + p + ": " + e.getMessage(), e);
        }
        return new RunFolder(p);
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                if (!p.equals(root)) {
                    Files.delete(p);
                }
            }
        }
    }

    /**
     * run.json: what is needed to use the trained model later (advisor predict) and to resume.
     *
     * @param schemaVersion 2 (2 added provenance)
     * @param datasetFile   absolute dataset.yaml (null when the data was given in memory)
     * @param dataset       dataset name
     * @param classNames    output order of the classes
     * @param input         input geometry of the model
     * @param fit           how images are fitted to it
     * @param head          SOFTMAX (probabilities) or SVM (scores; predict softmaxes them)
     * @param strategy      strategy
     * @param models        model names
     * @param status        "running" or "finished"
     * @param started       start time (ISO)
     * @param finished      end time (ISO) or null
     * @param java          Java version
     * @param provenance    data, weights, rules, plan and trained-model hashes (when finished)
     */
    public record RunInfo(int schemaVersion, String datasetFile, String dataset, List<String> classNames, InputGeometry input,
                          DatasetSpec.Fit fit, HeadType head, String strategy, List<String> models, String status,
                          String started, String finished, String java, io.transferadvisor.report.Provenance provenance) {}

    /** The ensemble file: member folders, combined by averaging probabilities. */
    public record EnsembleInfo(String combine, List<RunMetrics.Member> members) {}

    void writeStart(Plan plan, RunInputs in) {
        Plan recorded = plan;
        if (in.datasetFile() != null) {
            recorded = new Plan(plan.schemaVersion(), in.datasetFile().toAbsolutePath().normalize().toString(), plan.models(),
                    plan.strategy(), plan.cutoffLayer(), plan.head(), plan.growBlocks(), plan.hyperparameters(), plan.collectMore(),
                    plan.ensembleMembers(), plan.seed(), plan.budgetMinutes(), plan.overrides());
        }
        writePlan(dir.resolve(PLAN), recorded);
        if (in.profile() != null) {
            writeJson(dir.resolve(PROFILE), in.profile());
        }
        if (in.audit() != null) {
            writeJson(dir.resolve(AUDIT), in.audit());
        }
        writeJson(dir.resolve(RUN), info(plan, in, "running", null));
    }

    private RunInfo info(Plan plan, RunInputs in, String status, String finished) {
        RunInfo old = readInfo(dir);
        InputGeometry g = plan.strategy() == Strategy.ENSEMBLE || plan.models().isEmpty() ? in.data().spec().input()
                : Executor.geometry(in.data().spec(), in.models().apply(plan.models().get(0)));
        return new RunInfo(2, in.datasetFile() == null ? null : in.datasetFile().toAbsolutePath().toString(),
                in.data().spec().name(), in.data().classNames(), g, in.data().spec().fit(), plan.head(), plan.strategy().name(),
                plan.models(), status, old != null ? old.started() : java.time.Instant.now().toString(), finished,
                System.getProperty("java.version"), null);
    }

    void writeFinish(Plan plan, RunInputs in, RunMetrics result) {
        var provenance = io.transferadvisor.report.Provenance.of(dir, plan,
                plan.strategy() + (plan.cutoffLayer() == null ? "" : " " + plan.cutoffLayer()), in.data(), in.audit());
        RunMetrics metrics = result.withProvenance(provenance);
        writeJson(dir.resolve(METRICS), metrics);
        RunInfo i = info(plan, in, "finished", java.time.Instant.now().toString());
        RunInfo info = new RunInfo(2, i.datasetFile(), i.dataset(), i.classNames(), i.input(), i.fit(), i.head(), i.strategy(), i.models(),
                i.status(), i.started(), i.finished(), i.java(), provenance);
        HtmlReport.write(dir.resolve(REPORT), info.dataset(), plan, metrics, in.profile(), in.audit(), in.data(), info.input());
        writeJson(dir.resolve(RUN), info);
    }

    void writeEnsemble(List<RunMetrics.Member> members) {
        writeJson(dir.resolve(Executor.ENSEMBLE_FILE), new EnsembleInfo("mean of member probabilities", members));
    }

    public static RunInfo readInfo(Path runDir) {
        Path p = runDir.resolve(RUN);
        if (!Files.exists(p)) {
            return null;
        }
        try {
            return Json.json().readValue(p.toFile(), RunInfo.class);
        } catch (IOException e) {
            throw new OutputException("cannot read " + p + ": " + e.getMessage() + "; is this a run directory?", e);
        }
    }

    public static EnsembleInfo readEnsemble(Path runDir) {
        Path p = runDir.resolve(Executor.ENSEMBLE_FILE);
        try {
            return Json.json().readValue(p.toFile(), EnsembleInfo.class);
        } catch (IOException e) {
            throw new OutputException("cannot read " + p + ": " + e.getMessage(), e);
        }
    }

    public static Plan readPlan(Path file) {
        return io.transferadvisor.plan.PlanIO.read(file);
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    public static void writePlan(Path file, Plan plan) {
        try {
            io.transferadvisor.plan.PlanIO.write(file, plan);
        } catch (RuntimeException e) {
            throw e;
        }
    }

    static void writeJson(Path file, Object value) {
        try {
            AtomicFiles.writeString(file, Json.json().writeValueAsString(value) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode readJsonOrNull(Path file) {
        if (file == null || !Files.isRegularFile(file)) {
            return null;
        }
        try {
            return Json.json().readTree(file.toFile());
        } catch (IOException e) {
            throw new io.transferadvisor.plan.PlanException("cannot read " + file + ": " + firstLine(e.getMessage()), e);
        }
    }
}
