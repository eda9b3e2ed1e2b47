package io.transferadvisor.execute;

import com.fasterxml.jackson.databind.JsonNode;
import io.transferadvisor.dataset.DatasetSpec;
import io.transferadvisor.dataset.LoadedDataset;
import io.transferadvisor.model.SourceModel;
import io.transferadvisor.plan.Plan;
import io.transferadvisor.plan.PlanException;
import io.transferadvisor.plan.PlanOverrides;
import io.transferadvisor.report.RunMetrics;
import io.transferadvisor.util.WriteHooks;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;


/**
 * Carries out a plan: reads what it needs (dataset, models, the profile and audit beside the
 * plan), opens the run folder (fresh or resumed), hands the plan to its {@link StrategyFamily}
 * under the time budget, and writes the finished run. The families train; this class orchestrates.
 */
public final class Executor {
    private Executor() {}

    public static final String MODEL_FILE = "model.zip";
    public static final String ENSEMBLE_FILE = "ensemble.json";

    /**
     * Runs a plan file's plan: reads the dataset it names (relative to the plan file), resolves its
     * models, copies the profile and audit written beside the plan, and writes the run directory.
     * With {@code options.resume()} the plan is the one recorded in that run directory.
     */
    public static RunResult execute(Plan plan, Path planFile, ExecuteOptions options, PrintWriter progress) {
        if (options.resume() != null) {
            return resume(options, progress);
        }
        Path datasetFile = resolveDataset(plan, planFile);
        DatasetSpec spec = io.transferadvisor.dataset.SpecReader.read(datasetFile);
        if (progress != null) {
            specDrift(spec, plan).forEach(n -> progress.println("note: " + n));
        }
        LoadedDataset data = io.transferadvisor.dataset.DatasetLoader.load(spec);
        Path absolute = planFile.toAbsolutePath();
        io.transferadvisor.plan.PlanIO.checkAudit(planFile, io.transferadvisor.plan.PlanPaths.auditOf(absolute));
        JsonNode profile = RunFolder.readJsonOrNull(io.transferadvisor.plan.PlanPaths.profileOf(absolute));
        JsonNode audit = RunFolder.readJsonOrNull(io.transferadvisor.plan.PlanPaths.auditOf(absolute));
        return run(plan, new RunInputs(data, models(spec), datasetFile, profile, audit), options, progress);
    }

    /**
     * What dataset.yaml now says that the plan, written from an earlier reading of it, does not follow:
     * the seed (the splits follow dataset.yaml, the training the plan), the time budget, and a lower
     * epoch cap. Said, not fixed: the plan is what runs, and 'advisor recommend' makes the two agree.
     */
    static List<String> specDrift(DatasetSpec spec, Plan plan) {
        List<String> out = new ArrayList<>();
        String redo = "; run 'advisor recommend' again to make them agree";
        if (spec.seed() != plan.seed()) {
            out.add("dataset.yaml's seed " + spec.seed() + " is not the plan's " + plan.seed() + ": the splits follow dataset.yaml, the training "
                    + "follows the plan" + redo);
        }
        if (spec.budget() != null && Math.abs(spec.budget().minutes() - plan.budgetMinutes()) > 1e-9) {
            out.add("dataset.yaml's budget.minutes " + spec.budget().minutes() + " is not the plan's budgetMinutes " + plan.budgetMinutes()
                    + ": the plan's is used" + redo);
        }
        if (spec.budget() != null && spec.budget().maxEpochs() > 0 && spec.budget().maxEpochs() < plan.hyperparameters().maxEpochs()
                && plan.overrides().stream().noneMatch(o -> o.startsWith("maxEpochs="))) { // not when --epochs asked for more
            out.add("dataset.yaml's budget.max_epochs " + spec.budget().maxEpochs() + " is below the plan's maxEpochs "
                    + plan.hyperparameters().maxEpochs() + ": the plan's is used (--epochs " + spec.budget().maxEpochs() + " applies it)");
        }
        return out;
    }

    /** Continues the run in {@code options.resume()} from its checkpoints, with the plan recorded there. */
    public static RunResult resume(ExecuteOptions options, PrintWriter progress) {
        Path dir = options.resume().toAbsolutePath().normalize();
        RunFolder.checkResumable(dir);
        Path planFile = dir.resolve(RunFolder.PLAN);
        Plan plan = io.transferadvisor.plan.PlanIO.read(planFile);
        Path datasetFile = resolveDataset(plan, planFile);
        DatasetSpec spec = io.transferadvisor.dataset.SpecReader.read(datasetFile);
        LoadedDataset data = io.transferadvisor.dataset.DatasetLoader.load(spec);
        JsonNode profile = RunFolder.readJsonOrNull(dir.resolve(RunFolder.PROFILE));
        JsonNode audit = RunFolder.readJsonOrNull(dir.resolve(RunFolder.AUDIT));
        return run(plan, new RunInputs(data, models(spec), datasetFile, profile, audit), options, progress);
    }

