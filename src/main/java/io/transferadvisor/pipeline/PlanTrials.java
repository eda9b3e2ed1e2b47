package io.transferadvisor.pipeline;

import io.transferadvisor.dataset.ImageSet;
import io.transferadvisor.dataset.JoinedImageSet;
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
import io.transferadvisor.probe.DatasetProfile.Estimate;
import io.transferadvisor.probe.ProbeOptions;
import io.transferadvisor.probe.DatasetProfile.PlanTrial;
import io.transferadvisor.util.Trees;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Measured plan trials: where the size x similarity matrix has too little data to go on, train the
 * candidate plans it cannot tell apart and let the held-out accuracy speak. The labelled training
 * and validation images are pooled and split into {@value #FOLDS} stratified folds; each candidate
 * trains on one fold (early stopping on the other) and is scored on the other, so every image is
 * scored once per candidate. The candidates are generic, never layer names: fine-tuning above the
 * first candidate cut (what the rules pick for TINY data) and growing one new block on frozen
 * features at the middle candidate cut (what won the suite's shapes and glyph tasks).
 * The rules decide what to make of the accuracies (guards.drl, threshold trial.margin). It trains
 * networks, so it lives here, above probe/ (which only reads them) and execute/ (which trains).
 */
public final class PlanTrials {
    private PlanTrials() {}

    /** Trials run below this many training images per class: above it a trial costs more than it can buy (see docs/design/suite.md). */
    public static final int MAX_PER_CLASS = 20;
    public static final int FOLDS = 2;
    /** The trial recipe: the rules' TINY recipe (hyperparameters.drl lr-finetune-small-data) with a short epoch cap. */
    static final double HEAD_LR = 1e-2;
    static final double BACKBONE_LR = 1e-3;
    static final int BATCH = 16;
    static final double WEIGHT_DECAY = 5e-4;
    public static final int EPOCHS = 20;
    static final int PATIENCE = 6;

    /**
     * The trials' wall-time cap: a tenth of the dataset's training budget, and at least a minute.
     * fmnist-cnn's trials take 4-20 s on 2 cores; a 224x224 zoo network fine-tuned from its first cut
     * would take many minutes, and the trials are advice, not the run: past the cap they stop and
     * leave the decision to the matrix.
     */
    public static final double BUDGET_SHARE = 0.10;
    public static final double MIN_CAP_SECONDS = 60;

    public static double capSeconds(io.transferadvisor.dataset.DatasetSpec.Budget budget) {
        return Math.max(MIN_CAP_SECONDS, budget == null ? 0 : BUDGET_SHARE * budget.minutes() * 60);
    }

    /** A candidate plan of the trial. */
    public record Candidate(Strategy strategy, String cut, int grow) {
        String label() {
            return strategy + " " + cut + (grow > 0 ? " +" + grow : "");
        }
    }

    /** Whether the probe runs trials on this data: enough classes and cuts, and few images per class. */
    public static boolean applies(LoadedDataset data, List<String> cuts) {
        return applies(data.train().size(), data.train().classNames().size(), cuts);
    }

    /** The same test on counts alone (the suite asks it of a recorded run without loading its images). */
    public static boolean applies(int trainImages, int classes, List<String> cuts) {
        return cuts.size() >= 2 && classes >= 2 && (double) trainImages / classes < MAX_PER_CLASS;
    }

    /** The candidates for a model's candidate cuts (input side first). */
    public static List<Candidate> candidates(List<String> cuts) {
        return List.of(new Candidate(Strategy.FINETUNE_ABOVE, cuts.get(0), 0),
                new Candidate(Strategy.TRUNCATE_GROW, cuts.get(cuts.size() / 2), 1));
    }

    /**
     * Runs every candidate over the folds; deterministic for a seed. Returns no trials at all when
     * they did not fit in capSeconds (a fold stopped by its time budget is not a measurement).
     */
    public static List<PlanTrial> run(LoadedDataset data, SourceModel model, ProbeOptions options, PrintWriter log, double capSeconds) {
        long deadline = System.nanoTime() + (long) (capSeconds * 1e9);
        ImageSet pool = new JoinedImageSet(data.train(), data.validation());
        int[][] folds = folds(pool, FOLDS, options.seed());
        List<PlanTrial> out = new ArrayList<>();
        Path tmp;
        try {
            tmp = Files.createTempDirectory("advisor-trial");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary folder for the plan trials: " + e.getMessage(), e);
        }
        try {
            for (Candidate c : candidates(model.profile().candidateCuts())) {
                long t0 = System.nanoTime();
                int correct = 0;
                int scored = 0;
                for (int f = 0; f < folds.length; f++) {
                    int[] trainIdx = others(folds, f);
                    ImageSet held = pool.subset(folds[f]);
                    LoadedDataset part = new LoadedDataset(data.spec(), pool.subset(trainIdx), held, held, java.util.Optional.empty(),
                            data.contentHash(), List.of());
                    RunInputs in = new RunInputs(part, n -> model, null, null, null);
                    Path dir = tmp.resolve("t" + out.size() + "-f" + f);
                    double leftMinutes = (deadline - System.nanoTime()) / 6e10;
                    if (leftMinutes <= 0) {
                        return stopped(log, capSeconds);
                    }
                    RunResult r;
                    try {
                        r = Executor.run(plan(data, model, c, options.seed(), leftMinutes), in,
                                ExecuteOptions.defaults().withOutput(dir).withForce(true).withCacheDir(options.cacheRoot()).withCheckpoints(false).withSaveModel(false),
                                new PrintWriter(Writer.nullWriter()));
                    } catch (io.transferadvisor.execute.BudgetExceededException e) {
                        return stopped(log, capSeconds);
                    }
                    String stop = r.metrics().stopReason();
                    if (stop != null && stop.startsWith("budget")) {
                        return stopped(log, capSeconds);
                    }
                    var test = r.metrics().test();
                    correct += (int) Math.round(test.accuracy() * test.images());
                    scored += test.images();
                    Trees.deleteTree(dir);
                }
                PlanTrial t = new PlanTrial(c.strategy().name(), c.cut(), c.grow(), wilson(correct, scored), scored, FOLDS, EPOCHS);
                out.add(t);
                if (log != null) {
                    log.printf(java.util.Locale.ROOT, "probe: plan trial %s: %.3f [%.3f, %.3f] on %d held-out images (%d folds, %.1f s)%n",
                            c.label(), t.accuracy().value(), t.accuracy().low(), t.accuracy().high(), scored, FOLDS, (System.nanoTime() - t0) / 1e9);
                }
            }
        } finally {
            Trees.deleteTree(tmp);
        }
        return out;
    }

    private static List<PlanTrial> stopped(PrintWriter log, double capSeconds) {
        if (log != null) {
            log.printf(java.util.Locale.ROOT, "probe: plan trials stopped at their %.0f s cap (%.0f%% of the dataset's time budget, at least %.0f s); "
                    + "none is recorded, so the rules decide from the size x similarity matrix alone%n", capSeconds, BUDGET_SHARE * 100, MIN_CAP_SECONDS);
        }
        return List.of();
    }

    static Plan plan(LoadedDataset data, SourceModel model, Candidate c, long seed, double budgetMinutes) {
        boolean backbone = PlanOverrides.usesBackboneRate(c.strategy());
        Hyperparameters hp = new Hyperparameters(HEAD_LR, backbone ? BACKBONE_LR : 0.0, EPOCHS, PATIENCE, BATCH, WEIGHT_DECAY,
                BatchNormPolicy.FROZEN, Augmentation.NONE, ClassWeighting.NONE);
        return new Plan(Plan.SCHEMA_VERSION, data.spec().name(), List.of(model.name()), c.strategy(), c.cut(), HeadType.SOFTMAX, c.grow(), hp,
                null, List.of(), seed, budgetMinutes, List.of("plan trial: " + c.label()));
    }

    /** Stratified folds: each class's images shuffled with the seed and dealt round-robin, so every fold has every class with two or more images. */
    static int[][] folds(ImageSet pool, int k, long seed) {
        int classes = pool.classNames().size();
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < pool.size(); i++) {
            byClass.get(pool.label(i)).add(i);
        }
        List<List<Integer>> folds = new ArrayList<>();
        for (int f = 0; f < k; f++) {
            folds.add(new ArrayList<>());
        }
        Random rnd = new Random(seed * 31 + 7);
        int next = 0;
        for (List<Integer> members : byClass) {
            java.util.Collections.shuffle(members, rnd);
            for (int i : members) {
                folds.get(next % k).add(i);
                next++;
            }
        }
        int[][] out = new int[k][];
        for (int f = 0; f < k; f++) {
            out[f] = folds.get(f).stream().sorted().mapToInt(Integer::intValue).toArray();
        }
        return out;
    }

    private static int[] others(int[][] folds, int f) {
        return java.util.stream.IntStream.range(0, folds.length).filter(g -> g != f).flatMap(g -> java.util.Arrays.stream(folds[g])).sorted().toArray();
    }

    /** The pooled accuracy with its 95% Wilson interval. */
    public static Estimate wilson(int correct, int n) {
        double p = (double) correct / n;
        double[] w = io.transferadvisor.util.Probabilities.wilson(p, n);
        return new Estimate(p, Math.min(p, w[0]), Math.max(p, w[1]));
    }
}
