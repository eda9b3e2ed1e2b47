package io.transferadvisor.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.transferadvisor.dataset.DatasetSpec;
import io.transferadvisor.util.Json;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * tiny-keras.h5 is a Keras 2.2.4-format channels-last Sequential CNN written with h5py by
 * make_tiny_keras.py (next to it), which also computed the expected softmax with numpy.
 */
class KerasImportTest {
    @TempDir
    Path tmp;

    private Path resource(String name) throws Exception {
        Path p = tmp.resolve(name);
        try (InputStream in = getClass().getResourceAsStream(name)) {
            Files.copy(in, p);
        }
        return p;
    }

    private static INDArray fixedInput() {
        float[] x = new float[28 * 28];
        for (int i = 0; i < 28; i++) {
            for (int j = 0; j < 28; j++) {
                x[i * 28 + j] = ((28 * i + j) % 7) / 7f;
            }
        }
        return Nd4j.create(x, new long[] {1, 1, 28, 28}, 'c');
    }

    @Test
    void channelsLastKerasModelLoadsChannelsFirstWithNumpysOutputs() throws Exception {
        Path h5 = resource("tiny-keras.h5");
        JsonNode expected = Json.json().readTree(getClass().getResourceAsStream("tiny-keras-expected.json"));
        SourceModel m = new ModelRegistry(tmp, null).find(new DatasetSpec.ModelRef("tiny", h5, null));
        ComputationGraph g = m.load();
        INDArray out = g.outputSingle(false, fixedInput());
        for (int k = 0; k < 3; k++) {
            assertThat(out.getDouble(0, k)).isCloseTo(expected.get("probabilities").get(k).asDouble(), org.assertj.core.data.Offset.offset(1e-5));
        }
        ModelProfile p = m.profile();
        assertThat(p.input()).hasToString("28x28x1");
        assertThat(p.parameters()).isEqualTo(3 * 3 * 2 + 2 + 13 * 13 * 2 * 3 + 3);
        assertThat(p.sourceClasses()).hasSize(3);
        // activations at the cut are channels-first like every other model: [n, 2, 13, 13]
        // the Keras layer names survive the Sequential -> MultiLayerNetwork -> ComputationGraph conversion
        assertThat(p.layers()).extracting(ModelProfile.LayerInfo::name).containsExactly("in", "conv2d_1", "max_pooling2d_1", "dense_1");
        assertThat(p.candidateCuts()).containsExactly("max_pooling2d_1");
        String cut = p.candidateCuts().get(0);
        assertThat(g.feedForward(fixedInput(), false).get(cut).shape()).containsExactly(1, 2, 13, 13);

        // the converted network survives ModelSerializer (the permute preprocessor is serialisable)
        Path zip = tmp.resolve("converted.zip");
        ModelSerializer.writeModel(g, zip.toFile(), false);
        ComputationGraph back = ModelSerializer.restoreComputationGraph(zip.toFile(), false);
        assertThat(back.outputSingle(false, fixedInput()).equalsWithEps(out, 1e-6)).isTrue();
    }
}
