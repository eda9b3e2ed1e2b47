package io.transferadvisor.model;

import io.transferadvisor.dataset.InputGeometry;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.learning.config.Adam;

/**
 * The project's second source model: a small CNN for 28x28x1 images, trained by
 * {@code advisor pretrain --model glyphs-cnn} on letters and digits rendered from the installed
 * fonts of pool A (synth.Glyphs; the suite's held-out letter tasks draw from pool B, fonts this model
 * never saw). A source that knows strokes where fmnist-cnn knows clothes.
 *
 * <pre>
 * b1: conv3x3 16 same, BN, ReLU, maxpool 2 -> 16x14x14
 * b2: conv3x3 32 same, BN, ReLU, maxpool 2 -> 32x7x7
 * b3: conv3x3 64 same, BN, ReLU            -> 64x7x7
 * b4: conv3x3 96 same, BN, ReLU            -> 96x7x7
 * gap: global average pool                 -> 96
 * fc: dense 192, BN, ReLU                  -> 192
 * output: softmax over the 62 characters
 * </pre>
 * Unlike fmnist-cnn it pools globally before the dense layer: a glyph's class does not depend on
 * where it sits, and the dense layer stays small (about 4.6 M multiply-adds and 110 k parameters).
 */
public final class GlyphsCnn {
    private GlyphsCnn() {}

    public static final String NAME = "glyphs-cnn";
    public static final InputGeometry INPUT = new InputGeometry(28, 28, 1);
    /** The characters, in output order: digits, upper case, lower case. */
    public static final String CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    /** Font pool of synth.Glyphs the model is trained on. */
    public static final String FONT_POOL = "A";
    public static final String SOURCE_DATASET = "glyphs: digits and letters (62 classes) rendered from installed fonts of pool A";
    private static final int[] WIDTHS = {16, 32, 64, 96};
    private static final boolean[] POOL = {true, true, false, false};
    private static final int DENSE = 192;

    /** Class names in output order ("0".."9", "A".."Z", "a".."z"). */
    public static List<String> sourceClasses() {
        List<String> out = new ArrayList<>();
        for (char c : CHARS.toCharArray()) {
            out.add(String.valueOf(c));
        }
        return List.copyOf(out);
    }

    public static ComputationGraphConfiguration configuration(long seed, double learningRate) {
        var g = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .updater(new Adam(learningRate))
                .weightInit(WeightInit.RELU)
                .graphBuilder()
                .addInputs("input")
                .setInputTypes(InputType.convolutional(INPUT.height(), INPUT.width(), INPUT.channels()));
        String prev = CnnBlocks.convBlocks(g, "input", INPUT.channels(), WIDTHS, POOL);
        g.addLayer("gap", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), prev);
        CnnBlocks.denseHead(g, "gap", DENSE, CHARS.length());
        return g.build();
    }
}
