package io.transferadvisor.execute;

import io.transferadvisor.features.FeatureCache;
import io.transferadvisor.features.Pooling;
import io.transferadvisor.model.ModelException;
import io.transferadvisor.plan.BatchNormPolicy;
import io.transferadvisor.plan.HeadType;
import io.transferadvisor.plan.Strategy;
import io.transferadvisor.report.RunMetrics;
import io.transferadvisor.util.Hashing;
import io.transferadvisor.util.Home;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.transferlearning.FineTuneConfiguration;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;

import static io.transferadvisor.execute.Executor.*;
import static io.transferadvisor.execute.FrozenFeatureTraining.*;
import static io.transferadvisor.execute.AutoencoderTraining.*;

/** FINETUNE_ABOVE, FINETUNE_ALL and FROM_SCRATCH: the network (or everything above a cut) trained end to end, above-cut layers on cached maps when possible. Split out of Executor, which keeps the orchestration. */
final class FineTuneTraining {
    private FineTuneTraining() {}

    /**
     * FINETUNE_ABOVE (frozen up to the cutoff), FINETUNE_ALL and FROM_SCRATCH: the source network
     * with a new head; backbone and head at their own learning rates.
     */
    static ComputationGraph fineTune(Ctx c, ComputationGraph source, Strategy s) {
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
    static String featureModelId(Ctx c, boolean recalibrated) {
        String id = FeatureCache.modelId(c.source);
        return recalibrated ? Hashing.sha256(id + "|bn-recalibrated|" + c.data().contentHash() + "|" + c.plan.seed()) : id;
    }

    /**
     * FINETUNE_ABOVE without augmentation: the frozen prefix's output maps are computed once
     * (feature cache, Pooling.NONE at the cut) and only the layers above the cut run every epoch;
     * the trained parameters are copied back into the full network. Returns null (train on raw
     * images instead) when an edge crosses the cut other than the cut itself.
     */
    static ComputationGraph aboveCutOnCachedMaps(Ctx c, ComputationGraph source, ComputationGraph net, String cut, boolean recalibrated) {
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
    static ComputationGraph configureTrainable(Ctx c, ComputationGraph tl, Set<String> newLayers, double backboneLr, boolean scratch) {
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
}
