package io.transferadvisor.probe;

import io.transferadvisor.dataset.InputGeometry;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Tiny networks for tests; layer names are arbitrary on purpose (the code must read them). */
public final class TinyGraphs {
    private TinyGraphs() {}

    /** conv(4) -> bn -> relu -> pool -> dense(8, relu) -> softmax(classes). No BN after the dense. */
    public static ComputationGraph convBn(InputGeometry g, int classes, long seed) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(seed).updater(new Adam(1e-2))
                .graphBuilder()
                .addInputs("img")
                .addLayer("k1", new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.IDENTITY).build(), "img")
                .addLayer("k1_norm", new BatchNormalization.Builder().build(), "k1")
                .addLayer("k1_act", new ActivationLayer.Builder().activation(Activation.RELU).build(), "k1_norm")
                .addLayer("k1_down", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build(), "k1_act")
                .addLayer("d1", new DenseLayer.Builder().nOut(8).activation(Activation.RELU).build(), "k1_down")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(classes)
                        .activation(Activation.SOFTMAX).build(), "d1")
                .setOutputs("out")
                .setInputTypes(InputType.convolutional(g.height(), g.width(), g.channels()))
                .build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        return graph;
    }
}
