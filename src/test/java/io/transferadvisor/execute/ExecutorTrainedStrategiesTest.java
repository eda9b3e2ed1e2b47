package io.transferadvisor.execute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.transferadvisor.plan.BatchNormPolicy;
import io.transferadvisor.plan.HeadType;
import io.transferadvisor.plan.Strategy;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;

/** Strategies that train pretrained (or re-initialised) layers, end to end on a tiny network. */
class ExecutorTrainedStrategiesTest extends TinyStrategyFixture {
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
        float[][] scores = Training.scores(m, test, HeadType.SOFTMAX);
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
        assertThat(r.metrics().notes()).noneMatch(n -> n.contains("holds in the classifier phase only")); // TRAIN: nothing to say
    }

    @Test
    void autoencoderTransferSaysWhatBecomesOfARecalibrationPolicy() throws Exception {
        RunResult r = run("ae-recal", Tiny.plan(Strategy.AUTOENCODER_TRANSFER, null, HeadType.SOFTMAX, 0, Tiny.hp(1, BatchNormPolicy.RECALIBRATE)), true);
        assertThat(r.metrics().notes()).anyMatch(n -> n.startsWith("batch norm RECALIBRATE holds in the classifier phase only")
                && n.endsWith("(no separate recalibration)"));
    }

}
