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

    /**
     * The tiny conv+BN network trained for 20 steps on three blob classes (seed 100), wrapped as the
     * source model "tiny" with cuts k1_down and d1 and source statistics for d1 (the cut without
     * BatchNorm), as `advisor pretrain` records them. Every load() returns a fresh copy of the
     * weights, like a file-backed model, so a fine-tuning run cannot leak into the next.
     */
    public static io.transferadvisor.model.SourceModel blobsSource(InputGeometry g) {
        ComputationGraph graph = convBn(g, 3, 5);
        io.transferadvisor.testing.MemoryImageSet src = io.transferadvisor.testing.MemoryImageSet.blobs(30, 3, g, 100);
        org.nd4j.linalg.api.ndarray.INDArray x = org.nd4j.linalg.factory.Nd4j.zeros(src.size(), g.channels(), g.height(), g.width());
        org.nd4j.linalg.api.ndarray.INDArray y = org.nd4j.linalg.factory.Nd4j.zeros(src.size(), 3);
        for (int i = 0; i < src.size(); i++) {
            x.get(org.nd4j.linalg.indexing.NDArrayIndex.point(i)).assign(org.nd4j.linalg.factory.Nd4j.create(src.pixels(i, g),
                    new long[] {g.channels(), g.height(), g.width()}));
            y.putScalar(i, src.label(i), 1);
        }
        for (int e = 0; e < 20; e++) {
            graph.fit(new org.nd4j.linalg.api.ndarray.INDArray[] {x}, new org.nd4j.linalg.api.ndarray.INDArray[] {y});
        }
        java.util.Map<String, io.transferadvisor.model.ModelProfile.ChannelStats> stats =
                io.transferadvisor.model.ActivationStats.measure(graph, java.util.List.of("d1"), java.util.List.of(x));
        io.transferadvisor.model.ModelProfile profile = new io.transferadvisor.model.ModelProfile(io.transferadvisor.model.ModelProfile.SCHEMA_VERSION,
                "tiny", "blobs", java.util.List.of("s0", "s1", "s2"), g, graph.numParams(), java.util.List.of(), java.util.List.of("k1_down", "d1"),
                stats, "feedc0de", java.util.Map.of());
        return new io.transferadvisor.model.SourceModel() {
            public String name() {
                return "tiny";
            }

            public io.transferadvisor.model.ModelProfile profile() {
                return profile;
            }

            public boolean available() {
                return true;
            }

            public String weightsLocation() {
                return "memory";
            }

            public ComputationGraph load() {
                return graph.clone();
            }
        };
    }
}
