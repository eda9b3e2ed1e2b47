package io.transferadvisor.execute;

import io.transferadvisor.features.FeatureCache;
import io.transferadvisor.features.Pooling;
import io.transferadvisor.plan.HeadType;
import io.transferadvisor.plan.Strategy;
import io.transferadvisor.report.RunMetrics;
import io.transferadvisor.util.Home;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

import static io.transferadvisor.execute.Training.*;

/** LINEAR_FROZEN, LINEAR_EARLIER and TRUNCATE_GROW: new layers trained on frozen features computed once (the feature cache). */
final class FrozenFeatureTraining implements StrategyFamily.SingleModel {
    static final FrozenFeatureTraining INSTANCE = new FrozenFeatureTraining();

    private FrozenFeatureTraining() {}

    @Override
    public java.util.Set<Strategy> strategies() {
        return java.util.EnumSet.of(Strategy.LINEAR_FROZEN, Strategy.LINEAR_EARLIER, Strategy.TRUNCATE_GROW);
    }

    @Override
    public ComputationGraph trainedNetwork(RunContext c, ComputationGraph source) {
        return frozenFeatures(c, source);
    }

    /** LINEAR_FROZEN, LINEAR_EARLIER and TRUNCATE_GROW: train new layers on cached frozen features. */
    static ComputationGraph frozenFeatures(RunContext c, ComputationGraph source) {
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
        FeatureCache cache = new FeatureCache(c.options.cacheDir() != null ? c.options.cacheDir() : Home.cache(), c.options.remote());
        FeatureCache.Request req = new FeatureCache.Request(cut, pooling);
        int bs = Math.max(64, c.hp.batchSize());
        c.progress.log("frozen features at " + cut + " (" + pooling + "), cache " + cache.root()
                + (c.options.remote() == null ? "" : "; missing rows computed on " + c.options.remote().describe()));
        FeatureCache.Result ftr = cache.compute(source, modelId, List.of(req), SingleRun.shuffled(c.data().train(), c.plan.seed()), c.geometry, bs,
                c.progress.linesFor(c.data().train().size()));
        FeatureCache.Result fva = cache.compute(source, modelId, List.of(req), c.data().validation(), c.geometry, bs,
                c.progress.linesFor(c.data().validation().size()));
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

    /** Global average pooling (for spatial cuts) and the classifier head. */
    static List<NewLayer> linearLayers(RunContext c, ComputationGraphConfiguration conf, InputType cutType) {
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
    static List<NewLayer> growLayers(RunContext c, ComputationGraphConfiguration conf, InputType cutType) {
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
        if (c.hp.weightDecay() > 0 && c.plan.growBlocks() > 0) {
            // as every suite trial of this strategy ran; giving the blocks L2 too would change what the suite measured
            c.notes.add("weight decay " + c.hp.weightDecay() + " applies to the head only: the grown blocks train without it");
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
}
