package io.transferadvisor.model;

import io.transferadvisor.dataset.InputGeometry;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The project's own source model: a small CNN for 28x28x1 images, trained by `advisor pretrain` on
 * Fashion-MNIST classes 0-4 so that classes 5-9 stay genuinely new for transfer experiments.
 *
 * <pre>
 * b1: conv3x3 16 same, BN, ReLU, maxpool 2 -> 16x14x14
 * b2: conv3x3 32 same, BN, ReLU, maxpool 2 -> 32x7x7
 * b3: conv3x3 64 same, BN, ReLU            -> 64x7x7
 * b4: conv3x3 64 same, BN, ReLU            -> 64x7x7
 * fc: dense 128, BN, ReLU                  -> 128
 * output: softmax over the 5 source classes
 * </pre>
 * About 4.1 M multiply-adds per image; 463 k parameters (401 k of them in fc1).
 */
public final class FmnistCnn {
    private FmnistCnn() {}

    public static final String NAME = "fmnist-cnn";
    public static final InputGeometry INPUT = new InputGeometry(28, 28, 1);
    /** Fashion-MNIST label values used as source classes, and their names, in output order. */
    public static final List<Integer> SOURCE_LABELS = List.of(0, 1, 2, 3, 4);
    public static final List<String> SOURCE_CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat");
    public static final String SOURCE_DATASET = "Fashion-MNIST classes 0-4 (T-shirt/top, Trouser, Pullover, Dress, Coat)";
    /** Convolution widths of blocks b1..b4 and whether the block ends with a 2x2 max pool. */
    private static final int[] WIDTHS = {16, 32, 64, 64};
    private static final boolean[] POOL = {true, true, false, false};
    private static final int DENSE = 128;

    public static ComputationGraphConfiguration configuration(long seed, double learningRate) {
        var g = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .updater(new Adam(learningRate))
                .weightInit(WeightInit.RELU)
                .graphBuilder()
                .addInputs("input")
                .setInputTypes(InputType.convolutional(INPUT.height(), INPUT.width(), INPUT.channels()));
        String prev = "input";
        int channels = INPUT.channels();
        for (int b = 0; b < WIDTHS.length; b++) {
            String p = "b" + (b + 1) + "_";
            g.addLayer(p + "conv", new ConvolutionLayer.Builder(3, 3).nIn(channels).nOut(WIDTHS[b])
                    .convolutionMode(ConvolutionMode.Same).activation(Activation.IDENTITY).hasBias(false).build(), prev);
            g.addLayer(p + "bn", new BatchNormalization.Builder().build(), p + "conv");
            g.addLayer(p + "relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), p + "bn");
            prev = p + "relu";
            if (POOL[b]) {
                g.addLayer(p + "pool", new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build(), prev);
                prev = p + "pool";
            }
            channels = WIDTHS[b];
        }
        g.addLayer("fc1", new DenseLayer.Builder().nOut(DENSE).activation(Activation.IDENTITY).hasBias(false).build(), prev);
        g.addLayer("fc1_bn", new BatchNormalization.Builder().build(), "fc1");
        g.addLayer("fc1_relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), "fc1_bn");
        g.addLayer("output", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .nOut(SOURCE_CLASSES.size()).activation(Activation.SOFTMAX).build(), "fc1_relu");
        g.setOutputs("output");
        return g.build();
    }
}
