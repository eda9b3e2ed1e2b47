package io.transferadvisor.execute;


import com.fasterxml.jackson.databind.JsonNode;
import io.transferadvisor.dataset.DatasetSpec;
import io.transferadvisor.dataset.ImageSet;
import io.transferadvisor.dataset.InputGeometry;
import io.transferadvisor.dataset.LoadedDataset;
import io.transferadvisor.model.SourceModel;
import io.transferadvisor.plan.BatchNormPolicy;
import io.transferadvisor.plan.ClassWeighting;
import io.transferadvisor.plan.HeadType;
import io.transferadvisor.plan.Hyperparameters;
import io.transferadvisor.plan.Plan;
import io.transferadvisor.plan.PlanException;
import io.transferadvisor.plan.Strategy;
import io.transferadvisor.report.ClassificationMetrics;
import io.transferadvisor.report.RunMetrics;
import io.transferadvisor.util.WriteHooks;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;

import static io.transferadvisor.execute.FrozenFeatureTraining.*;
import static io.transferadvisor.execute.FineTuneTraining.*;
import static io.transferadvisor.execute.AutoencoderTraining.*;

/**
 * Carries out a plan: builds the network for its strategy with DL4J's TransferLearning API,
 * trains it (frozen features cached), evaluates it and writes the run directory.
 * <p>
 * Why over 400 lines: this is the orchestration (fresh, resumed, single and ensemble runs, the
 * time budget, evaluation, the run folder) plus the context and the training loop the strategy
 * families share. The families themselves are FrozenFeatureTraining, FineTuneTraining and
 * AutoencoderTraining.
 */
public final class Executor {
    private Executor() {}

