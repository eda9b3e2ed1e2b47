package io.transferadvisor.bench.suite;

import io.transferadvisor.bench.suite.SuiteResults.TaskRun;
import io.transferadvisor.bench.suite.SuiteResults.Trial;
import io.transferadvisor.dataset.LoadedDataset;
import io.transferadvisor.execute.ExecuteOptions;
import io.transferadvisor.execute.Executor;
import io.transferadvisor.execute.RunInputs;
import io.transferadvisor.execute.RunResult;
import io.transferadvisor.model.SourceModel;
import io.transferadvisor.plan.Augmentation;
import io.transferadvisor.plan.BatchNormPolicy;
import io.transferadvisor.plan.ClassWeighting;
import io.transferadvisor.plan.HeadType;
import io.transferadvisor.plan.Hyperparameters;
import io.transferadvisor.plan.Plan;
import io.transferadvisor.plan.PlanOverrides;
import io.transferadvisor.plan.Strategy;
import io.transferadvisor.probe.DatasetProfile;
import io.transferadvisor.probe.ProbeOptions;
import io.transferadvisor.report.ClassificationMetrics;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Runs the suite: for every task and seed, draws the task, probes it (timed: the advising cost)
 * and trains every oracle candidate plus whatever the advisor picks, appending each result to
 * {@link SuiteResults} as it is made. What the results already hold is skipped, so a killed suite
 * resumes; a trial is never half-recorded.
 */
public final class SuiteRunner {
    /** Decides the advisor's plan for a probed task (the rules); null = none to add. */
    public interface Advisor extends Function<DatasetProfile, TrialKey> {}

    private final SuiteSpec suite;
    private final Path suiteFile;
    private final SourceModel model;
    private final SuiteResults results;
    private final Path workDir;
    private final Path cacheDir;
    private final Advisor advisor;
    private final boolean modelTrials;

    public SuiteRunner(SuiteSpec suite, Path suiteFile, SourceModel model, SuiteResults results, Path workDir, Path cacheDir, Advisor advisor) {
        this(suite, suiteFile, model, results, workDir, cacheDir, advisor, false);
    }

    /** @param modelTrials also make each run's short trial of this model ({@link #foldTrial}), where the results do not hold it */
    public SuiteRunner(SuiteSpec suite, Path suiteFile, SourceModel model, SuiteResults results, Path workDir, Path cacheDir, Advisor advisor,
                       boolean modelTrials) {
        this.modelTrials = modelTrials;
        this.suite = suite;
        this.suiteFile = suiteFile;
        this.model = model;
        this.results = results;
        this.workDir = workDir;
        this.cacheDir = cacheDir;
        this.advisor = advisor;
    }

    /** " on MODEL" when this runner trains one of the suite's other models (the model-choice runs), else nothing. */
    private String label() {
        return suite.otherModels().contains(model.name()) ? " on " + model.name() : "";
    }

