package io.transferadvisor.execute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.transferadvisor.plan.BatchNormPolicy;
import io.transferadvisor.plan.HeadType;
import io.transferadvisor.plan.LrSchedule;
import io.transferadvisor.plan.Plan;
import io.transferadvisor.plan.Strategy;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plan's learning-rate schedule reaches every trainable layer (head and backbone rates each
 * multiplied), travels in model.zip as plain DL4J configuration, changes the training, and a run
 * killed mid-schedule resumes to the same weights as an uninterrupted one.
 */
class LrScheduleRunTest {
    @TempDir
    Path tmp;

    static final LrSchedule CYCLE = new LrSchedule(LrSchedule.Kind.ONE_CYCLE, 4, 2.0);

    /** Fine-tune everything: model.zip is the trained network itself, its biases with updaters of their own. */
    static Plan plan(LrSchedule s) {
        return Tiny.plan(Strategy.FINETUNE_ALL, null, HeadType.SOFTMAX, 0, Tiny.hp(4, BatchNormPolicy.TRAIN).withLearningRateSchedule(s));
    }

    @Test
    void theScheduleSetsEveryTrainableLayersRateAndResumesExactly() throws Exception {
        Path zip = Tiny.sourceZip(tmp);
        PrintWriter quiet = new PrintWriter(new StringWriter());
        RunResult constant = Executor.run(plan(null), Tiny.inputs(zip, 0.8f, false), Tiny.options(tmp.resolve("constant"), tmp.resolve("c")), quiet);
        RunResult whole = Executor.run(plan(CYCLE), Tiny.inputs(zip, 0.8f, false), Tiny.options(tmp.resolve("whole"), tmp.resolve("c")), quiet);
        assertThat(whole.metrics().epochsRun()).isEqualTo(4);
        assertThat(CrashResumeTest.params(whole.runDir())).as("a schedule changes the training").isNotEqualTo(CrashResumeTest.params(constant.runDir()));

        // model.zip (the trained network) carries the schedule as plain DL4J configuration: in each epoch, the plan's head
        // (0.01) and backbone (0.003) rates times that epoch's factor, for weights and biases alike
        ComputationGraph g = ModelSerializer.restoreComputationGraph(whole.runDir().resolve(Executor.MODEL_FILE).toFile(), false);
        int biases = 0;
        for (int e = 0; e < 4; e++) {
            Set<Double> rates = new TreeSet<>();
            for (String v : g.getConfiguration().getVertices().keySet()) {
                if (g.getVertex(v).hasLayer() && !Networks.isFrozenRuntime(g, v) && g.getLayer(v).numParams() > 0) {
                    var conf = g.getLayer(v).conf().getLayer();
                    for (String param : g.getLayer(v).paramTable().keySet()) {
                        var u = conf.getUpdaterByParam(param);
                        if (!u.hasLearningRate()) {
                            continue; // batch norm's running mean and variance: not trained by gradient
                        }
                        rates.add(Math.round(u.getLearningRate(0, e) * 1e9) / 1e9);
                        biases += e == 0 && param.equals("b") && conf instanceof org.deeplearning4j.nn.conf.layers.BaseLayer bl
                                && bl.getBiasUpdater() != null ? 1 : 0;
                    }
                }
            }
            double f = CYCLE.factor(e);
            assertThat(rates).as("epoch %d", e).containsExactly(Math.round(0.003 * f * 1e9) / 1e9, Math.round(0.01 * f * 1e9) / 1e9);
        }
        assertThat(biases).as("layers whose biases have an updater of their own").isPositive();

        Path dir = tmp.resolve("killed");
        assertThatThrownBy(() -> Executor.run(plan(CYCLE), Tiny.inputs(zip, 0.8f, false),
                Tiny.options(dir, tmp.resolve("c")).withStopAfterEpochs(2), quiet)).isInstanceOf(ExecuteOptions.SimulatedKill.class);
        RunResult resumed = Executor.run(plan(CYCLE), Tiny.inputs(zip, 0.8f, false), Tiny.options(null, tmp.resolve("c")).withResume(dir), quiet);
        CrashResumeTest.assertSameMetrics(resumed.metrics(), whole.metrics(), "after a kill in the middle of the cycle");
        assertThat(CrashResumeTest.params(resumed.runDir())).as("final weights").isEqualTo(CrashResumeTest.params(whole.runDir()));
    }

