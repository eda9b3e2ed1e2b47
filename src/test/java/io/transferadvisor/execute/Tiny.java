package io.transferadvisor.execute;

import io.transferadvisor.testing.MemoryImageSet;

import io.transferadvisor.dataset.DatasetSpec;
import io.transferadvisor.dataset.InputGeometry;
import io.transferadvisor.dataset.LoadedDataset;
import io.transferadvisor.model.GraphAnatomy;
import io.transferadvisor.model.ModelProfile;
import io.transferadvisor.model.SourceModel;
import io.transferadvisor.plan.Augmentation;
import io.transferadvisor.plan.BatchNormPolicy;
import io.transferadvisor.plan.ClassWeighting;
import io.transferadvisor.plan.HeadType;
import io.transferadvisor.plan.Hyperparameters;
import io.transferadvisor.plan.Plan;
import io.transferadvisor.plan.Strategy;
import io.transferadvisor.util.Hashing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
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
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * A tiny source network (8x8x1: conv-BN-ReLU-pool, conv-BN-ReLU, dense-BN-ReLU, softmax over 3
 * source classes), briefly pretrained on synthetic stripes, saved in a temp folder; and tiny
 * synthetic target data (3 pattern classes) held in memory.
 */
public final class Tiny {
    public static final InputGeometry GEOMETRY = new InputGeometry(8, 8, 1);
    public static final List<String> CLASSES = List.of("horizontal", "vertical", "diagonal");

    private Tiny() {}

    public static ComputationGraphConfiguration configuration() {
        return configuration(8);
    }