    public static final String MODEL_FILE = "model.zip";
    public static final String ENSEMBLE_FILE = "ensemble.json";
    /** Images used to re-estimate batch-norm statistics (RECALIBRATE). */
    static final int RECALIBRATION_IMAGES = 2048;

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
        LoadedDataset data = io.transferadvisor.dataset.DatasetLoader.load(spec);
        Path absolute = planFile.toAbsolutePath();
        io.transferadvisor.plan.PlanIO.checkAudit(planFile, io.transferadvisor.plan.PlanPaths.auditOf(absolute));
        JsonNode profile = RunFolder.readJsonOrNull(io.transferadvisor.plan.PlanPaths.profileOf(absolute));
        JsonNode audit = RunFolder.readJsonOrNull(io.transferadvisor.plan.PlanPaths.auditOf(absolute));
        return run(plan, new RunInputs(data, models(spec), datasetFile, profile, audit), options, progress);
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
        RunMetrics metrics;
        if (executed.strategy() == Strategy.ENSEMBLE) {
            metrics = runEnsemble(executed, in, folder, options, progress, deadline);
        } else {
            Single s = runSingle(executed, in, folder, options, progress, deadline);
            metrics = s.metrics();
        }
        folder.writeFinish(executed, in, metrics);
        progress.log("run finished: test accuracy " + String.format(java.util.Locale.ROOT, "%.4f", metrics.test().accuracy()) + ", macro-F1 "
                + String.format(java.util.Locale.ROOT, "%.4f", metrics.test().macroF1()) + "; report: " + folder.dir().resolve(RunFolder.REPORT));
        return new RunResult(folder.dir(), executed, metrics);
    }

    /** Outcome of one single-model plan. */
    record Single(ComputationGraph model, float[][] validationScores, float[][] testScores, RunMetrics metrics) {}

    private static RunMetrics runEnsemble(Plan plan, RunInputs in, RunFolder folder, ExecuteOptions options, Progress progress,
                                          Instant deadline) {
        List<Plan> members = plan.ensembleMembers();
        List<float[][]> val = new ArrayList<>();
        List<float[][]> test = new ArrayList<>();
        List<RunMetrics.Member> rows = new ArrayList<>();
        Map<String, Double> phases = new LinkedHashMap<>();
        long start = System.nanoTime();
        for (int i = 0; i < members.size(); i++) {
            Plan m = members.get(i);
            if (m.strategy() == Strategy.ENSEMBLE) {
                throw new PlanException("plan.ensembleMembers[" + i + "] is itself an ENSEMBLE; members must be single-model plans");
            }
            String name = "member-" + (i + 1);
            RunFolder sub = folder.member(name, options.resume() != null);
            if (options.resume() == null) {
                sub.writeStart(m, in);
            }
            long left = deadline.toEpochMilli() - System.currentTimeMillis();
            Instant memberDeadline = Instant.now().plusMillis(left / (members.size() - i));
            progress.log("ensemble member " + (i + 1) + "/" + members.size() + ": " + m.strategy() + " on " + m.models().get(0));
            Single s = runSingle(m, in, sub, options, progress, memberDeadline);
            sub.writeFinish(m, in, s.metrics());
            val.add(s.validationScores());
            test.add(s.testScores());
            rows.add(new RunMetrics.Member(name, m.models().get(0), m.strategy().name(), s.metrics().validation().accuracy(),
                    s.metrics().test().accuracy()));
            phases.put(name, s.metrics().phases().values().stream().mapToDouble(Double::doubleValue).sum());
        }
        List<String> classes = in.data().classNames();
        ClassificationMetrics v = ClassificationMetrics.of(in.data().validation() == null ? new int[0] : labels(in.data().validation()),
                average(val), classes);
        ClassificationMetrics t = ClassificationMetrics.of(labels(in.data().test()), average(test), classes);
        folder.writeEnsemble(rows);
        phases.put("total", (System.nanoTime() - start) / 1e9);
        return new RunMetrics(in.data().spec().name(), plan.models(), plan.strategy().name(), classes, v, t, 0, 0,
                "members finished", phases, 0, null, Map.of(),
                List.of("probabilities of " + members.size() + " members averaged (SVM scores softmaxed first)"), rows);
    }

    static float[][] average(List<float[][]> all) {
        int n = all.get(0).length;
        int k = n == 0 ? 0 : all.get(0)[0].length;
        float[][] out = new float[n][k];
        for (float[][] m : all) {
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < k; c++) {
                    out[i][c] += m[i][c] / all.size();
                }
            }
        }
        return out;
    }

    static int[] labels(ImageSet set) {
        int[] l = new int[set.size()];
        for (int i = 0; i < l.length; i++) {
            l[i] = set.label(i);
        }
        return l;
    }

    /** Input geometry of a run: the spec's, or the model's own. */
    static InputGeometry geometry(DatasetSpec spec, SourceModel model) {
        return spec.input() != null ? spec.input() : model.profile().input();
    }

    /** Everything one single-model execution needs while it runs. */
    static final class Ctx {
        final Plan plan;
        final Hyperparameters hp;
        final RunInputs in;
        final RunFolder folder;
        final ExecuteOptions options;
        final Progress progress;
        final Instant deadline;
        final Map<String, Double> phases = new LinkedHashMap<>();
        final Map<String, List<RunMetrics.EpochRow>> history = new LinkedHashMap<>();
        final List<String> notes = new ArrayList<>();
        RunMetrics.CacheUse cache;
        TrainerState last;
        SourceModel source;
        InputGeometry geometry;
        InputType inputType;
        int classes;
        double[] classWeights;
        TrainData train;
        TrainData validation;
        TrainData test;
        long clock = System.nanoTime();

        Ctx(Plan plan, RunInputs in, RunFolder folder, ExecuteOptions options, Progress progress, Instant deadline) {
            this.plan = plan;
            this.hp = plan.hyperparameters();
            this.in = in;
            this.folder = folder;
            this.options = options;
            this.progress = progress;
            this.deadline = deadline;
        }

        void lap(String phase) {
            long now = System.nanoTime();
            phases.merge(phase, (now - clock) / 1e9, Double::sum);
            clock = now;
        }

        LoadedDataset data() {
            return in.data();
        }
    }

    static Single runSingle(Plan plan, RunInputs in, RunFolder folder, ExecuteOptions options, Progress progress, Instant deadline) {
        Ctx c = new Ctx(plan, in, folder, options, progress, deadline);
        if (plan.models().size() != 1) {
            throw new PlanException("plan.models has " + plan.models().size() + " models; " + plan.strategy()
                    + " uses exactly one (use ENSEMBLE for several)");
        }
        c.source = in.models().apply(plan.models().get(0));
        ComputationGraph source = c.source.load();
        c.geometry = geometry(in.data().spec(), c.source);
        c.inputType = InputType.convolutional(c.geometry.height(), c.geometry.width(), c.geometry.channels());
        c.classes = in.data().classNames().size();
        if (c.classes < 2) {
            throw new io.transferadvisor.dataset.DatasetException("dataset " + in.data().spec().name() + " has " + c.classes
                    + " class; a classifier needs at least 2");
        }
        in.data().skippedSummary().ifPresent(c.notes::add);
        c.classWeights = plan.hyperparameters().classWeighting() == ClassWeighting.INVERSE_FREQUENCY
                ? inverseFrequency(in.data().train().classCounts()) : null;
        if (c.classWeights != null) {
            c.notes.add("class weights (inverse frequency, mean 1): " + java.util.Arrays.toString(round(c.classWeights)));
        }
        progress.log("loading images (" + in.data().train().size() + " train, " + in.data().validation().size() + " validation, "
                + in.data().test().size() + " test) at " + c.geometry);
        c.train = TrainData.load(shuffled(in.data().train(), plan.seed()), c.geometry);
        c.validation = TrainData.load(in.data().validation(), c.geometry);
        c.test = TrainData.load(in.data().test(), c.geometry);
        c.lap("load");

        ComputationGraph model = switch (plan.strategy()) {
            case LINEAR_FROZEN, LINEAR_EARLIER, TRUNCATE_GROW -> frozenFeatures(c, source);
            case FINETUNE_ABOVE, FINETUNE_ALL, FROM_SCRATCH -> fineTune(c, source, plan.strategy());
            case AUTOENCODER_TRANSFER -> autoencoder(c, source);
            case ENSEMBLE -> throw new IllegalStateException("ENSEMBLE is run by its members");
        };

        float[][] valScores = scores(model, c.validation, plan.head());
        float[][] testScores = scores(model, c.test, plan.head());
        ClassificationMetrics v = ClassificationMetrics.of(c.validation.labels(), valScores, in.data().classNames());
        ClassificationMetrics t = ClassificationMetrics.of(c.test.labels(), testScores, in.data().classNames());
        c.lap("evaluate");
        if (options.saveModel()) {
            ModelFile.write(model, folder.dir().resolve(MODEL_FILE), in.data().classNames(), c.geometry);
        }
        c.lap("save");
        TrainerState last = c.last;
        double ips = last == null || last.seconds() <= 0 ? 0 : (double) c.train.size() * last.epochsDone() / last.seconds();
        RunMetrics m = new RunMetrics(in.data().spec().name(), plan.models(), plan.strategy().name(), in.data().classNames(),
                v, t, last == null ? 0 : last.epochsDone(), last == null ? 0 : last.bestEpoch(),
                last == null ? null : last.stopReason(), c.phases, ips, c.cache, c.history, c.notes, List.of());
        return new Single(model, valScores, testScores, m);
    }

    static double[] round(double[] w) {
        double[] r = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            r[i] = Math.round(w[i] * 1000) / 1000.0;
        }
        return r;
    }

    /** w_c = n / (k * n_c), normalised to mean 1 over the classes present; absent classes get 1. */
    public static double[] inverseFrequency(int[] counts) {
        int k = counts.length;
        long n = 0;
        for (int c : counts) {
            n += c;
        }
        double[] w = new double[k];
        double sum = 0;
        int present = 0;
        for (int c = 0; c < k; c++) {
            if (counts[c] > 0) {
                w[c] = (double) n / ((double) k * counts[c]);
                sum += w[c];
                present++;
            }
        }
        double mean = present == 0 ? 1 : sum / present;
        for (int c = 0; c < k; c++) {
            w[c] = counts[c] > 0 ? w[c] / mean : 1.0;
        }
        return w;
    }

    /** The training set in a seeded random order (so the first images of it are a fair sample). */
    static ImageSet shuffled(ImageSet set, long seed) {
        return set.subset(io.transferadvisor.util.Shuffle.permutation(set.size(), new java.util.Random(seed)));
    }

    /** Class scores of a network on data, as probabilities (SVM scores go through a softmax). */
    static float[][] scores(ComputationGraph net, TrainData data, HeadType head) {
        int n = data.size();
        float[][] out = new float[n][];
        for (int from = 0; from < n; from += 256) {
            int to = Math.min(n, from + 256);
            INDArray o = net.output(false, data.slice(from, to))[0].castTo(DataType.FLOAT);
            if (head == HeadType.SVM) {
                o = Nd4j.exec(new org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax(o.dup(), 1))[0];
            }
            for (int i = 0; i < to - from; i++) {
                out[from + i] = o.getRow(i).toFloatVector();
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ strategies

    /** A layer the executor adds; {@code input} names its input vertex ({@link #CUT} = the cut layer). */
    record NewLayer(String name, Layer conf, String input) {}

    static final String CUT = "$cut";

    static IUpdater adam(double lr) {
        return new Adam(lr);
    }

    /** Checks the cutoff against the model and returns it. */
    static String cutoff(Ctx c, ComputationGraph g) {
        String cut = c.plan.cutoffLayer();
        Networks.requireLayer(g.getConfiguration(), cut, c.source.name(), c.source.profile().candidateCuts());
        return cut;
    }

    /** RECALIBRATE: re-estimate BN statistics of the source network on the target training images. */
    static boolean maybeRecalibrate(Ctx c, ComputationGraph g) {
        if (c.hp.batchNorm() != BatchNormPolicy.RECALIBRATE) {
            return false;
        }
        List<String> changed = BatchNorms.recalibrate(g, c.train, RECALIBRATION_IMAGES, Math.max(64, c.hp.batchSize()));
        c.notes.add("batch norm recalibrated on " + Math.min(RECALIBRATION_IMAGES, c.train.size()) + " target images: "
                + String.join(", ", changed));
        c.progress.log("recalibrated " + changed.size() + " batch-norm layers on target images");
        c.lap("recalibrate");
        return !changed.isEmpty();
    }

    static Trainer.Labels labelsFor(HeadType head) {
        return head == HeadType.SVM ? Trainer.Labels.PLUS_MINUS_ONE : Trainer.Labels.ONE_HOT;
    }

    static ComputationGraph train(Ctx c, String phase, ComputationGraph net, TrainData train, TrainData val,
                                          Trainer.Labels labels, io.transferadvisor.plan.Augmentation aug) {
        return train(c, phase, net, train, val, labels, aug, c.hp.maxEpochs(), c.deadline);
    }

    static ComputationGraph train(Ctx c, String phase, ComputationGraph net, TrainData train, TrainData val,
                                          Trainer.Labels labels, io.transferadvisor.plan.Augmentation aug, int maxEpochs, Instant deadline) {
        double[] exampleWeights = labels == Trainer.Labels.PLUS_MINUS_ONE ? c.classWeights : null;
        Trainer.Config cfg = new Trainer.Config(phase, c.classes, labels, c.hp.batchSize(), maxEpochs,
                Math.min(c.hp.patience(), maxEpochs), c.plan.seed(), aug, exampleWeights, deadline, c.options.stopAfterEpochs(),
                c.options.checkpointSeconds());
        c.progress.log(phase + ": " + train.size() + " examples of shape " + java.util.Arrays.toString(train.rowShape()) + ", "
                + net.numParams() + " parameters (" + trainableParams(net) + " trainable), batch " + c.hp.batchSize()
                + ", up to " + maxEpochs + " epochs");
        Trainer.Outcome o = Trainer.train(net, train, val, cfg, c.options.checkpoints() ? c.folder.checkpoints() : null, c.progress);
        c.progress.endStep();
        c.last = o.state();
        List<RunMetrics.EpochRow> rows = new ArrayList<>();
        for (TrainerState.Epoch e : o.state().history()) {
            rows.add(new RunMetrics.EpochRow(e.epoch(), e.trainLoss(), e.validationLoss(), e.validationAccuracy(), e.seconds(),
                    e.imagesPerSecond()));
        }
        c.history.put(phase, rows);
        c.lap(phase);
        return o.net();
    }

    static long trainableParams(ComputationGraph net) {
        long n = 0;
        for (String v : net.getConfiguration().getVertices().keySet()) {
            var l = net.getLayer(v);
            if (l != null && !Networks.isFrozenRuntime(net, v)) {
                n += l.numParams();
            }
        }
        return n;
    }
}