    /** Runs what is missing for one task at one seed. */
    public void run(SuiteSpec.Task task, long seed, PrintWriter log) {
        String h = SuiteTasks.identity(suite, task);
        LoadedDataset data = null;
        TaskRun tr = results.task(task.id(), seed, h).orElse(null);
        if (tr != null && needsReprobe(tr)) {
            log.printf(Locale.ROOT, "[%s s%d] re-probing: the recorded probe ran the measured plan trials, which the probe no longer does%n", task.id() + label(), seed);
            tr = null;
        }
        if (tr == null) {
            data = SuiteTasks.build(suite, task, seed, suiteFile);
            long t0 = System.nanoTime();
            DatasetProfile profile = io.transferadvisor.pipeline.Profiling.run(data, model, ProbeOptions.defaults(seed, cacheDir), new PrintWriter(Writer.nullWriter()));
            double secs = (System.nanoTime() - t0) / 1e9;
            tr = new TaskRun(task.id(), seed, h, data.train().size(), data.validation().size(), data.test().size(), secs, profile);
            results.append(tr);
            log.printf(Locale.ROOT, "[%s s%d] probed in %.1f s: %d train, %d validation, %d test images, similarity %.2f%n", task.id() + label(), seed,
                    secs, tr.trainImages(), tr.validationImages(), tr.testImages(), profile.similarity());
            log.flush();
        }
        Set<TrialKey> keys = new LinkedHashSet<>(TrialKey.oracle(model.profile().candidateCuts()));
        TrialKey advised = advisor == null ? null : advisor.apply(tr.profile());
        if (advised != null) {
            keys.add(advised);
        }
        if (planEnsembles()) {
            TrialKey tinyOnly = TrialKey.tinyLinear(model.profile().candidateCuts());
            for (TrialKey k : TrialKey.planEnsembles(model.profile().candidateCuts())) {
                if (!k.equals(tinyOnly) || tr.profile().size().trainPerClass() < TINY_PER_CLASS) {
                    keys.add(k);
                }
            }
            keys.add(TrialKey.familiarPair(model.profile().candidateCuts()));
        }
        List<TrialKey> todo = new ArrayList<>();
        for (TrialKey k : keys) {
            if (results.trial(task.id(), seed, h, k.id()).isEmpty()) {
                todo.add(k);
            }
        }
        if (todo.isEmpty()) {
            foldTrial(task, seed, h, data, log);
            return;
        }
        if (data == null) {
            data = SuiteTasks.build(suite, task, seed, suiteFile);
        }
        RunInputs in = new RunInputs(data, n -> model, suiteFile.toAbsolutePath().normalize(), null, null);
        // the single plans this call trains (as trials, or again as members of an ensemble recorded later): their test
        // probabilities and seconds, from which an ENSEMBLE of them is scored without training any of them twice
        Map<String, float[][]> scores = new HashMap<>();
        Map<String, Double> seconds = new HashMap<>();
        int i = 0;
        for (TrialKey k : todo) {
            i++;
            if (k.strategy() == Strategy.ENSEMBLE && k.members().stream().noneMatch(m -> m.strategy() == Strategy.ENSEMBLE)) {
                // members this call has not trained (their trials were recorded by an earlier call) are trained again, once, for their
                // test probabilities: the same plan, seed and data, so the same network (checked against the recorded accuracy below);
                // an ensemble added to the suite later then costs its new members, not all of its members again for every ensemble
                for (TrialKey m : k.members()) {
                    if (!scores.containsKey(m.id())) {
                        RunResult r = train(task, seed, m, in, workDir.resolve(task.id() + "-s" + seed + "-" + i + "-" + m.id().hashCode()), scores, seconds);
                        results.trial(task.id(), seed, h, m.id()).ifPresent(t -> {
                            if (t.testCorrect() != correct(r.metrics().test())) {
                                log.printf(Locale.ROOT, "[%s s%d] warning: member %s trained again scored %.4f, its recorded trial %.4f: the ensemble is scored from the new one%n",
                                        task.id() + label(), seed, m.label(), r.metrics().test().accuracy(), t.testAccuracy());
                            }
                        });
                    }
                }
                ClassificationMetrics t = Executor.ensembleTest(k.members().stream().map(m -> scores.get(m.id())).toList(), data);
                double secs = k.members().stream().mapToDouble(m -> seconds.get(m.id())).sum();
                results.append(new Trial(task.id(), seed, h, k.id(), t.accuracy(), correct(t), t.images(), 0, secs));
                log.printf(Locale.ROOT, "[%s s%d] %2d/%d %-36s test %.4f  members' trials averaged (%5.1f s summed)%s%n", task.id() + label(), seed, i,
                        todo.size(), k.label(), t.accuracy(), secs, k.equals(advised) ? "  (advised)" : "");
                log.flush();
                continue;
            }
            RunResult r = train(task, seed, k, in, workDir.resolve(task.id() + "-s" + seed + "-" + i), scores, seconds);
            double secs = seconds.get(k.id());
            var test = r.metrics().test();
            results.append(new Trial(task.id(), seed, h, k.id(), test.accuracy(), correct(test), test.images(), r.metrics().epochsRun(), secs));
            log.printf(Locale.ROOT, "[%s s%d] %2d/%d %-36s test %.4f  %2d epochs  %5.1f s%s  %s%n", task.id() + label(), seed, i, todo.size(), k.label(),
                    test.accuracy(), r.metrics().epochsRun(), secs, k.equals(advised) ? "  (advised)" : "", System.getenv("SUITE_PHASES") != null ? r.metrics().phases() : "");
            log.flush();
        }
        foldTrial(task, seed, h, data, log);
    }

    /** Probabilities below this count as this in the short trial's log loss (a sure wrong answer costs ln 1e7 = 16.1, not infinity). */
    public static final double LOSS_FLOOR = 1e-7;
    /** Folds of the short trial. */
    public static final int FOLDS = 3;