    /** Model name as written in plan.models -> the source model, matching the dataset's model references first. */
    static java.util.function.Function<String, SourceModel> models(DatasetSpec spec) {
        Map<String, SourceModel> loaded = new HashMap<>();
        return name -> loaded.computeIfAbsent(name, n -> {
            for (DatasetSpec.ModelRef ref : spec.models()) {
                if (n.equals(ref.display()) || n.equals(ref.name())) {
                    return io.transferadvisor.model.ModelRegistry.resolve(ref);
                }
            }
            for (DatasetSpec.ModelRef ref : spec.models()) {
                SourceModel m = io.transferadvisor.model.ModelRegistry.resolve(ref);
                if (n.equals(m.name())) {
                    return m;
                }
            }
            return io.transferadvisor.model.ModelRegistry.resolve(new DatasetSpec.ModelRef(n, null, null));
        });
    }

    static Path resolveDataset(Plan plan, Path planFile) {
        if (plan.dataset() == null || plan.dataset().isBlank()) {
            throw new PlanException("plan.dataset missing in " + planFile + "; name the dataset.yaml the plan is for");
        }
        Path d = Path.of(plan.dataset());
        if (!d.isAbsolute()) {
            Path base = planFile.toAbsolutePath().getParent();
            d = base == null ? d.toAbsolutePath() : base.resolve(d);
        }
        return d.normalize();
    }


    /**
     * Runs a plan with data and models given.
     * A fresh run creates the run directory; with {@code options.resume()} the run in that
     * directory continues from its checkpoints.
     */
    public static RunResult run(Plan plan, RunInputs in, ExecuteOptions options, PrintWriter out) {
        Progress progress = new Progress(out, options.interactive());
        try (RunFolder folder = options.resume() != null
                ? RunFolder.resume(options.resume())
                : RunFolder.create(options.output() != null ? options.output() : RunFolder.defaultPath(in.data().spec().name(), plan.strategy()),
                        options.force())) {
            if (folder.note() != null) {
                progress.log(folder.note());
            }
            try {
                return run(plan, in, options, progress, folder);
            } catch (RuntimeException e) {
                if (!WriteHooks.isCrash(e) && !(e instanceof ExecuteOptions.SimulatedKill)) {
                    folder.markFailed(e);
                }
                throw e;
            }
        }
    }

    private static RunResult run(Plan plan, RunInputs in, ExecuteOptions options, Progress progress, RunFolder folder) {
        Plan executed = PlanOverrides.withBackboneRate(plan);
        if (executed != plan) {
            progress.log("backbone learning rate: the plan has 0 but " + executed.strategy() + " trains backbone layers; using headLearningRate/10 = "
                    + executed.hyperparameters().backboneLearningRate() + " (recorded in plan.overrides; pass --backbone-lr to choose)");
        }
        if (options.resume() == null) {
            folder.writeStart(executed, in);
        }
        progress.log("run " + folder.dir() + ": " + executed.strategy() + " (" + executed.strategy().description() + ") on "
                + in.data().spec().name() + " with " + String.join(", ", executed.models()));
        Instant deadline = Instant.now().plusMillis((long) (executed.budgetMinutes() * 60_000));
        RunMetrics metrics = StrategyFamily.of(executed.strategy()).run(executed, in, folder, options, progress, deadline);
        folder.writeFinish(executed, in, metrics);
        progress.log("run finished: test accuracy " + String.format(java.util.Locale.ROOT, "%.4f", metrics.test().accuracy()) + ", macro-F1 "
                + String.format(java.util.Locale.ROOT, "%.4f", metrics.test().macroF1()) + "; report: " + folder.dir().resolve(RunFolder.REPORT));
        return new RunResult(folder.dir(), executed, metrics);
    }


    /**
     * The test metrics of an ENSEMBLE whose members were already run with {@link ExecuteOptions#withTestScores}: their
     * test probabilities averaged exactly as an ENSEMBLE run averages its members'.
     */
    public static io.transferadvisor.report.ClassificationMetrics ensembleTest(java.util.List<float[][]> memberTestScores,
                                                                              io.transferadvisor.dataset.LoadedDataset data) {
        return io.transferadvisor.report.ClassificationMetrics.of(EnsembleTraining.labels(data.test()), EnsembleTraining.average(memberTestScores),
                data.classNames());
    }
}
