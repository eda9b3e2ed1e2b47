package io.transferadvisor.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;

class GraphAnatomyTest {

    @Test
    void fmnistCnnCutsAreTheLastVertexOfEachBlock() {
        ComputationGraphConfiguration conf = FmnistCnn.configuration(1, 1e-3);
        assertThat(GraphAnatomy.candidateCuts(conf)).containsExactly("b1_pool", "b2_pool", "b3_relu", "b4_relu", "fc1_relu");
    }

    @Test
    void fmnistCnnLayersHaveShapesAndParameterCounts() {
        ComputationGraphConfiguration conf = FmnistCnn.configuration(1, 1e-3);
        List<ModelProfile.LayerInfo> layers = GraphAnatomy.layers(conf, InputType.convolutional(28, 28, 1));
        assertThat(layers.get(0).name()).isEqualTo("input");
        assertThat(layers).extracting(ModelProfile.LayerInfo::name).containsSubsequence("b1_conv", "b1_pool", "b4_relu", "fc1", "output");
        ModelProfile.LayerInfo b2pool = layers.stream().filter(l -> l.name().equals("b2_pool")).findFirst().orElseThrow();
        assertThat(b2pool.outputShape()).containsExactly(32, 7, 7);
        ModelProfile.LayerInfo b2conv = layers.stream().filter(l -> l.name().equals("b2_conv")).findFirst().orElseThrow();
        assertThat(b2conv.parameters()).isEqualTo(3 * 3 * 16 * 32); // no bias before BatchNorm
        ModelProfile.LayerInfo fc1 = layers.stream().filter(l -> l.name().equals("fc1")).findFirst().orElseThrow();
        assertThat(fc1.parameters()).isEqualTo(64 * 7 * 7 * 128);
        assertThat(layers.stream().mapToLong(ModelProfile.LayerInfo::parameters).sum()).isEqualTo(GraphAnatomy.parameters(conf));
    }

    /** A residual stage: the cut is the activation after the merge, never a vertex inside the branch. */
    @Test
    void residualBlockIsCutAfterItsMerge() {
        var g = new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in")
                .setInputTypes(InputType.convolutional(8, 8, 3))
                .addLayer("stem", new ConvolutionLayer.Builder(3, 3).nOut(4).convolutionMode(ConvolutionMode.Same).activation(Activation.IDENTITY).build(), "in")
                .addLayer("stem_bn", new BatchNormalization.Builder().build(), "stem")
                .addLayer("stem_act", new ActivationLayer.Builder().activation(Activation.RELU).build(), "stem_bn")
                .addLayer("branch_a", new ConvolutionLayer.Builder(3, 3).nOut(4).convolutionMode(ConvolutionMode.Same).activation(Activation.RELU).build(), "stem_act")
                .addLayer("branch_b", new ConvolutionLayer.Builder(3, 3).nOut(4).convolutionMode(ConvolutionMode.Same).activation(Activation.IDENTITY).build(), "branch_a")
                .addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "branch_b", "stem_act")
                .addLayer("add_act", new ActivationLayer.Builder().activation(Activation.RELU).build(), "add")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "add_act")
                .addLayer("out", new OutputLayer.Builder().nOut(2).activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("out");
        ComputationGraphConfiguration conf = g.build();
        // stem_act is a block end (a conv follows); branch_a is not a choke point (the shortcut bypasses it);
        // add_act is followed by pooling, so the pool ends that block.
        assertThat(GraphAnatomy.candidateCuts(conf)).containsExactly("stem_act", "pool");
    }

    @Test
    void denseLayerWithNonLinearityEndsABlockAndConvChainsEndAtThePool() {
        var g = new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in")
                .setInputTypes(InputType.convolutional(8, 8, 1))
                .addLayer("c1", new ConvolutionLayer.Builder(3, 3).nOut(4).convolutionMode(ConvolutionMode.Same).activation(Activation.RELU).build(), "in")
                .addLayer("c2", new ConvolutionLayer.Builder(3, 3).nOut(4).convolutionMode(ConvolutionMode.Same).activation(Activation.RELU).build(), "c1")
                .addLayer("p", new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build(), "c2")
                .addLayer("d1", new DenseLayer.Builder().nOut(8).activation(Activation.RELU).build(), "p")
                .addLayer("d2", new DenseLayer.Builder().nOut(8).activation(Activation.RELU).build(), "d1")
                .addLayer("out", new OutputLayer.Builder().nOut(2).activation(Activation.SOFTMAX).build(), "d2")
                .setOutputs("out");
        assertThat(GraphAnatomy.candidateCuts(g.build())).containsExactly("p", "d1", "d2");
    }
}
