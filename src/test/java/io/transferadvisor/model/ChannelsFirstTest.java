package io.transferadvisor.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ChannelsFirstTest {

    /** A channels-last net with BN, pooling and a flatten before a dense layer, with trained-looking BN statistics. */
    private static ComputationGraph channelsLastNet() {
        var conf = new NeuralNetConfiguration.Builder().seed(3).graphBuilder().addInputs("in")
                .setInputTypes(InputType.convolutional(10, 10, 3, CNN2DFormat.NHWC))
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).nOut(4).convolutionMode(ConvolutionMode.Same)
                        .dataFormat(CNN2DFormat.NHWC).activation(Activation.RELU).build(), "in")
                .addLayer("bn", new BatchNormalization.Builder().dataFormat(CNN2DFormat.NHWC).build(), "conv")
                .addLayer("pool", new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                        .dataFormat(CNN2DFormat.NHWC).build(), "bn")
                .addLayer("dense", new DenseLayer.Builder().nOut(5).activation(Activation.TANH).build(), "pool")
                .addLayer("out", new OutputLayer.Builder().nOut(3).activation(Activation.SOFTMAX).build(), "dense")
                .setOutputs("out").build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        // non-trivial BN running statistics, so a wrong channel axis would change the outputs
        g.getLayer("bn").setParam("mean", Nd4j.createFromArray(new float[] {0.1f, -0.2f, 0.3f, 0.05f}).reshape(1, 4));
        return g;
    }

    @Test
    void convertedNetworkGivesTheSameOutputsOnPermutedInput() {
        ComputationGraph nhwc = channelsLastNet();
        assertThat(ChannelsFirst.isChannelsLast(nhwc.getConfiguration())).isTrue();
        ComputationGraph nchw = ChannelsFirst.convert(nhwc);
        assertThat(ChannelsFirst.isChannelsLast(nchw.getConfiguration())).isFalse();

        INDArray xNhwc = Nd4j.rand(new int[] {4, 10, 10, 3}, 9L);
        INDArray xNchw = xNhwc.permute(0, 3, 1, 2).dup('c');
        INDArray expected = nhwc.outputSingle(false, xNhwc);
        assertThat(nchw.outputSingle(false, xNchw).equalsWithEps(expected, 1e-5)).isTrue();
        assertThat(nchw.feedForward(xNchw, false).get("pool").shape()).containsExactly(4, 4, 5, 5);
        assertThat(nchw.params().equalsWithEps(nhwc.params(), 0)).isTrue();
    }

    @Test
    void channelsFirstNetworksAreReturnedUnchanged() {
        ComputationGraph g = new ComputationGraph(FmnistCnn.configuration(1, 1e-3));
        g.init();
        assertThat(ChannelsFirst.convert(g)).isSameAs(g);
    }
}