    public static ComputationGraphConfiguration configuration(int size) {
        return new NeuralNetConfiguration.Builder().seed(7).updater(new Adam(0.01)).graphBuilder()
                .addInputs("input").setInputTypes(InputType.convolutional(size, size, 1))
                .addLayer("c1", new ConvolutionLayer.Builder(3, 3).nOut(4).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.IDENTITY).hasBias(false).build(), "input")
                .addLayer("bn1", new BatchNormalization.Builder().build(), "c1")
                .addLayer("r1", new ActivationLayer.Builder().activation(Activation.RELU).build(), "bn1")
                .addLayer("p1", new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build(), "r1")
                .addLayer("c2", new ConvolutionLayer.Builder(3, 3).nOut(8).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.IDENTITY).hasBias(false).build(), "p1")
                .addLayer("bn2", new BatchNormalization.Builder().build(), "c2")
                .addLayer("r2", new ActivationLayer.Builder().activation(Activation.RELU).build(), "bn2")
                .addLayer("fc", new DenseLayer.Builder().nOut(16).activation(Activation.IDENTITY).hasBias(false).build(), "r2")
                .addLayer("fc_bn", new BatchNormalization.Builder().build(), "fc")
                .addLayer("fc_relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), "fc_bn")
                .addLayer("output", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "fc_relu")
                .setOutputs("output").build();
    }

    /** Synthetic images: class 0 horizontal bar, 1 vertical bar, 2 diagonal, at random positions, plus noise and an offset. */
    public static MemoryImageSet images(int perClass, long seed, float brightness) {
        return images(perClass, seed, brightness, 8);
    }

    public static MemoryImageSet images(int perClass, long seed, float brightness, int size) {
        Random r = new Random(seed);
        int n = perClass * 3;
        float[][] px = new float[n][];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int c = i % 3;
            float[] p = new float[size * size];
            int pos = 1 + r.nextInt(size - 2);
            for (int k = 0; k < size; k++) {
                int y = c == 0 ? pos : c == 1 ? k : k;
                int x = c == 0 ? k : c == 1 ? pos : (k + pos) % size;
                p[y * size + x] = 1f;
            }
            for (int k = 0; k < size * size; k++) {
                p[k] = Math.min(1f, Math.max(0f, p[k] * brightness + 0.15f * (float) r.nextGaussian() + (1 - brightness) * 0.3f));
            }
            px[i] = p;
            labels[i] = c;
        }
        return new MemoryImageSet(CLASSES, px, labels, new InputGeometry(size, size, 1));
    }

    /** The pretrained source saved as a DL4J zip in {@code dir}. */
    public static Path sourceZip(Path dir) {
        return sourceZip(dir, 8);
    }

    public static Path sourceZip(Path dir, int size) {
        ComputationGraph g = new ComputationGraph(configuration(size));
        Nd4j.getRandom().setSeed(7);
        g.init();
        TrainData d = TrainData.load(images(40, 1, 1f, size), new InputGeometry(size, size, 1));
        for (int e = 0; e < 4; e++) {
            for (int from = 0; from < d.size(); from += 20) {
                int to = Math.min(d.size(), from + 20);
                float[] y = new float[(to - from) * 3];
                for (int i = from; i < to; i++) {
                    y[(i - from) * 3 + d.labels()[i]] = 1;
                }
                g.fit(new DataSet(d.slice(from, to), Nd4j.create(y, new long[] {to - from, 3}, 'c')));
            }
        }
        Path zip = dir.resolve("tiny-source-" + size + ".zip");
        try {
            ModelSerializer.writeModel(g, zip.toFile(), false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return zip;
    }

    public static SourceModel model(Path zip) {
        ComputationGraphConfiguration conf = configuration();
        InputType in = InputType.convolutional(8, 8, 1);
        ModelProfile profile = new ModelProfile(1, "tiny", "synthetic stripes", CLASSES, GEOMETRY, GraphAnatomy.parameters(conf),
                GraphAnatomy.layers(conf, in), GraphAnatomy.candidateCuts(conf), Map.of(), Hashing.sha256(zip), Map.of());
        return new SourceModel() {
            @Override
            public String name() {
                return "tiny";
            }

            @Override
            public ModelProfile profile() {
                return profile;
            }

            @Override
            public boolean available() {
                return true;
            }

            @Override
            public String weightsLocation() {
                return zip.toString();
            }

            @Override
            public ComputationGraph load() {
                try {
                    return ModelSerializer.restoreComputationGraph(zip.toFile(), false);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    public static LoadedDataset data(float brightness, boolean unlabelled) {
        DatasetSpec spec = new DatasetSpec(Path.of("tiny.yaml").toAbsolutePath(), "tiny", null, null, new DatasetSpec.Split(0.2, 0.2),
                null, List.of(new DatasetSpec.ModelRef("tiny", null, null)), null,
                new DatasetSpec.Fit(DatasetSpec.Resize.STRETCH, DatasetSpec.ColorMode.AUTO), 3, new DatasetSpec.Budget(5, 10));
        return new LoadedDataset(spec, images(20, 11, brightness), images(6, 12, brightness), images(6, 13, brightness),
                unlabelled ? Optional.of(images(10, 14, brightness)) : Optional.empty(), "hash-" + brightness, List.of());
    }

    public static RunInputs inputs(Path zip, float brightness, boolean unlabelled) {
        SourceModel m = model(zip);
        return new RunInputs(data(brightness, unlabelled), name -> m, null, null, null);
    }

    public static Hyperparameters hp(int epochs, BatchNormPolicy bn) {
        return new Hyperparameters(0.01, 0.003, epochs, epochs, 16, 0.0, bn, Augmentation.NONE, ClassWeighting.NONE);
    }

    public static Plan plan(Strategy s, String cut, HeadType head, int grow, Hyperparameters hp) {
        return new Plan(1, "tiny.yaml", List.of("tiny"), s, cut, head, grow, hp, null, List.of(), 5, 10, List.of());
    }

    public static ExecuteOptions options(Path runDir, Path cache) {
        return ExecuteOptions.defaults().withOutput(runDir).withCacheDir(cache).withCheckpointSeconds(0); // every epoch: the crash and resume tests kill between epochs
    }
}
