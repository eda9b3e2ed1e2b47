package io.transferadvisor.execute;

import io.transferadvisor.model.ModelException;
import io.transferadvisor.model.ModelProfile;
import io.transferadvisor.plan.HeadType;
import io.transferadvisor.plan.Strategy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.transferlearning.FineTuneConfiguration;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.IUpdater;

import static io.transferadvisor.execute.Training.*;

/** AUTOENCODER_TRANSFER: a convolutional autoencoder self-pretrained on the unlabelled target images, its encoder transferred and fine-tuned. */
final class AutoencoderTraining implements StrategyFamily.SingleModel {
    static final AutoencoderTraining INSTANCE = new AutoencoderTraining();

    private AutoencoderTraining() {}

    @Override
    public java.util.Set<Strategy> strategies() {
        return java.util.EnumSet.of(Strategy.AUTOENCODER_TRANSFER);
    }

    @Override
    public ComputationGraph trainedNetwork(RunContext c, ComputationGraph source) {
        return autoencoder(c, source);
    }

    /** AUTOENCODER_TRANSFER: self-pretrain encoder + decoder on unlabelled images, then fine-tune the encoder under a new head. */
    static ComputationGraph autoencoder(RunContext c, ComputationGraph source) {
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
            unl = TrainData.load(SingleRun.shuffled(c.data().unlabelled().get(), c.plan.seed()), c.geometry);
            c.notes.add("autoencoder trained on " + unl.size() + " unlabelled images");
        } else {
            unl = c.train;
            c.notes.add("no unlabelled images: autoencoder trained on the training images (labels unused)");
        }
        if (c.hp.batchNorm() != io.transferadvisor.plan.BatchNormPolicy.TRAIN) {
            // said, not done: the autoencoder phase trains every batch-norm layer; the classifier phase follows the policy
            c.notes.add("batch norm " + c.hp.batchNorm() + " holds in the classifier phase only: the autoencoder's training on the target "
                    + "images trains every batch-norm layer of the encoder" + (c.hp.batchNorm() == io.transferadvisor.plan.BatchNormPolicy.RECALIBRATE
                    ? ", which re-estimates their statistics (no separate recalibration)" : ""));
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
        if (c.hp.weightDecay() > 0) {
            c.notes.add("weight decay " + c.hp.weightDecay() + " applies to the head only: the encoder fine-tunes without it");
        }
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
}
