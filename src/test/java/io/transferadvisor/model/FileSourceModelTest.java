package io.transferadvisor.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferadvisor.dataset.DatasetSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class FileSourceModelTest {
    @TempDir
    Path tmp;

    private static MultiLayerNetwork tinyNetwork() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(7).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new DenseLayer.Builder().nOut(6).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder().nOut(3).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(28, 28, 1))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    @Test
    void multiLayerNetworkZipLoadsAsAGraphWithTheSameOutputs() throws Exception {
        MultiLayerNetwork net = tinyNetwork();
        Path zip = tmp.resolve("tiny.zip");
        ModelSerializer.writeModel(net, zip.toFile(), false);

        SourceModel m = new ModelRegistry(tmp, null).find(new DatasetSpec.ModelRef(null, zip, null));
        assertThat(m.name()).isEqualTo("tiny.zip");
        assertThat(m.available()).isTrue();
        ComputationGraph g = m.load();
        INDArray x = Nd4j.rand(new int[] {5, 1, 28, 28}, 3L);
        INDArray expected = net.output(x, false);
        INDArray actual = g.outputSingle(false, x);
        assertThat(actual.shape()).containsExactly(5, 3);
        assertThat(actual.equalsWithEps(expected, 1e-6)).as("same outputs after conversion").isTrue();

        ModelProfile p = m.profile();
        assertThat(p.input()).hasToString("28x28x1");
        assertThat(p.parameters()).isEqualTo(net.numParams());
        assertThat(p.sourceClasses()).containsExactly("class 0", "class 1", "class 2");
        assertThat(p.sha256()).isEqualTo(io.transferadvisor.util.Hashing.sha256(zip));
        assertThat(p.layers()).extracting(ModelProfile.LayerInfo::name).contains(p.candidateCuts().toArray(String[]::new));
        // conv(relu) -> pool -> dense(relu) -> output: the pool and the dense layer end blocks
        assertThat(p.candidateCuts()).hasSize(2);
        for (String cut : p.candidateCuts()) {
            assertThat(g.getVertex(cut)).as(cut).isNotNull();
        }
    }

    @Test
    void graphZipKeepsItsVertexNames() throws Exception {
        ComputationGraph cg = new ComputationGraph(FmnistCnn.configuration(3, 1e-3));
        cg.init();
        Path zip = tmp.resolve("graph.zip");
        ModelSerializer.writeModel(cg, zip.toFile(), false);
        SourceModel m = new FileSourceModel("mine", zip);
        assertThat(m.name()).isEqualTo("mine");
        assertThat(m.profile().candidateCuts()).containsExactly("b1_pool", "b2_pool", "b3_relu", "b4_relu", "fc1_relu");
        assertThat(m.profile().sourceClasses()).hasSize(5);
        INDArray x = Nd4j.rand(new int[] {2, 1, 28, 28}, 5L);
        assertThat(m.load().outputSingle(false, x).equalsWithEps(cg.outputSingle(false, x), 1e-6)).isTrue();

        // weights: random keeps the architecture and re-initialises every parameter (same ones each load)
        cg.params().muli(3); // the file's weights are not what a fresh initialisation gives
        ModelSerializer.writeModel(cg, zip.toFile(), false);
        SourceModel fresh = new ModelRegistry(tmp, null).find(new DatasetSpec.ModelRef("mine", zip, null, true));
        assertThat(fresh.profile().candidateCuts()).isEqualTo(m.profile().candidateCuts());
        // a file model with random weights is flagged like a zoo one (its profile's source dataset does not say so)
        assertThat(fresh.randomWeights()).isTrue();
        assertThat(m.randomWeights()).isFalse();
        assertThat(fresh.profile().sha256()).isNotEqualTo(io.transferadvisor.util.Hashing.sha256(zip));
        assertThat(fresh.load().params().equalsWithEps(cg.params(), 1e-6)).isFalse();
        assertThat(fresh.load().params().equals(fresh.load().params())).isTrue();
        assertThat(fresh.load().numParams()).isEqualTo(cg.numParams());
    }

    @Test
    void badKerasFileIsAModelErrorOnOneLine() throws Exception {
        Path h5 = tmp.resolve("broken.h5");
        Files.writeString(h5, "this is not HDF5");
        SourceModel m = new ModelRegistry(tmp, null).find(new DatasetSpec.ModelRef("broken", h5, null));
        assertThatThrownBy(m::load).isInstanceOf(ModelException.class)
                .hasMessageStartingWith("cannot load model file " + h5.toAbsolutePath())
                .hasMessageContaining("Keras HDF5")
                .hasMessageNotContaining("\n");
    }

    @Test
    void missingFileAndUnknownExtensionAreModelErrors() throws Exception {
        assertThatThrownBy(() -> new FileSourceModel(null, tmp.resolve("nope.zip")).load())
                .isInstanceOf(ModelException.class).hasMessageContaining("not found");
        assertThatThrownBy(() -> new FileSourceModel(null, tmp.resolve("weights.bin")))
                .isInstanceOf(ModelException.class).hasMessageContaining("unknown type '.bin'");
        Path notDl4j = tmp.resolve("other.zip");
        try (var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(notDl4j))) {
            out.putNextEntry(new java.util.zip.ZipEntry("readme.txt"));
            out.write("hello".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        assertThatThrownBy(() -> new FileSourceModel(null, notDl4j).load())
                .isInstanceOf(ModelException.class).hasMessageContaining("not a DL4J model");
    }
}
