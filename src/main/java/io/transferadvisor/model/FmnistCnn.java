package io.transferadvisor.model;

import io.transferadvisor.dataset.InputGeometry;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.learning.config.Adam;

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
        String prev = CnnBlocks.convBlocks(g, "input", INPUT.channels(), WIDTHS, POOL);
        CnnBlocks.denseHead(g, prev, DENSE, SOURCE_CLASSES.size());
        return g.build();
    }
}
