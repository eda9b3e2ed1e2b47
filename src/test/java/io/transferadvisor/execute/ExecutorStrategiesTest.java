package io.transferadvisor.execute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.transferadvisor.plan.BatchNormPolicy;
import io.transferadvisor.plan.HeadType;
import io.transferadvisor.plan.Plan;
import io.transferadvisor.plan.Strategy;
import io.transferadvisor.report.RunMetrics;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Frozen-feature strategies and the ensemble end to end on a tiny network: frozen parameters kept, trained ones changed, metrics computed. */
class ExecutorStrategiesTest extends TinyStrategyFixture {
    @Test
    void linearFrozenKeepsBackboneAndAssembledModelEqualsHeadOnFeatures() throws Exception {
        RunResult r = run("linear", Tiny.plan(Strategy.LINEAR_FROZEN, "r2", HeadType.SOFTMAX, 0, Tiny.hp(6, BatchNormPolicy.FROZEN)), false);
        metricsComputed(r);
        ComputationGraph m = model(r);
        sameParams(m, source, "c1", "bn1", "c2", "bn2");
        assertThat(m.getConfiguration().getVertices()).doesNotContainKey("fc");
        List<RunMetrics.EpochRow> h = r.metrics().history().get("train");
        assertThat(h.get(h.size() - 1).trainLoss()).isLessThan(h.get(0).trainLoss());
        assertThat(r.metrics().cache().computed() + r.metrics().cache().reused()).isEqualTo(60 + 18);

        // head on the (cached) pooled features equals the assembled network on raw images
        TrainData test = TrainData.load(Tiny.data(0.8f, false).test(), Tiny.GEOMETRY);
        INDArray raw = test.all();
        INDArray whole = m.output(false, raw)[0];
        INDArray feats = source.feedForward(raw, false).get("r2").mean(2, 3);
        var head = m.getLayer("head");
        INDArray logits = feats.mmul(head.getParam("W")).addRowVector(head.getParam("b"));
        INDArray probs = Transforms.softmax(logits);
        assertThat(whole.equalsWithEps(probs, 1e-4)).isTrue();

        // a second run reuses every cached feature row
        RunResult again = run("linear2", Tiny.plan(Strategy.LINEAR_FROZEN, "r2", HeadType.SOFTMAX, 0, Tiny.hp(2, BatchNormPolicy.FROZEN)), false);
        assertThat(again.metrics().cache().computed()).isZero();
        assertThat(again.metrics().cache().reused()).isEqualTo(78);
    }

    @Test
    void linearSvmOnEarlierLayer() throws Exception {
        RunResult r = run("svm", Tiny.plan(Strategy.LINEAR_EARLIER, "p1", HeadType.SVM, 0, Tiny.hp(3, BatchNormPolicy.FROZEN)), false);
        metricsComputed(r);
        ComputationGraph m = model(r);
        sameParams(m, source, "c1", "bn1");
        assertThat(m.getLayer("head").conf().getLayer().toString()).contains("LossSquaredHinge");
    }

    @Test
    void truncateGrowTrainsNewBlocksOnly() throws Exception {
        RunResult r = run("grow", Tiny.plan(Strategy.TRUNCATE_GROW, "p1", HeadType.SOFTMAX, 1, Tiny.hp(3, BatchNormPolicy.FROZEN)), false);
        metricsComputed(r);
        ComputationGraph m = model(r);
        sameParams(m, source, "c1", "bn1");
        // getLayer throws for a missing name; what matters is where the block was grown: on the cut p1, keeping its channels
        assertThat(m.getConfiguration().getVertexInputs().get("grow1_conv")).containsExactly("p1");
        long cutChannels = source.feedForward(TrainData.load(Tiny.data(0.8f, false).test(), Tiny.GEOMETRY).all(), false).get("p1").size(1);
        var conv = (org.deeplearning4j.nn.conf.layers.ConvolutionLayer) Networks.unwrap(m.getLayer("grow1_conv").conf().getLayer());
        assertThat(conv.getNIn()).isEqualTo(cutChannels);
        assertThat(conv.getNOut()).isEqualTo(cutChannels);
        assertThat(m.getConfiguration().getVertices()).doesNotContainKey("c2");
        assertThat(r.metrics().cache().pooling()).isEqualTo("NONE");
    }

    @Test
    void truncateGrowSaysTheWeightDecayReachesOnlyTheHead() throws Exception {
        var hp = new io.transferadvisor.plan.Hyperparameters(0.01, 0.0, 1, 1, 16, 5e-4, BatchNormPolicy.FROZEN, null, null);
        RunResult r = run("grow-wd", Tiny.plan(Strategy.TRUNCATE_GROW, "p1", HeadType.SOFTMAX, 1, hp), false);
        assertThat(r.metrics().notes()).contains("weight decay 5.0E-4 applies to the head only: the grown blocks train without it");
        ComputationGraph m = model(r);
        var conv = (org.deeplearning4j.nn.conf.layers.BaseLayer) Networks.unwrap(m.getLayer("grow1_conv").conf().getLayer());
        assertThat(conv.getRegularization()).as("what the note says").isEmpty();
    }

