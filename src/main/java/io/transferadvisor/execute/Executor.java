package io.transferadvisor.execute;

import io.transferadvisor.features.FeatureCache;
import io.transferadvisor.features.Pooling;

import com.fasterxml.jackson.databind.JsonNode;
import io.transferadvisor.dataset.DatasetSpec;
import io.transferadvisor.dataset.ImageSet;
import io.transferadvisor.dataset.InputGeometry;
import io.transferadvisor.dataset.LoadedDataset;
import io.transferadvisor.model.ModelException;
import io.transferadvisor.model.ModelProfile;
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
import io.transferadvisor.util.AtomicFiles;
import io.transferadvisor.util.Hashing;
import io.transferadvisor.util.Home;
import io.transferadvisor.util.WriteHooks;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.transferlearning.FineTuneConfiguration;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * Carries out a plan: builds the network for its strategy with DL4J's TransferLearning API,
 * trains it (frozen features cached), evaluates it and writes the run directory.
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
        io.transferadvisor.plan.PlanIO.checkAudit(planFile, sibling(planFile, ".audit.json"));
        JsonNode profile = RunFolder.readJsonOrNull(sibling(planFile, ".profile.json"));
        JsonNode audit = RunFolder.readJsonOrNull(sibling(planFile, ".audit.json"));
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

    /** plan.yaml -> plan.profile.json (same base name). */
    static Path sibling(Path planFile, String suffix) {
        String name = planFile.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String base = dot > 0 ? name.substring(0, dot) : name;
        return planFile.toAbsolutePath().resolveSibling(base + suffix);
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
    private static final class Ctx {
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

    private static double[] round(double[] w) {
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
        return set.subset(Trainer.permutation(set.size(), new java.util.Random(seed)));
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

    private static IUpdater adam(double lr) {
        return new Adam(lr);
    }

    /** Checks the cutoff against the model and returns it. */
    static String cutoff(Ctx c, ComputationGraph g) {
        String cut = c.plan.cutoffLayer();
        Networks.requireLayer(g.getConfiguration(), cut, c.source.name(), c.source.profile().candidateCuts());
        return cut;
    }

    /** RECALIBRATE: re-estimate BN statistics of the source network on the target training images. */
    private static boolean maybeRecalibrate(Ctx c, ComputationGraph g) {
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

    /** LINEAR_FROZEN, LINEAR_EARLIER and TRUNCATE_GROW: train new layers on cached frozen features. */
    private static ComputationGraph frozenFeatures(Ctx c, ComputationGraph source) {
        String cut = cutoff(c, source);
        boolean recalibrated = maybeRecalibrate(c, source);
        ComputationGraphConfiguration conf = source.getConfiguration();
        InputType cutType = Networks.typeOf(conf, c.inputType, cut);
        boolean spatial = cutType instanceof InputType.InputTypeConvolutional;
        boolean grow = c.plan.strategy() == Strategy.TRUNCATE_GROW;
        List<NewLayer> top = grow ? growLayers(c, conf, cutType) : linearLayers(c, conf, cutType);
        String head = top.get(top.size() - 1).name();
        Pooling pooling = grow || !spatial ? Pooling.NONE : Pooling.AVG;
        if (!grow && !spatial) {
            pooling = Pooling.AVG; // identity for [n, d] activations; shares the probe's cache entries
        }

        ComputationGraph assembled = assemble(source, cut, top, head, c.inputType);
        if (c.hp.augmentation().enabled()) {
            c.notes.add("augmentation not applied: the frozen features are computed once from the original images");
        }
        if (!c.options.featureCache()) {
            c.notes.add("feature cache off: the frozen layers run forward every epoch");
            c.lap("build");
            ComputationGraph trained = train(c, "train", assembled, c.train, c.validation, labelsFor(c.plan.head()), null);
            return trained;
        }

        // Frozen features: computed once (cached on disk, shared with the probe), reused every epoch.
        String modelId = featureModelId(c, recalibrated);
        FeatureCache cache = new FeatureCache(c.options.cacheDir() != null ? c.options.cacheDir() : Home.cache());
        FeatureCache.Request req = new FeatureCache.Request(cut, pooling);
        int bs = Math.max(64, c.hp.batchSize());
        c.progress.log("frozen features at " + cut + " (" + pooling + "), cache " + cache.root());
        FeatureCache.Result ftr = cache.compute(source, modelId, List.of(req), shuffled(c.data().train(), c.plan.seed()), c.geometry, bs, null);
        FeatureCache.Result fva = cache.compute(source, modelId, List.of(req), c.data().validation(), c.geometry, bs, null);
        int reused = ftr.reused() + fva.reused();
        int computed = ftr.computed() + fva.computed();
        c.cache = new RunMetrics.CacheUse(cut, pooling.name(), reused, computed, ftr.forwardSeconds() + fva.forwardSeconds());
        c.progress.log("features: " + reused + " images from the cache, " + computed + " computed");
        c.lap("features");

        INDArray trainFeatures = ftr.get(cut, pooling);
        INDArray valFeatures = fva.get(cut, pooling);
        Standardizer std = null;
        if (!grow) {
            // a linear head on standardised features converges in a few epochs; the scaling is folded
            // into the saved head afterwards, so the assembled network still takes raw features
            std = Standardizer.fit(trainFeatures);
            trainFeatures = std.apply(trainFeatures);
            valFeatures = std.apply(valFeatures);
        }
        TrainData ftrain = TrainData.of(trainFeatures, c.train.labels());
        TrainData fval = TrainData.of(valFeatures, c.validation.labels());
        InputType featType = pooling == Pooling.AVG && spatial
                ? InputType.feedForward(((InputType.InputTypeConvolutional) cutType).getChannels()) : cutType;
        List<NewLayer> trainable = new ArrayList<>();
        for (NewLayer l : top) {
            if (pooling == Pooling.AVG && spatial && l.conf() instanceof org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer
                    && l.input().equals(CUT)) {
                continue; // the cache already pooled
            }
            trainable.add(l);
        }
        ComputationGraph headNet = topNetwork(trainable, featType, c.plan.seed(), top);
        c.lap("build");
        ComputationGraph trained = train(c, "train", headNet, ftrain, fval, labelsFor(c.plan.head()), null);
        for (NewLayer l : trainable) {
            if (trained.getLayer(l.name()) != null && trained.getLayer(l.name()).numParams() > 0) {
                Networks.copyParams(trained, assembled, l.name());
            }
        }
        if (std != null) {
            std.foldInto(assembled.getLayer(head));
        }
        return assembled;
    }

    private static Trainer.Labels labelsFor(HeadType head) {
        return head == HeadType.SVM ? Trainer.Labels.PLUS_MINUS_ONE : Trainer.Labels.ONE_HOT;
    }

    /** Global average pooling (for spatial cuts) and the classifier head. */
    private static List<NewLayer> linearLayers(Ctx c, ComputationGraphConfiguration conf, InputType cutType) {
        List<NewLayer> top = new ArrayList<>();
        String in = CUT;
        long d;
        if (cutType instanceof InputType.InputTypeConvolutional cv) {
            String gap = Networks.unique(conf, "gap");
            top.add(new NewLayer(gap, Layers.globalAverage(), in));
            in = gap;
            d = cv.getChannels();
        } else {
            d = cutType.arrayElementsPerExample();
        }
        top.add(new NewLayer(Networks.unique(conf, "head"), Layers.head(c.plan.head(), d, c.classes, c.hp.headLearningRate(),
                c.plan.head() == HeadType.SOFTMAX ? c.classWeights : null, c.hp.weightDecay()), in));
        return top;
    }

    /** growBlocks new blocks (conv 3x3 + BN + ReLU, or dense + BN + ReLU on a flat cut), pooling, head. */
    private static List<NewLayer> growLayers(Ctx c, ComputationGraphConfiguration conf, InputType cutType) {
        List<NewLayer> top = new ArrayList<>();
        String in = CUT;
        double lr = c.hp.headLearningRate();
        boolean spatial = cutType instanceof InputType.InputTypeConvolutional;
        long width = spatial ? ((InputType.InputTypeConvolutional) cutType).getChannels() : cutType.arrayElementsPerExample();
        for (int b = 1; b <= c.plan.growBlocks(); b++) {
            String p = "grow" + b + "_";
            String w = Networks.unique(conf, p + (spatial ? "conv" : "dense"));
            String n = Networks.unique(conf, p + "bn");
            String r = Networks.unique(conf, p + "relu");
            top.add(new NewLayer(w, spatial ? Layers.conv3x3(width, width, lr) : Layers.dense(width, width, lr), in));
            top.add(new NewLayer(n, Layers.batchNorm(width, lr), w));
            top.add(new NewLayer(r, Layers.relu(), n));
            in = r;
        }
        if (spatial) {
            String gap = Networks.unique(conf, "gap");
            top.add(new NewLayer(gap, Layers.globalAverage(), in));
            in = gap;
        }
        top.add(new NewLayer(Networks.unique(conf, "head"), Layers.head(c.plan.head(), width, c.classes, lr,
                c.plan.head() == HeadType.SOFTMAX ? c.classWeights : null, c.hp.weightDecay()), in));
        if (!spatial) {
            c.notes.add("cutoff is a flat (dense) layer: grew dense blocks instead of convolution blocks");
        }
        return top;
    }

    /** A network of just the new layers, fed with features of the given type. */
    static ComputationGraph topNetwork(List<NewLayer> layers, InputType featureType, long seed, List<NewLayer> all) {
        var g = new NeuralNetConfiguration.Builder().seed(seed).updater(new Adam(1e-3)).graphBuilder()
                .addInputs("features").setInputTypes(featureType);
        Set<String> present = new HashSet<>();
        for (NewLayer l : layers) {
            present.add(l.name());
        }
        for (NewLayer l : layers) {
            String input = l.input().equals(CUT) || !present.contains(l.input()) ? "features" : l.input();
            g.addLayer(l.name(), l.conf().clone(), input);
        }
        g.setOutputs(layers.get(layers.size() - 1).name());
        ComputationGraph net = new ComputationGraph(g.build());
        Nd4j.getRandom().setSeed(seed);
        net.init();
        return net;
    }

    /** Source network up to the cut (frozen) + the new layers: one network that takes raw images. */
    static ComputationGraph assemble(ComputationGraph source, String cut, List<NewLayer> top, String output, InputType input) {
        var conf = source.getConfiguration();
        TransferLearning.GraphBuilder b = new TransferLearning.GraphBuilder(source).setFeatureExtractor(cut);
        Networks.cutAbove(b, conf, cut);
        for (NewLayer l : top) {
            b.addLayer(l.name(), l.conf().clone(), l.input().equals(CUT) ? cut : l.input());
        }
        b.setOutputs(output).setInputTypes(input);
        return b.build();
    }

    /**
     * FINETUNE_ABOVE (frozen up to the cutoff), FINETUNE_ALL and FROM_SCRATCH: the source network
     * with a new head; backbone and head at their own learning rates.
     */
    private static ComputationGraph fineTune(Ctx c, ComputationGraph source, Strategy s) {
        String cut = s == Strategy.FINETUNE_ABOVE ? cutoff(c, source) : null;
        boolean scratch = s == Strategy.FROM_SCRATCH;
        boolean recalibrated = !scratch && maybeRecalibrate(c, source);
        if (scratch && c.hp.batchNorm() != BatchNormPolicy.TRAIN) {
            c.notes.add("batch norm trained (policy " + c.hp.batchNorm() + " ignored: a randomly initialised network has no statistics to keep)");
        }
        var conf = source.getConfiguration();
        String out = Networks.outputName(conf);
        List<String> outInputs = conf.getVertexInputs().get(out);
        long nIn = Networks.nIn(conf.getVertices().get(out));
        double blr = scratch ? c.hp.headLearningRate() : c.hp.backboneLearningRate();
        FineTuneConfiguration.Builder ftc = new FineTuneConfiguration.Builder().updater(adam(Math.max(blr, 1e-12))).seed(c.plan.seed());
        if (c.hp.weightDecay() > 0) {
            ftc.weightDecay(c.hp.weightDecay());
        }
        TransferLearning.GraphBuilder b = new TransferLearning.GraphBuilder(source).fineTuneConfiguration(ftc.build());
        if (cut != null) {
            b.setFeatureExtractor(cut);
        }
        b.removeVertexKeepConnections(out)
                .addLayer(out, Layers.head(c.plan.head(), nIn, c.classes, c.hp.headLearningRate(),
                        c.plan.head() == HeadType.SOFTMAX ? c.classWeights : null, c.hp.weightDecay()), outInputs.toArray(String[]::new))
                .setInputTypes(c.inputType);
        ComputationGraph tl = b.build();
        ComputationGraph net = configureTrainable(c, tl, Set.of(out), blr, scratch);
        if (scratch) {
            c.notes.add("parameters re-initialised at random (seed " + c.plan.seed() + ")");
        }
        c.lap("build");
        if (cut != null && c.options.featureCache() && !c.hp.augmentation().enabled() && PlanOverrides.freezeList(c.plan).isEmpty()) {
            ComputationGraph cached = aboveCutOnCachedMaps(c, source, net, cut, recalibrated);
            if (cached != null) {
                return cached;
            }
        }
        return train(c, "train", net, c.train, c.validation, labelsFor(c.plan.head()), c.hp.augmentation());
    }

    /** Feature-cache identity of the source weights (changed by batch-norm recalibration on this data). */
    private static String featureModelId(Ctx c, boolean recalibrated) {
        String id = FeatureCache.modelId(c.source);
        return recalibrated ? Hashing.sha256(id + "|bn-recalibrated|" + c.data().contentHash() + "|" + c.plan.seed()) : id;
    }

    /**
     * FINETUNE_ABOVE without augmentation: the frozen prefix's output maps are computed once
     * (feature cache, Pooling.NONE at the cut) and only the layers above the cut run every epoch;
     * the trained parameters are copied back into the full network. Returns null (train on raw
     * images instead) when an edge crosses the cut other than the cut itself.
     */
    private static ComputationGraph aboveCutOnCachedMaps(Ctx c, ComputationGraph source, ComputationGraph net, String cut, boolean recalibrated) {
        ComputationGraphConfiguration full = net.getConfiguration();
        Set<String> prefix = Networks.ancestors(full, cut);
        var gb = new NeuralNetConfiguration.Builder().seed(c.plan.seed()).graphBuilder().addInputs("features")
                .setInputTypes(Networks.typeOf(full, c.inputType, cut));
        for (String v : Networks.order(full)) {
            if (prefix.contains(v)) {
                continue;
            }
            List<String> ins = new ArrayList<>();
            for (String i : full.getVertexInputs().get(v)) {
                if (prefix.contains(i) && !i.equals(cut)) {
                    return null;
                }
                ins.add(i.equals(cut) ? "features" : i);
            }
            gb.addVertex(v, full.getVertices().get(v).clone(), ins.toArray(String[]::new));
        }
        gb.setOutputs(full.getNetworkOutputs().toArray(String[]::new));
        ComputationGraph top = new ComputationGraph(gb.build());
        top.init();
        for (String v : top.getConfiguration().getVertices().keySet()) {
            if (top.getLayer(v) != null && top.getLayer(v).numParams() > 0) {
                Networks.copyParams(net, top, v);
            }
        }
        FeatureCache cache = new FeatureCache(c.options.cacheDir() != null ? c.options.cacheDir() : Home.cache());
        FeatureCache.Request req = new FeatureCache.Request(cut, Pooling.NONE);
        int bs = Math.max(64, c.hp.batchSize());
        String modelId = featureModelId(c, recalibrated);
        FeatureCache.Result ftr = cache.compute(source, modelId, List.of(req), shuffled(c.data().train(), c.plan.seed()), c.geometry, bs, null);
        FeatureCache.Result fva = cache.compute(source, modelId, List.of(req), c.data().validation(), c.geometry, bs, null);
        c.cache = new RunMetrics.CacheUse(cut, Pooling.NONE.name(), ftr.reused() + fva.reused(), ftr.computed() + fva.computed(),
                ftr.forwardSeconds() + fva.forwardSeconds());
        c.progress.log("frozen layers up to " + cut + " computed once: " + c.cache.reused() + " images from the cache, "
                + c.cache.computed() + " computed; training the " + (top.getConfiguration().getVertices().size()) + " vertices above it");
        c.lap("features");
        ComputationGraph trained = train(c, "train", top, TrainData.of(ftr.get(cut, Pooling.NONE), c.train.labels()),
                TrainData.of(fva.get(cut, Pooling.NONE), c.validation.labels()), labelsFor(c.plan.head()), null);
        for (String v : trained.getConfiguration().getVertices().keySet()) {
            if (trained.getLayer(v) != null && trained.getLayer(v).numParams() > 0) {
                Networks.copyParams(trained, net, v);
            }
        }
        return net;
    }

    /**
     * Per-layer updaters (new layers at the head rate, pretrained trainable layers at the backbone
     * rate), the batch-norm policy and the explicit freeze list, applied to a copy of the
     * configuration; parameters copied (or, for {@code scratch}, freshly initialised).
     */
    private static ComputationGraph configureTrainable(Ctx c, ComputationGraph tl, Set<String> newLayers, double backboneLr, boolean scratch) {
        ComputationGraphConfiguration conf = tl.getConfiguration().clone();
        Map<String, IUpdater> updaters = new HashMap<>();
        Set<String> freeze = new HashSet<>();
        Set<String> frozenBn = new HashSet<>();
        List<String> explicit = PlanOverrides.freezeList(c.plan);
        for (String f : explicit) {
            if (!conf.getVertices().containsKey(f)) {
                List<String> valid = new ArrayList<>(Networks.order(conf));
                valid.removeAll(conf.getNetworkInputs());
                throw new ModelException("--freeze layer '" + f + "' not found in " + c.source.name() + "; valid: " + String.join(", ", valid));
            }
            freeze.add(f);
        }
        for (Map.Entry<String, GraphVertex> e : conf.getVertices().entrySet()) {
            String name = e.getKey();
            if (Networks.isFrozen(e.getValue()) || Networks.layerConf(e.getValue()) == null) {
                continue;
            }
            boolean isNew = newLayers.contains(name);
            updaters.put(name, adam(isNew ? c.hp.headLearningRate() : Math.max(backboneLr, 1e-12)));
            boolean bn = Networks.layerConf(e.getValue()) instanceof org.deeplearning4j.nn.conf.layers.BatchNormalization;
            if (bn && ((!isNew && !scratch && c.hp.batchNorm() != BatchNormPolicy.TRAIN) || freeze.contains(name))) {
                frozenBn.add(name); // FROZEN / RECALIBRATE: statistics and gamma/beta kept, inference mode
                freeze.remove(name);
            }
        }
        if (!explicit.isEmpty()) {
            c.notes.add("explicitly frozen: " + String.join(", ", explicit));
        }
        Networks.rewrite(conf, updaters, freeze);
        if (scratch) {
            Nd4j.getRandom().setSeed(c.plan.seed());
            return Networks.rebuild(conf, null);
        }
        if (!frozenBn.isEmpty()) {
            var replaced = Networks.freezeBatchNorms(conf, tl, c.inputType, frozenBn);
            c.notes.add("batch norm frozen in inference mode (as a fixed per-channel affine map): " + String.join(", ", new java.util.TreeSet<>(frozenBn)));
            return Networks.rebuildByName(conf, tl, replaced);
        }
        return Networks.rebuild(conf, tl);
    }

    /** AUTOENCODER_TRANSFER: self-pretrain encoder + decoder on unlabelled images, then fine-tune the encoder under a new head. */
    private static ComputationGraph autoencoder(Ctx c, ComputationGraph source) {
        var conf = source.getConfiguration();
        String cut = c.plan.cutoffLayer();
        if (cut == null) {
            cut = deepestSpatialCut(c.source.profile());
            c.notes.add("encoder ends at " + cut + " (deepest spatial candidate cut)");
        } else {
            cut = cutoff(c, source);
        }
        InputType cutType = Networks.typeOf(conf, c.inputType, cut);
        if (!(cutType instanceof InputType.InputTypeConvolutional cv)) {
            throw new ModelException("autoencoder encoder must end at a spatial layer; " + cut + " of " + c.source.name()
                    + " is flat; use one of " + c.source.profile().candidateCuts());
        }
        int h = (int) cv.getHeight();
        int w = (int) cv.getWidth();
        long ch = cv.getChannels();
        if (c.geometry.height() % h != 0 || c.geometry.width() % w != 0 || c.geometry.height() / h != c.geometry.width() / w) {
            throw new ModelException("cannot decode " + cut + " (" + h + "x" + w + ") back to " + c.geometry
                    + ": the input size is not an integer multiple; pick another cutoff among " + c.source.profile().candidateCuts());
        }
        int factor = c.geometry.height() / h;
        double lr = c.hp.headLearningRate();
        List<NewLayer> decoder = new ArrayList<>();
        String in = CUT;
        long width = ch;
        int i = 1;
        while (factor > 1) {
            int f = factor % 2 == 0 ? 2 : factor;
            String up = Networks.unique(conf, "ae_up" + i);
            String cv2 = Networks.unique(conf, "ae_conv" + i);
            long next = Math.max(8, width / 2);
            decoder.add(new NewLayer(up, Layers.upsample(f), in));
            decoder.add(new NewLayer(cv2, Layers.decoderConv(width, next, Activation.RELU, lr), up));
            in = cv2;
            width = next;
            factor /= f;
            i++;
        }
        String last = Networks.unique(conf, "ae_out");
        String loss = Networks.unique(conf, "ae_loss");
        decoder.add(new NewLayer(last, Layers.decoderConv(width, c.geometry.channels(), Activation.IDENTITY, lr), in));
        decoder.add(new NewLayer(loss, Layers.reconstructionLoss(), last));

        FineTuneConfiguration ftc = new FineTuneConfiguration.Builder().updater(adam(lr)).seed(c.plan.seed()).build();
        TransferLearning.GraphBuilder ab = new TransferLearning.GraphBuilder(source).fineTuneConfiguration(ftc);
        Networks.cutAbove(ab, conf, cut);
        for (NewLayer l : decoder) {
            ab.addLayer(l.name(), l.conf(), l.input().equals(CUT) ? cut : l.input());
        }
        ab.setOutputs(loss).setInputTypes(c.inputType);
        ComputationGraph ae = ab.build();
        Map<String, IUpdater> all = new HashMap<>();
        for (String v : ae.getConfiguration().getVertices().keySet()) {
            all.put(v, adam(lr));
        }
        ComputationGraphConfiguration aeConf = ae.getConfiguration().clone();
        Networks.rewrite(aeConf, all, Set.of());
        ae = Networks.rebuild(aeConf, ae);

        TrainData unl;
        if (c.data().unlabelled().isPresent() && c.data().unlabelled().get().size() > 0) {
            unl = TrainData.load(shuffled(c.data().unlabelled().get(), c.plan.seed()), c.geometry);
            c.notes.add("autoencoder trained on " + unl.size() + " unlabelled images");
        } else {
            unl = c.train;
            c.notes.add("no unlabelled images: autoencoder trained on the training images (labels unused)");
        }
        c.lap("build");
        long left = c.deadline.toEpochMilli() - System.currentTimeMillis();
        Instant aeDeadline = Instant.now().plusMillis(left * 2 / 5);
        int aeEpochs = Math.max(1, Math.min(c.hp.maxEpochs(), 10));
        ComputationGraph trainedAe = train(c, "autoencoder", ae, unl, c.validation, Trainer.Labels.RECONSTRUCT, null, aeEpochs, aeDeadline);

        // Transfer: the encoder under a new head, fine-tuned end to end.
        String out = Networks.unique(conf, "head");
        String gap = Networks.unique(conf, "gap");
        FineTuneConfiguration ftc2 = new FineTuneConfiguration.Builder().updater(adam(Math.max(c.hp.backboneLearningRate(), 1e-12)))
                .seed(c.plan.seed()).build();
        TransferLearning.GraphBuilder cb = new TransferLearning.GraphBuilder(trainedAe).fineTuneConfiguration(ftc2);
        Networks.cutAbove(cb, trainedAe.getConfiguration(), cut);
        cb.addLayer(gap, Layers.globalAverage(), cut)
                .addLayer(out, Layers.head(c.plan.head(), ch, c.classes, c.hp.headLearningRate(),
                        c.plan.head() == HeadType.SOFTMAX ? c.classWeights : null, c.hp.weightDecay()), gap)
                .setOutputs(out).setInputTypes(c.inputType);
        ComputationGraph clf = configureTrainable(c, cb.build(), Set.of(out, gap), c.hp.backboneLearningRate(), false);
        return train(c, "train", clf, c.train, c.validation, labelsFor(c.plan.head()), c.hp.augmentation());
    }

    static String deepestSpatialCut(ModelProfile p) {
        String best = null;
        for (String cut : p.candidateCuts()) {
            for (ModelProfile.LayerInfo l : p.layers()) {
                if (l.name().equals(cut) && l.outputShape().size() == 3) {
                    best = cut;
                }
            }
        }
        if (best == null) {
            throw new ModelException("model " + p.name() + " has no spatial candidate cut for an autoencoder encoder; candidates: "
                    + p.candidateCuts());
        }
        return best;
    }

    private static ComputationGraph train(Ctx c, String phase, ComputationGraph net, TrainData train, TrainData val,
                                          Trainer.Labels labels, io.transferadvisor.plan.Augmentation aug) {
        return train(c, phase, net, train, val, labels, aug, c.hp.maxEpochs(), c.deadline);
    }

    private static ComputationGraph train(Ctx c, String phase, ComputationGraph net, TrainData train, TrainData val,
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
