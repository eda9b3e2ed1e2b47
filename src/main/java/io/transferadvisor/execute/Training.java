package io.transferadvisor.execute;

import io.transferadvisor.features.FeatureCache;
import io.transferadvisor.model.ModelException;
import io.transferadvisor.plan.BatchNormPolicy;
import io.transferadvisor.plan.HeadType;
import io.transferadvisor.report.RunMetrics;
import io.transferadvisor.util.Hashing;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;

/** What the strategy families share: the checked cut, batch-norm recalibration, the training loop with its history, and scoring. */
final class Training {
    private Training() {}

    /** Images used to re-estimate batch-norm statistics (RECALIBRATE). */
    static final int RECALIBRATION_IMAGES = 2048;

    /** A layer the executor adds; {@code input} names its input vertex ({@link #CUT} = the cut layer). */
    record NewLayer(String name, Layer conf, String input) {}

    static final String CUT = "$cut";

    static IUpdater adam(double lr) {
        return new Adam(lr);
    }

    /** Checks the cutoff against the model and returns it. */
    static String cutoff(RunContext c, ComputationGraph g) {
        String cut = c.plan.cutoffLayer();
        Networks.requireLayer(g.getConfiguration(), cut, c.source.name(), c.source.profile().candidateCuts());
        return cut;
    }

    /** RECALIBRATE: re-estimate BN statistics of the source network on the target training images. */
    static boolean maybeRecalibrate(RunContext c, ComputationGraph g) {
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

    static ComputationGraph train(RunContext c, String phase, ComputationGraph net, TrainData train, TrainData val,
                                          Trainer.Labels labels, io.transferadvisor.plan.Augmentation aug) {
        return train(c, phase, net, train, val, labels, aug, c.hp.maxEpochs(), c.deadline);
    }

    static ComputationGraph train(RunContext c, String phase, ComputationGraph net, TrainData train, TrainData val,
                                          Trainer.Labels labels, io.transferadvisor.plan.Augmentation aug, int maxEpochs, Instant deadline) {
        double[] exampleWeights = labels == Trainer.Labels.PLUS_MINUS_ONE ? c.classWeights : null;
        // the plan's learning-rate schedule belongs to training on its labels, not to an autoencoder's pretraining
        io.transferadvisor.plan.LrSchedule schedule = labels == Trainer.Labels.RECONSTRUCT ? null : c.hp.learningRateSchedule();
        if (schedule != null && schedule.kind() == io.transferadvisor.plan.LrSchedule.Kind.ONE_CYCLE && schedule.epochs() > maxEpochs) {
            c.notes.add(phase + ": the learning-rate cycle of " + schedule.epochs() + " epochs is cut at the epoch cap " + maxEpochs
                    + " (it never comes down to its end rate)");
        }
        Trainer.Config cfg = new Trainer.Config(phase, c.classes, labels, c.hp.batchSize(), maxEpochs,
                Math.min(c.hp.patience(), maxEpochs), c.plan.seed(), aug, exampleWeights, deadline, c.options.stopAfterEpochs(),
                c.options.checkpointSeconds(), schedule);
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

    /** Class scores of a network on data, as probabilities (SVM scores go through a softmax). */
    static float[][] scores(ComputationGraph net, TrainData data, HeadType head) {
        int n = data.size();
        float[][] out = new float[n][];
        int bs = io.transferadvisor.features.FeatureCache.memoryBoundBatch(net, data.rowShape(), 256);
        for (int from = 0; from < n; from += bs) {
            int to = Math.min(n, from + bs);
            INDArray o = probabilities(net.output(false, data.slice(from, to))[0].castTo(DataType.FLOAT), head);
            for (int i = 0; i < to - from; i++) {
                out[from + i] = o.getRow(i).toFloatVector();
            }
        }
        return out;
    }

    /** A network's outputs as class probabilities: a softmax head's as they are, an SVM head's scores through a softmax. */
    static INDArray probabilities(INDArray outputs, HeadType head) {
        return head == HeadType.SVM ? Nd4j.exec(new org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax(outputs.dup(), 1))[0] : outputs;
    }

    /** Feature-cache identity of the source weights (changed by batch-norm recalibration on this data). */
    static String featureModelId(RunContext c, boolean recalibrated) {
        String id = FeatureCache.modelId(c.source);
        return recalibrated ? Hashing.sha256(id + "|bn-recalibrated|" + c.data().contentHash() + "|" + c.plan.seed()) : id;
    }

    /**
     * Per-layer updaters (new layers at the head rate, pretrained trainable layers at the backbone
     * rate), the batch-norm policy and the explicit freeze list, applied to a copy of the
     * configuration; parameters copied (or, for {@code scratch}, freshly initialised).
     */
    static ComputationGraph configureTrainable(RunContext c, ComputationGraph tl, Set<String> newLayers, double backboneLr, boolean scratch) {
        ComputationGraphConfiguration conf = tl.getConfiguration().clone();
        Map<String, IUpdater> updaters = new HashMap<>();
        Set<String> freeze = new HashSet<>();
        Set<String> frozenBn = new HashSet<>();
        List<String> explicit = c.plan.frozenLayers();
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
