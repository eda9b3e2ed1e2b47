package io.transferadvisor.execute;

import io.transferadvisor.dataset.DatasetSpec;
import io.transferadvisor.dataset.ImageSet;
import io.transferadvisor.dataset.InputGeometry;
import io.transferadvisor.model.SourceModel;
import io.transferadvisor.plan.ClassWeighting;
import io.transferadvisor.plan.Plan;
import io.transferadvisor.plan.PlanException;
import io.transferadvisor.report.ClassificationMetrics;
import io.transferadvisor.report.RunMetrics;
import java.time.Instant;
import java.util.List;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;

import static io.transferadvisor.execute.Training.scores;

/**
 * One single-model plan from start to metrics: resolve the model, load the splits at its geometry,
 * let the plan's {@link StrategyFamily.SingleModel} train the network, evaluate it and save it.
 * The part every single-model family shares; ENSEMBLE runs it once per member.
 */
final class SingleRun {
    private SingleRun() {}

    /** Outcome of one single-model plan: the trained network, its class probabilities and its metrics. */
    record Outcome(ComputationGraph model, float[][] validationScores, float[][] testScores, RunMetrics metrics) {}

    static Outcome run(StrategyFamily.SingleModel family, Plan plan, RunInputs in, RunFolder folder, ExecuteOptions options, Progress progress,
                       Instant deadline) {
        RunContext c = new RunContext(plan, in, folder, options, progress, deadline);
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
        c.data = in.data().preprocessed(c.source.preprocessing());
        if (!c.source.preprocessing().isIdentity()) {
            c.notes.add(RunMetrics.PREPROCESSING_NOTE + c.source.preprocessing().describe());
        }
        if (c.source.randomWeights()) {
            c.notes.add(c.source.name() + RunMetrics.RANDOM_WEIGHTS_NOTE + " (weights: random): its architecture with fresh, seeded weights;"
                    + " nothing pretrained is transferred");
        }
        c.train = TrainData.load(shuffled(c.data().train(), plan.seed()), c.geometry);
        c.validation = TrainData.load(c.data().validation(), c.geometry);
        c.test = TrainData.load(c.data().test(), c.geometry);
        c.lap("load");

        ComputationGraph model = family.trainedNetwork(c, source);

        float[][] valScores = scores(model, c.validation, plan.head());
        float[][] testScores = scores(model, c.test, plan.head());
        ClassificationMetrics v = ClassificationMetrics.of(c.validation.labels(), valScores, in.data().classNames());
        ClassificationMetrics t = ClassificationMetrics.of(c.test.labels(), testScores, in.data().classNames());
        if (options.testScores() != null) {
            options.testScores().accept(testScores);
        }
        c.lap("evaluate");
        ModelFile.write(model, folder.dir().resolve(Executor.MODEL_FILE), in.data().classNames(), c.geometry, c.source.preprocessing());
        c.lap("save");
        TrainerState last = c.last;
        double ips = last == null || last.seconds() <= 0 ? 0 : (double) c.train.size() * last.epochsDone() / last.seconds();
        RunMetrics m = new RunMetrics(in.data().spec().name(), plan.models(), plan.strategy().name(), in.data().classNames(),
                v, t, last == null ? 0 : last.epochsDone(), last == null ? 0 : last.bestEpoch(),
                last == null ? null : last.stopReason(), c.phases, ips, c.cache, c.history, c.notes, List.of());
        return new Outcome(model, valScores, testScores, m);
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

    /** Input geometry of a run: the spec's, or the model's own. */
    static InputGeometry geometry(DatasetSpec spec, SourceModel model) {
        return spec.inputFor(model.profile().input());
    }

    /** The training set in a seeded random order (so the first images of it are a fair sample). */
    static ImageSet shuffled(ImageSet set, long seed) {
        return set.subset(io.transferadvisor.util.Shuffle.permutation(set.size(), new java.util.Random(seed)));
    }
}