    @Test
    void eachEpochTrainsAtItsFactorOfTheRate() throws Exception {
        ComputationGraph net = ModelSerializer.restoreComputationGraph(Tiny.sourceZip(tmp).toFile(), false);
        String layer = null;
        for (String v : net.getConfiguration().getVertices().keySet()) {
            if (net.getVertex(v).hasLayer() && net.getLayer(v).numParams() > 0) {
                layer = v;
                break;
            }
        }
        double base = net.getLearningRate(layer);
        LrSchedule w = new LrSchedule(LrSchedule.Kind.WARMUP, 3, 1.0);
        Trainer.applySchedule(net, w, 5);
        for (int e = 0; e < 5; e++) {
            net.getConfiguration().setEpochCount(e);
            assertThat(net.getLearningRate(layer)).as("epoch %d", e).isCloseTo(base * w.factor(e), within(1e-15));
        }
        assertThatThrownBy(() -> Trainer.applySchedule(net, w, 5)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already has a learning-rate schedule");
    }

    @Test
    void theUpdatersAreReplacedNotChangedSoAnotherNetworkSharingThemKeepsItsRates() throws Exception {
        ComputationGraph net = ModelSerializer.restoreComputationGraph(Tiny.sourceZip(tmp).toFile(), false);
        ComputationGraph other = new ComputationGraph(net.getConfiguration().clone()); // cloned layers share updater objects
        other.init(net.params().dup(), false);
        String layer = net.getConfiguration().getVertices().keySet().stream()
                .filter(v -> net.getVertex(v).hasLayer() && net.getLayer(v).numParams() > 0).findFirst().orElseThrow();
        double base = net.getLearningRate(layer);
        Trainer.applySchedule(net, new LrSchedule(LrSchedule.Kind.WARMUP, 3, 1.0), 5);
        net.getConfiguration().setEpochCount(0);
        assertThat(net.getLearningRate(layer)).isCloseTo(base / 4, within(1e-15));
        other.getConfiguration().setEpochCount(0);
        assertThat(other.getLearningRate(layer)).isCloseTo(base, within(1e-15));
    }

    @Test
    void theLoopMovesTheScheduleOnEveryEpoch() throws Exception {
        // fit(DataSet) does not count epochs: the loop must set the counter the schedule is keyed by, or every epoch
        // would train at the first epoch's rate.
        ComputationGraph net = FrozenFeatureTraining.topNetwork(java.util.List.of(new Training.NewLayer("out",
                Layers.head(HeadType.SOFTMAX, 4, 3, 0.01, null, 0.0), Training.CUT)), org.deeplearning4j.nn.conf.inputs.InputType.feedForward(4), 1,
                java.util.List.of());
        float[] x = new float[12 * 4];
        int[] y = new int[12];
        java.util.Random r = new java.util.Random(3);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < y.length; i++) {
            y[i] = i % 3;
        }
        TrainData data = TrainData.of(org.nd4j.linalg.factory.Nd4j.create(x, new long[] {12, 4}, 'c'), y);
        LrSchedule w = new LrSchedule(LrSchedule.Kind.WARMUP, 3, 1.0);
        Trainer.Config cfg = new Trainer.Config("t", 3, Trainer.Labels.ONE_HOT, 12, 3, 3, 1, null, null, null, 0, 0, w);
        Trainer.Outcome o = Trainer.train(net.clone(), data, data, cfg, null, new Progress(new PrintWriter(new StringWriter()), false));
        assertThat(o.state().epochsDone()).isEqualTo(3);
        // the schedule the loop left in the network reads epoch 2's rate: the counter moved with the epochs
        assertThat(o.net().getConfiguration().getEpochCount()).isEqualTo(2);
        assertThat(o.net().getLearningRate("out")).isCloseTo(0.01 * w.factor(2), within(1e-12));
    }
}
