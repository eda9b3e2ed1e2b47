package io.transferadvisor.model;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The building blocks the project's own source models (fmnist-cnn, glyphs-cnn) share, with the layer names their cuts rely on. */
final class CnnBlocks {
    private CnnBlocks() {}

    /**
     * Blocks b1..bN: conv3x3 same (no bias), batch norm, ReLU, and a 2x2 max pool where {@code pool[b]}.
     *
     * @return the name of the last vertex added
     */
    static String convBlocks(ComputationGraphConfiguration.GraphBuilder g, String input, int channels, int[] widths, boolean[] pool) {
        String prev = input;
        for (int b = 0; b < widths.length; b++) {
            String p = "b" + (b + 1) + "_";
            g.addLayer(p + "conv", new ConvolutionLayer.Builder(3, 3).nIn(channels).nOut(widths[b])
                    .convolutionMode(ConvolutionMode.Same).activation(Activation.IDENTITY).hasBias(false).build(), prev);
            g.addLayer(p + "bn", new BatchNormalization.Builder().build(), p + "conv");
            g.addLayer(p + "relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), p + "bn");
            prev = p + "relu";
            if (pool[b]) {
                g.addLayer(p + "pool", new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build(), prev);
                prev = p + "pool";
            }
            channels = widths[b];
        }
        return prev;
    }

    /** fc1 (dense, no bias), fc1_bn, fc1_relu, then a softmax "output" over {@code classes}, on {@code input}; sets the output. */
    static void denseHead(ComputationGraphConfiguration.GraphBuilder g, String input, int dense, int classes) {
        g.addLayer("fc1", new DenseLayer.Builder().nOut(dense).activation(Activation.IDENTITY).hasBias(false).build(), input);
        g.addLayer("fc1_bn", new BatchNormalization.Builder().build(), "fc1");
        g.addLayer("fc1_relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), "fc1_bn");
        g.addLayer("output", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .nOut(classes).activation(Activation.SOFTMAX).build(), "fc1_relu");
        g.setOutputs("output");
    }
}