    @Test
    void ensembleAveragesMembers() throws Exception {
        Plan a = Tiny.plan(Strategy.LINEAR_FROZEN, "r2", HeadType.SOFTMAX, 0, Tiny.hp(2, BatchNormPolicy.FROZEN));
        Plan b = Tiny.plan(Strategy.LINEAR_EARLIER, "p1", HeadType.SVM, 0, Tiny.hp(2, BatchNormPolicy.FROZEN));
        Plan e = new Plan(1, "tiny.yaml", List.of("tiny"), Strategy.ENSEMBLE, null, HeadType.SOFTMAX, 0, a.hyperparameters(), null,
                List.of(a, b), 5, 10, List.of());
        RunResult r = run("ensemble", e, false);
        assertThat(r.metrics().members()).hasSize(2);
        assertThat(r.runDir().resolve("ensemble.json")).exists();
        assertThat(r.runDir().resolve("member-1/model.zip")).exists();
        assertThat(r.runDir().resolve("member-2/model.zip")).exists();
        assertThat(r.metrics().test().images()).isEqualTo(18);
        String html = Files.readString(r.runDir().resolve("report.html"));
        assertThat(html).contains("member-2");
        // the plan table shows what each member ran, not the ensemble plan's top-level copy of one member's settings
        assertThat(html).contains("tiny: LINEAR_FROZEN at r2, SOFTMAX head", "tiny: LINEAR_EARLIER at p1, SVM head")
                .doesNotContain(">cutoff layer<");
    }

    @Test
    void anEnsembleWhoseOwnHyperparametersWereEditedAloneSaysTheyAreNotUsed() throws Exception {
        Plan a = Tiny.plan(Strategy.LINEAR_FROZEN, "r2", HeadType.SOFTMAX, 0, Tiny.hp(1, BatchNormPolicy.FROZEN));
        Plan b = Tiny.plan(Strategy.LINEAR_FROZEN, "p1", HeadType.SOFTMAX, 0, Tiny.hp(1, BatchNormPolicy.FROZEN));
        Plan edited = new Plan(1, "tiny.yaml", List.of("tiny"), Strategy.ENSEMBLE, null, HeadType.SOFTMAX, 0, Tiny.hp(9, BatchNormPolicy.FROZEN),
                null, List.of(a, b), 5, 10, List.of());
        RunResult r = run("ensemble-edited", edited, false);
        assertThat(r.metrics().notes()).anyMatch(n -> n.startsWith("the ensemble plan's own hyperparameters match no member's"));
        Plan asWritten = new Plan(1, "tiny.yaml", List.of("tiny"), Strategy.ENSEMBLE, null, HeadType.SOFTMAX, 0, a.hyperparameters(),
                null, List.of(a, b), 5, 10, List.of());
        assertThat(run("ensemble-as-written", asWritten, false).metrics().notes()).noneMatch(n -> n.contains("match no member's"));
    }

    @Test
    void membersRunAloneWithTheirTestScoresAveragedScoreWhatTheEnsembleRunScores() {
        Plan a = Tiny.plan(Strategy.LINEAR_FROZEN, "r2", HeadType.SOFTMAX, 0, Tiny.hp(2, BatchNormPolicy.FROZEN));
        Plan b = Tiny.plan(Strategy.LINEAR_EARLIER, "p1", HeadType.SVM, 0, Tiny.hp(2, BatchNormPolicy.FROZEN));
        Plan e = new Plan(1, "tiny.yaml", List.of("tiny"), Strategy.ENSEMBLE, null, HeadType.SOFTMAX, 0, a.hyperparameters(), null,
                List.of(a, b), 5, 10, List.of());
        RunResult ensemble = run("ensemble-whole", e, false);
        var in = Tiny.inputs(zip, 0.8f, false);
        List<float[][]> scores = new java.util.ArrayList<>();
        for (Plan m : List.of(a, b)) {
            // what bench suite does for each single trial: the run hands over its test probabilities
            List<float[][]> got = new java.util.ArrayList<>();
            Executor.run(m, in, Tiny.options(tmp.resolve("alone-" + scores.size()), tmp.resolve("cache")).withTestScores(got::add),
                    new PrintWriter(java.io.Writer.nullWriter()));
            assertThat(got).hasSize(1);
            assertThat(got.get(0)).hasNumberOfRows(ensemble.metrics().test().images());
            scores.add(got.get(0));
        }
        var composed = Executor.ensembleTest(scores, in.data());
        assertThat(composed.accuracy()).isEqualTo(ensemble.metrics().test().accuracy());
        assertThat(composed.confusion()).isDeepEqualTo(ensemble.metrics().test().confusion());
        // the members' own accuracies are what the ensemble's members scored
        assertThat(ensemble.metrics().members()).extracting(RunMetrics.Member::testAccuracy)
                .containsExactly(Double.valueOf(accuracy(scores.get(0), in)), Double.valueOf(accuracy(scores.get(1), in)));
    }

    private static double accuracy(float[][] s, io.transferadvisor.execute.RunInputs in) {
        return Executor.ensembleTest(java.util.Collections.singletonList(s), in.data()).accuracy();
    }
}
