package io.transferadvisor.execute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.transferadvisor.plan.BatchNormPolicy;
import io.transferadvisor.plan.HeadType;
import io.transferadvisor.plan.Plan;
import io.transferadvisor.plan.Strategy;
import io.transferadvisor.report.RunMetrics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Strategies that train pretrained (or re-initialised) layers, end to end on a tiny network. */
class ExecutorTrainedStrategiesTest {
    @TempDir
    static Path tmp;
    static Path zip;
    static ComputationGraph source;

    @BeforeAll
    static void source() throws Exception {
        zip = Tiny.sourceZip(tmp);
        source = ModelSerializer.restoreComputationGraph(zip.toFile(), false);
    }

    private static RunResult run(String name, Plan plan, boolean unlabelled) {
        StringWriter log = new StringWriter();
        RunResult r = Executor.run(plan, Tiny.inputs(zip, 0.8f, unlabelled), Tiny.options(tmp.resolve(name), tmp.resolve("cache")),
                new PrintWriter(log, true));
        assertThat(log.toString()).contains("run finished");
        return r;
    }

    private static ComputationGraph model(RunResult r) throws Exception {
        return ModelSerializer.restoreComputationGraph(r.runDir().resolve("model.zip").toFile(), false);
    }

    private static void sameParams(ComputationGraph a, ComputationGraph b, String... layers) {
        for (String l : layers) {
            assertThat(a.getLayer(l).params().equalsWithEps(b.getLayer(l).params(), 0)).as("layer %s unchanged", l).isTrue();
        }
    }

    private static void changedParams(ComputationGraph a, ComputationGraph b, String... layers) {
        for (String l : layers) {
            assertThat(a.getLayer(l).params().equalsWithEps(b.getLayer(l).params(), 1e-7)).as("layer %s changed", l).isFalse();
        }
    }

    private static void metricsComputed(RunResult r) {
        RunMetrics m = r.metrics();
        assertThat(m.test().images()).isEqualTo(18);
        int total = 0;
        for (int[] row : m.test().confusion()) {
            for (int v : row) {
                total += v;
            }
        }
        assertThat(total).isEqualTo(18);
        assertThat(m.test().accuracy()).isBetween(0.0, 1.0);
        assertThat(m.test().perClass()).hasSize(3);
        assertThat(m.epochsRun()).isGreaterThan(0);
        assertThat(r.runDir().resolve("metrics.json")).exists();
        assertThat(r.runDir().resolve("report.html")).exists();
        assertThat(r.runDir().resolve("plan.yaml")).exists();
    }

    @Test
    void finetuneAboveFreezesBelowAndTrainsAbove() throws Exception {
        RunResult r = run("above", Tiny.plan(Strategy.FINETUNE_ABOVE, "p1", HeadType.SOFTMAX, 0, Tiny.hp(3, BatchNormPolicy.TRAIN)), false);
        metricsComputed(r);
        ComputationGraph m = model(r);
        sameParams(m, source, "c1", "bn1");
        changedParams(m, source, "c2", "fc");
        // the frozen prefix ran once (cached full maps at the cut); the saved model is still the whole network on raw images
        assertThat(r.metrics().cache().pooling()).isEqualTo("NONE");
        assertThat(r.metrics().cache().layer()).isEqualTo("p1");
        assertThat(m.getConfiguration().getNetworkInputs()).containsExactly("input");
        TrainData test = TrainData.load(Tiny.data(0.8f, false).test(), Tiny.GEOMETRY);
        float[][] scores = Executor.scores(m, test, HeadType.SOFTMAX);
        assertThat(io.transferadvisor.report.ClassificationMetrics.of(test.labels(), scores, Tiny.CLASSES).accuracy())
                .isCloseTo(r.metrics().test().accuracy(), within(1e-9));
        // discriminative rates: head at the head rate, backbone at the backbone rate
        assertThat(adamLr(m, "output")).isCloseTo(0.01, within(1e-12));
        assertThat(adamLr(m, "c2")).isCloseTo(0.003, within(1e-12));
    }

    static double adamLr(ComputationGraph m, String layer) {
        var l = Networks.unwrap(m.getLayer(layer).conf().getLayer());
        return ((org.nd4j.linalg.learning.config.Adam) ((org.deeplearning4j.nn.conf.layers.BaseLayer) l).getIUpdater()).getLearningRate();
    }

    @Test
    void finetuneAllTrainsEverything() throws Exception {
        RunResult r = run("all", Tiny.plan(Strategy.FINETUNE_ALL, null, HeadType.SOFTMAX, 0, Tiny.hp(3, BatchNormPolicy.TRAIN)), false);
        metricsComputed(r);
        changedParams(model(r), source, "c1", "c2", "fc");
    }

    @Test
    void fromScratchReinitialises() throws Exception {
        RunResult r = run("scratch", Tiny.plan(Strategy.FROM_SCRATCH, null, HeadType.SOFTMAX, 0, Tiny.hp(2, BatchNormPolicy.FROZEN)), false);
        metricsComputed(r);
        ComputationGraph m = model(r);
        changedParams(m, source, "c1", "c2", "fc");
        assertThat(r.metrics().notes()).anyMatch(n -> n.contains("re-initialised"));
    }

    @Test
    void autoencoderTransferPretrainsOnUnlabelledImages() throws Exception {
        RunResult r = run("ae", Tiny.plan(Strategy.AUTOENCODER_TRANSFER, null, HeadType.SOFTMAX, 0, Tiny.hp(2, BatchNormPolicy.TRAIN)), true);
        metricsComputed(r);
        assertThat(r.metrics().history()).containsKeys("autoencoder", "train");
        assertThat(r.metrics().notes()).anyMatch(n -> n.contains("30 unlabelled images"));
        ComputationGraph m = model(r);
        changedParams(m, source, "c1", "c2");
        assertThat(m.getConfiguration().getVertices()).doesNotContainKeys("ae_loss", "fc");
    }

}
