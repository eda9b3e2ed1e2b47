package io.transferadvisor.execute;

import io.transferadvisor.features.FeatureCache;
import io.transferadvisor.features.Pooling;
import io.transferadvisor.plan.BatchNormPolicy;
import io.transferadvisor.plan.HeadType;
import io.transferadvisor.plan.Strategy;
import io.transferadvisor.report.RunMetrics;
import io.transferadvisor.util.Home;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.transferlearning.FineTuneConfiguration;
import org.deeplearning4j.nn.transferlearning.TransferLearning;

import static io.transferadvisor.execute.Training.*;

/** FINETUNE_ABOVE, FINETUNE_ALL and FROM_SCRATCH: the network (or everything above a cut) trained end to end, above-cut layers on cached maps when possible. */
final class FineTuneTraining implements StrategyFamily.SingleModel {
    static final FineTuneTraining INSTANCE = new FineTuneTraining();

    private FineTuneTraining() {}

    @Override
    public java.util.Set<Strategy> strategies() {
        return java.util.EnumSet.of(Strategy.FINETUNE_ABOVE, Strategy.FINETUNE_ALL, Strategy.FROM_SCRATCH);
    }

    @Override
    public ComputationGraph trainedNetwork(RunContext c, ComputationGraph source) {
        return fineTune(c, source, c.plan.strategy());
    }

    /**
     * FINETUNE_ABOVE (frozen up to the cutoff), FINETUNE_ALL and FROM_SCRATCH: the source network
     * with a new head; backbone and head at their own learning rates.
     */
    static ComputationGraph fineTune(RunContext c, ComputationGraph source, Strategy s) {
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
        if (cut != null && c.options.featureCache() && !c.hp.augmentation().enabled() && c.plan.frozenLayers().isEmpty()) {
            ComputationGraph cached = aboveCutOnCachedMaps(c, source, net, cut, recalibrated);
            if (cached != null) {
                return cached;
            }
        }
        return train(c, "train", net, c.train, c.validation, labelsFor(c.plan.head()), c.hp.augmentation());
    }

    /**
     * FINETUNE_ABOVE without augmentation: the frozen prefix's output maps are computed once
     * (feature cache, Pooling.NONE at the cut) and only the layers above the cut run every epoch;
     * the trained parameters are copied back into the full network. Returns null (train on raw
     * images instead) when an edge crosses the cut other than the cut itself.
     */
    static ComputationGraph aboveCutOnCachedMaps(RunContext c, ComputationGraph source, ComputationGraph net, String cut, boolean recalibrated) {
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
        FeatureCache cache = new FeatureCache(c.options.cacheDir() != null ? c.options.cacheDir() : Home.cache(), c.options.remote());
        FeatureCache.Request req = new FeatureCache.Request(cut, Pooling.NONE);
        if (c.options.remote() != null) {
            c.progress.log("frozen layers up to " + cut + ": missing feature maps computed on " + c.options.remote().describe());
        }
        int bs = Math.max(64, c.hp.batchSize());
        String modelId = featureModelId(c, recalibrated);
        // full feature maps can be far larger than the images' pooled features: above the in-memory budget they stay on disk
        long budget = TrainData.inMemoryBudget();
        FeatureCache.Result ftr = cache.compute(source, modelId, List.of(req), SingleRun.shuffled(c.data().train(), c.plan.seed()), c.geometry, bs,
                c.progress.linesFor(c.data().train().size()), budget);
        FeatureCache.Result fva = cache.compute(source, modelId, List.of(req), c.data().validation(), c.geometry, bs,
                c.progress.linesFor(c.data().validation().size()), budget);
        c.cache = new RunMetrics.CacheUse(cut, Pooling.NONE.name(), ftr.reused() + fva.reused(), ftr.computed() + fva.computed(),
                ftr.forwardSeconds() + fva.forwardSeconds());
        c.progress.log("frozen layers up to " + cut + " computed once: " + c.cache.reused() + " images from the cache, "
                + c.cache.computed() + " computed; training the " + (top.getConfiguration().getVertices().size()) + " vertices above it");
        c.lap("features");
        TrainData ftrain = TrainData.features(ftr, req, c.train.labels());
        if (!ftr.inMemory(cut, Pooling.NONE)) {
            c.notes.add("frozen feature maps at " + cut + " read from the feature cache each epoch (over the " + (budget >> 20)
                    + " MB in-memory budget)");
        }
        ComputationGraph trained = train(c, "train", top, ftrain, TrainData.features(fva, req, c.validation.labels()),
                labelsFor(c.plan.head()), null);
        for (String v : trained.getConfiguration().getVertices().keySet()) {
            if (trained.getLayer(v) != null && trained.getLayer(v).numParams() > 0) {
                Networks.copyParams(trained, net, v);
            }
        }
        return net;
    }

}
