package io.transferadvisor.execute;

import static org.assertj.core.api.Assertions.assertThat;

import io.transferadvisor.plan.BatchNormPolicy;
import io.transferadvisor.plan.HeadType;
import io.transferadvisor.plan.Strategy;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.api.preprocessor.ImagePreProcessingScaler;

/**
 * model.zip is usable with plain DL4J: summary() works on a fine-tuned network with frozen batch
 * norms, the preprocessing, class names and input shape are in the zip, and the README's example
 * (kept verbatim as src/test/java/io/transferadvisor/readme/LoadTrainedModel.java) reproduces
 * advisor predict's answer.
 */
class ModelFileTest {
    static final Path EXAMPLE = Path.of("src/test/java/io/transferadvisor/readme/LoadTrainedModel.java");

    @Test
    void theTrainedModelLoadsWithPlainDl4jAndTheReadmeExampleReproducesPredict(@TempDir Path tmp) throws Exception {
        Path zip = Tiny.sourceZip(tmp);
        var plan = Tiny.plan(Strategy.FINETUNE_ABOVE, "p1", HeadType.SOFTMAX, 0, Tiny.hp(2, BatchNormPolicy.FROZEN));
        RunResult r = Executor.run(plan, Tiny.inputs(zip, 0.8f, false), Tiny.options(tmp.resolve("run"), tmp.resolve("cache")),
                new java.io.PrintWriter(java.io.Writer.nullWriter()));
        Path model = r.runDir().resolve(Executor.MODEL_FILE);

        ComputationGraph g = ModelSerializer.restoreComputationGraph(model.toFile(), false);
        assertThat(g.summary()).contains("bn2", "output"); // threw a NullPointerException before (stale batch-norm variables)
        assertThat((Object) ModelSerializer.restoreNormalizerFromFile(model.toFile())).isInstanceOf(ImagePreProcessingScaler.class);
        List<String> classes = ModelSerializer.getObjectFromFile(model.toFile(), ModelFile.CLASS_NAMES);
        assertThat(classes).isEqualTo(Tiny.CLASSES);
        long[] shape = ModelSerializer.getObjectFromFile(model.toFile(), ModelFile.INPUT_SHAPE);
        assertThat(shape).containsExactly(1, 8, 8);

        // a test image as a gray PNG, then the README example against advisor predict's Predictor
        var test = Tiny.data(0.8f, false).test();
        float[] px = test.pixels(0, Tiny.GEOMETRY);
        BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                img.getRaster().setSample(x, y, 0, Math.round(px[y * 8 + x] * 255));
            }
        }
        Path png = tmp.resolve("image.png");
        ImageIO.write(img, "png", png.toFile());
        var predicted = new Predictor(r.runDir()).predict(List.of(png), 1).get(0).top().get(0);

        String printed = runExample(model, png);
        String last = printed.strip().lines().reduce((a, b) -> b).orElseThrow();
        assertThat(printed).contains("bn2");
        assertThat(last).isEqualTo(String.format(Locale.ROOT, "%s %.4f", predicted.className(), predicted.probability()));
    }

    @Test
    void aModelsPreprocessingIsAppliedInTrainingAndPredictAndSavedForPlainDl4j(@TempDir Path tmp) throws Exception {
        Path zip = Tiny.sourceZip(tmp);
        var plan = Tiny.plan(Strategy.FINETUNE_ABOVE, "p1", HeadType.SOFTMAX, 0, Tiny.hp(2, BatchNormPolicy.FROZEN));
        io.transferadvisor.model.SourceModel tf = Tiny.model(zip).withPreprocessing(io.transferadvisor.dataset.Preprocessing.TF);
        RunInputs in = new RunInputs(Tiny.data(0.8f, false), name -> tf, null, null, null);
        RunResult r = Executor.run(plan, in, Tiny.options(tmp.resolve("tf"), tmp.resolve("cache")), new java.io.PrintWriter(java.io.Writer.nullWriter()));
        RunResult plain = Executor.run(plan, Tiny.inputs(zip, 0.8f, false), Tiny.options(tmp.resolve("plain"), tmp.resolve("cache")),
                new java.io.PrintWriter(java.io.Writer.nullWriter()));
        assertThat(r.metrics().notes()).contains("input preprocessing: tf (x2, minus 1)");
        Path model = r.runDir().resolve(Executor.MODEL_FILE);
        // the network saw other inputs, so it learnt other weights
        assertThat(ModelSerializer.restoreComputationGraph(model.toFile(), false).params()
                .equalsWithEps(ModelSerializer.restoreComputationGraph(plain.runDir().resolve(Executor.MODEL_FILE).toFile(), false).params(), 1e-7))
                .isFalse();
        assertThat(ModelFile.preprocessing(model)).isEqualTo(io.transferadvisor.dataset.Preprocessing.TF);
        ImagePreProcessingScaler scaler = ModelSerializer.restoreNormalizerFromFile(model.toFile());
        assertThat(scaler.getMinRange()).isEqualTo(-1);
        assertThat(scaler.getMaxRange()).isEqualTo(1);

        // predict applies it: its probabilities are the network's on preprocessed pixels, and the README example agrees
        var test = Tiny.data(0.8f, false).test();
        Path png = grayPng(test.pixels(0, Tiny.GEOMETRY), tmp.resolve("image.png"));
        Predictor predictor = new Predictor(r.runDir());
        float[] px = predictor.pixels(png);
        ComputationGraph g = ModelSerializer.restoreComputationGraph(model.toFile(), false);
        float[] direct = g.outputSingle(org.nd4j.linalg.factory.Nd4j.create(
                io.transferadvisor.dataset.Preprocessing.TF.apply(px, 1), new long[] {1, 1, 8, 8}, 'c')).toFloatVector();
        assertThat(predictor.probabilities(List.of(px))[0]).containsExactly(direct, org.assertj.core.data.Offset.offset(1e-6f));
        var predicted = predictor.predict(List.of(png), 1).get(0).top().get(0);
        String last = runExample(model, png).strip().lines().reduce((a, b) -> b).orElseThrow();
        assertThat(last).isEqualTo(String.format(Locale.ROOT, "%s %.4f", predicted.className(), predicted.probability()));
    }

    static Path grayPng(float[] px, Path png) throws Exception {
        BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                img.getRaster().setSample(x, y, 0, Math.round(px[y * 8 + x] * 255));
            }
        }
        ImageIO.write(img, "png", png.toFile());
        return png;
    }

    @Test
    void theReadmeQuotesTheExampleVerbatim() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        String example = Files.readString(EXAMPLE).strip();
        assertThat(readme).as("README 'Load the trained model in Java' must quote " + EXAMPLE + " verbatim").contains(example);
    }

    /** Compiles the example (it is in the test sources) and runs its main, capturing what it prints. */
    private static String runExample(Path model, Path png) throws Exception {
        Class<?> c = Class.forName("LoadTrainedModel");
        Method main = c.getMethod("main", String[].class);
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (PrintStream capture = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            main.invoke(null, (Object) new String[] {model.toString(), png.toString()});
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