    /** The plan of the short trial: fine-tuning above the model's first candidate cut (a member of every ensemble the rules train). */
    static TrialKey foldTrialKey(List<String> cuts) {
        return new TrialKey(Strategy.FINETUNE_ABOVE, cuts.get(0), 0, HeadType.SOFTMAX);
    }

    /**
     * The run's short trial of this model (docs/design/suite.md, "A short trial of each model"), unless recorded or not asked for:
     * {@link #FOLDS}-fold cross-validation of {@link #foldTrialKey} over the run's training images, the validation images kept for
     * early stopping, each held fold scored by the network trained on the others.
     */
    private void foldTrial(SuiteSpec.Task task, long seed, String h, LoadedDataset loaded, PrintWriter log) {
        if (!modelTrials || results.foldTrial(task.id(), seed, h).isPresent()) {
            return;
        }
        LoadedDataset data = loaded != null ? loaded : SuiteTasks.build(suite, task, seed, suiteFile);
        TrialKey k = foldTrialKey(model.profile().candidateCuts());
        int[][] folds = folds(data.train(), FOLDS, seed);
        int n = data.train().size();
        float[][] oof = new float[n][];
        long t0 = System.nanoTime();
        for (int fi = 0; fi < folds.length; fi++) {
            final int f = fi;
            int[] held = folds[f];
            int[] rest = java.util.stream.IntStream.range(0, folds.length).filter(g -> g != f).flatMap(g -> java.util.Arrays.stream(folds[g])).sorted().toArray();
            LoadedDataset fold = new LoadedDataset(data.spec(), data.train().subset(rest), data.validation(), data.train().subset(held),
                    java.util.Optional.empty(), data.contentHash() + "|fold" + f + "of" + folds.length, List.of());
            RunInputs in = new RunInputs(fold, m -> model, suiteFile.toAbsolutePath().normalize(), null, null);
            Path dir = workDir.resolve(task.id() + "-s" + seed + "-fold" + f);
            float[][][] got = new float[1][][];
            Executor.run(plan(task, seed, k), in, ExecuteOptions.defaults().withOutput(dir).withForce(true).withCacheDir(cacheDir)
                    .withCheckpoints(false).withTestScores(sc -> got[0] = sc), new PrintWriter(Writer.nullWriter()));
            io.transferadvisor.util.Trees.deleteTree(dir);
            for (int i = 0; i < held.length; i++) {
                oof[held[i]] = got[0][i];
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = data.train().label(i);
        }
        double[] score = outOfFold(oof, labels);
        int correct = (int) Math.round(score[0] * n);
        results.append(new SuiteResults.FoldTrial(task.id(), seed, h, k.id(), folds.length, n, correct, score[0], score[1], secs));
        log.printf(Locale.ROOT, "[%s s%d] short trial %s, %d folds: out-of-fold accuracy %.4f, log loss %.4f  %5.1f s%n", task.id() + label(), seed,
                k.label(), folds.length, score[0], score[1], secs);
        log.flush();
    }

    /**
     * {@code k} folds of a labelled set, stratified: each class's images shuffled with {@code seed} and dealt to the folds in turn, so
     * every fold holds each class as evenly as its count allows (and every image is in exactly one fold). Fewer folds when the set has
     * fewer images than {@code k}. Each fold's indices ascending.
     */
    static int[][] folds(io.transferadvisor.dataset.ImageSet set, int k, long seed) {
        int folds = Math.max(1, Math.min(k, set.size()));
        List<List<Integer>> out = new ArrayList<>();
        for (int f = 0; f < folds; f++) {
            out.add(new ArrayList<>());
        }
        java.util.Random rnd = new java.util.Random(seed);
        int next = 0;
        for (int c = 0; c < set.classNames().size(); c++) {
            List<Integer> members = new ArrayList<>();
            for (int i = 0; i < set.size(); i++) {
                if (set.label(i) == c) {
                    members.add(i);
                }
            }
            java.util.Collections.shuffle(members, rnd);
            for (int i : members) {
                out.get(next).add(i); // continuing the deal across classes keeps the folds' sizes within one of each other
                next = (next + 1) % folds;
            }
        }
        return out.stream().map(l -> l.stream().mapToInt(Integer::intValue).sorted().toArray()).toArray(int[][]::new);
    }

    /** [accuracy, mean log loss of the true class (probabilities floored at LOSS_FLOOR)] of out-of-fold class probabilities. */
    static double[] outOfFold(float[][] probabilities, int[] labels) {
        int correct = 0;
        double loss = 0;
        for (int i = 0; i < labels.length; i++) {
            float[] p = probabilities[i];
            if (ClassificationMetrics.argMax(p) == labels[i]) {
                correct++;
            }
            loss -= Math.log(Math.max(LOSS_FLOOR, p[labels[i]]));
        }
        return new double[] {(double) correct / labels.length, loss / labels.length};
    }

    /**
     * Trains one trial plan in {@code dir} (deleted after), without checkpoints, and records its seconds; a single plan also hands
     * its test probabilities to {@code scores}, so an ENSEMBLE of it is scored from them. The one place a suite trial is trained.
     */
    private RunResult train(SuiteSpec.Task task, long seed, TrialKey k, RunInputs in, Path dir, Map<String, float[][]> scores, Map<String, Double> seconds) {
        long t0 = System.nanoTime();
        ExecuteOptions opts = ExecuteOptions.defaults().withOutput(dir).withForce(true).withCacheDir(cacheDir).withCheckpoints(false);
        if (k.strategy() != Strategy.ENSEMBLE) {
            opts = opts.withTestScores(sc -> scores.put(k.id(), sc));
        }
        RunResult r = Executor.run(plan(task, seed, k), in, opts, new PrintWriter(Writer.nullWriter()));
        seconds.put(k.id(), (System.nanoTime() - t0) / 1e9);
        io.transferadvisor.util.Trees.deleteTree(dir);
        return r;
    }

    /** Correct test images, from the accuracy the metrics keep. */
    private static int correct(ClassificationMetrics m) {
        return (int) Math.round(m.accuracy() * m.images());
    }

    /**
     * A run probed while the probe still trained its measured plan trials (before 2026-11-30): probe
     * it again, so its advising cost is what the probe costs now (the new record supersedes the old;
     * the oracle trials, keyed by the task hash, stay).
     */
    boolean needsReprobe(TaskRun tr) {
        return !tr.profile().trials().isEmpty();
    }

    /** Training images per class below which data is TINY: rules/thresholds.csv size.small.perClass (EnsemblePlansRulesTest checks they agree); the report splits the ensembles' table there. */
    public static final int TINY_PER_CLASS = 20;

    /**
     * Whether every run also trains the ensembles of one model's plans (TrialKey#planEnsembles), with
     * every model: on a model with three or more candidate cuts (what guards.drl ensemble-plans asks
     * for). Until 2026-11-30 only runs under TINY_PER_CLASS trained them.
     */
    boolean planEnsembles() {
        return model.profile().candidateCuts().size() >= 3;
    }

    /**
     * The trial plan: the key's strategy, cut, growth and head under the suite's one recipe and the
     * task's epoch cap; for an ensemble key, an ENSEMBLE plan of its members' trial plans.
     */
    Plan plan(SuiteSpec.Task task, long seed, TrialKey k) {
        if (k.strategy() == Strategy.ENSEMBLE) {
            List<Plan> members = k.members().stream().map(m -> plan(task, seed, m)).toList();
            Plan first = members.get(0);
            return new Plan(Plan.SCHEMA_VERSION, first.dataset(), members.stream().map(m -> m.models().get(0)).distinct().toList(), Strategy.ENSEMBLE, null,
                    HeadType.SOFTMAX, 0, first.hyperparameters(), null, members, seed, first.budgetMinutes(), List.of("bench suite: " + k.label()));
        }
        SuiteSpec.Recipe r = suite.recipe();
        boolean backbone = PlanOverrides.usesBackboneRate(k.strategy());
        Hyperparameters hp = new Hyperparameters(r.headLr(), backbone ? r.backboneLr() : 0.0, task.epochs(), Math.min(r.patience(), task.epochs()),
                r.batch(), r.weightDecay(), BatchNormPolicy.FROZEN, Augmentation.NONE, ClassWeighting.NONE);
        Strategy s = k.strategy();
        return new Plan(Plan.SCHEMA_VERSION, suiteFile.toString(), List.of(model.name()), s, k.cut(), k.head() == null ? HeadType.SOFTMAX : k.head(),
                k.grow(), hp, null, List.of(), seed, 600, List.of("bench suite: " + k.label()));
    }
}
