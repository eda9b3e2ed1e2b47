package io.transferadvisor.execute;

import io.transferadvisor.plan.HeadType;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.Upsampling2D;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;
import org.nd4j.linalg.lossfunctions.impl.LossSquaredHinge;

/** Configurations of the layers the executor adds to a pretrained network. */
public final class Layers {
    private Layers() {}

    /**
     * The classifier head: softmax + cross-entropy (optionally class-weighted), or a linear SVM
     * (identity activation, one-vs-rest squared hinge; labels are +1/-1, see {@link Trainer.Labels}).
     */
    public static OutputLayer head(HeadType type, long nIn, int classes, double lr, double[] classWeights, double l2) {
        ILossFunction loss;
        Activation act;
        if (type == HeadType.SVM) {
            loss = new LossSquaredHinge();
            act = Activation.IDENTITY;
            l2 = Math.max(l2, 1e-4); // the SVM margin needs a norm penalty
        } else {
            loss = classWeights == null ? new LossMCXENT() : new LossMCXENT(Nd4j.create(classWeights).reshape(1, classWeights.length));
            act = Activation.SOFTMAX;
        }
        OutputLayer.Builder b = new OutputLayer.Builder(loss).nIn(nIn).nOut(classes).activation(act)
                .weightInit(WeightInit.XAVIER).updater(new Adam(lr));
        if (l2 > 0) {
            b.l2(l2);
        }
        return b.build();
    }

    public static Layer globalAverage() {
        return new GlobalPoolingLayer.Builder(PoolingType.AVG).build();
    }

    public static Layer conv3x3(long nIn, long nOut, double lr) {
        return new ConvolutionLayer.Builder(3, 3).nIn(nIn).nOut(nOut).convolutionMode(ConvolutionMode.Same)
                .activation(Activation.IDENTITY).hasBias(false).weightInit(WeightInit.RELU).updater(new Adam(lr)).build();
    }

    public static Layer dense(long nIn, long nOut, double lr) {
        return new DenseLayer.Builder().nIn(nIn).nOut(nOut).activation(Activation.IDENTITY).hasBias(false)
                .weightInit(WeightInit.RELU).updater(new Adam(lr)).build();
    }

    public static Layer batchNorm(long n, double lr) {
        return new BatchNormalization.Builder().nIn(n).nOut(n).updater(new Adam(lr)).build();
    }

    public static Layer relu() {
        return new ActivationLayer.Builder().activation(Activation.RELU).build();
    }

    public static Layer upsample(int factor) {
        return new Upsampling2D.Builder(factor).build();
    }

    public static Layer decoderConv(long nIn, long nOut, Activation act, double lr) {
        return new ConvolutionLayer.Builder(3, 3).nIn(nIn).nOut(nOut).convolutionMode(ConvolutionMode.Same)
                .activation(act).weightInit(WeightInit.RELU).updater(new Adam(lr)).build();
    }

    /** Reconstruction loss on [n, c, h, w]: sigmoid output, mean squared error. */
    public static Layer reconstructionLoss() {
        return new CnnLossLayer.Builder(new LossMSE()).activation(Activation.SIGMOID).build();
    }
}
