package io.transferadvisor.execute;

import static org.assertj.core.api.Assertions.assertThat;

import io.transferadvisor.plan.BatchNormPolicy;
import io.transferadvisor.plan.HeadType;
import io.transferadvisor.plan.Strategy;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** FROZEN keeps the source statistics, TRAIN changes them, RECALIBRATE re-estimates them on the target. */
class BatchNormPolicyTest extends TinyStrategyFixture {
    private static ComputationGraph runModel(String name, Strategy s, String cut, BatchNormPolicy bn) throws Exception {
        RunResult r = Executor.run(Tiny.plan(s, cut, HeadType.SOFTMAX, 0, Tiny.hp(2, bn)), Tiny.inputs(zip, 0.5f, false),
                Tiny.options(tmp.resolve(name), tmp.resolve("cache")), new PrintWriter(new StringWriter()));
        return ModelSerializer.restoreComputationGraph(r.runDir().resolve("model.zip").toFile(), false);
    }

    @Test
    void frozenPolicyKeepsStatisticsAndGammaBetaWhileConvolutionsTrain() throws Exception {
        ComputationGraph m = runModel("frozen", Strategy.FINETUNE_ALL, null, BatchNormPolicy.FROZEN);
        // each frozen BN became its inference-mode map with the SOURCE statistics and gamma/beta:
        // y = gamma * (x - mean) / sqrt(var + eps) + beta, var = 10^(2 * log10stdev)
        INDArray x = TrainData.load(Tiny.images(5, 77, 0.5f), Tiny.GEOMETRY).all();
        var srcActs = source.feedForward(x, false);
        for (String[] bn : new String[][] {{"bn1", "c1"}, {"bn2", "c2"}, {"fc_bn", "fc"}}) {
            INDArray in = srcActs.get(bn[1]).dup();
            var s = source.getLayer(bn[0]);
            INDArray std = Transforms.sqrt(Transforms.pow(Nd4j.valueArrayOf(s.getParam("log10stdev").shape(), 10.0f),
                    s.getParam("log10stdev").mul(2)).add(1e-5));
            INDArray scale = s.getParam("gamma").div(std).reshape(-1);
            INDArray shift = s.getParam("beta").reshape(-1).sub(s.getParam("mean").reshape(-1).mul(scale));
            INDArray expected = in.rank() == 4
                    ? in.mul(scale.reshape(1, -1, 1, 1)).add(shift.reshape(1, -1, 1, 1))
                    : in.mulRowVector(scale).addRowVector(shift);
            INDArray viaModel = m.getLayer(bn[0]).activate(in, false, org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces());
            assertThat(viaModel.equalsWithEps(expected, 1e-3)).as(bn[0]).isTrue();
        }
        assertThat(m.getLayer("c1").params().equalsWithEps(source.getLayer("c1").params(), 1e-7)).isFalse();
    }

    @Test
    void trainPolicyUpdatesRunningStatistics() throws Exception {
        ComputationGraph m = runModel("train", Strategy.FINETUNE_ALL, null, BatchNormPolicy.TRAIN);
        assertThat(m.getLayer("bn1").getParam("mean").equalsWithEps(source.getLayer("bn1").getParam("mean"), 1e-7)).isFalse();
    }

    @Test
    void recalibrationSetsTheStatisticsToTheTargetData() throws Exception {
        ComputationGraph g = ModelSerializer.restoreComputationGraph(zip.toFile(), false);
        TrainData target = TrainData.load(Tiny.images(30, 99, 0.3f), Tiny.GEOMETRY);
        INDArray x = target.all();
        assertThat(maxGap(g, x)).isGreaterThan(0.05);
        BatchNorms.recalibrate(g, target, 1000, 32);
        assertThat(maxGap(g, x)).isLessThan(1e-3);
        // gamma and beta are kept
        assertThat(g.getLayer("bn1").getParam("gamma").equalsWithEps(source.getLayer("bn1").getParam("gamma"), 0)).isTrue();
        assertThat(g.getLayer("bn1").getParam("beta").equalsWithEps(source.getLayer("bn1").getParam("beta"), 0)).isTrue();
    }

    /** Largest gap between each BN layer's stored mean / variance and its input's per-channel mean / variance on x. */
    private static double maxGap(ComputationGraph g, INDArray x) {
        double worst = 0;
        var acts = g.feedForward(x, false);
        for (String[] bn : new String[][] {{"bn1", "c1"}, {"bn2", "c2"}, {"fc_bn", "fc"}}) {
            INDArray in = acts.get(bn[1]);
            int[] dims = in.rank() == 4 ? new int[] {0, 2, 3} : new int[] {0};
            double[] mean = in.mean(dims).toDoubleVector();
            double[] var = in.var(false, dims).toDoubleVector();
            double[] m = g.getLayer(bn[0]).getParam("mean").toDoubleVector();
            double[] l = g.getLayer(bn[0]).getParam("log10stdev").toDoubleVector();
            for (int c = 0; c < mean.length; c++) {
                worst = Math.max(worst, Math.abs(mean[c] - m[c]));
                worst = Math.max(worst, Math.abs(var[c] - Math.pow(10, 2 * l[c])) / Math.max(var[c], 1e-6));
            }
        }
        return worst;
    }

    @Test
    void recalibratePolicyInTheExecutorChangesFrozenStatisticsOnly() throws Exception {
        ComputationGraph m = runModel("recal", Strategy.FINETUNE_ABOVE, "p1", BatchNormPolicy.RECALIBRATE);
        // bn1 is below the cut (FrozenLayer, BN kept as BN) with target statistics, same gamma
        assertThat(m.getLayer("bn1").getParam("mean").equalsWithEps(source.getLayer("bn1").getParam("mean"), 1e-6)).isFalse();
        assertThat(m.getLayer("bn1").getParam("gamma").equalsWithEps(source.getLayer("bn1").getParam("gamma"), 0)).isTrue();
        // above the cut BN is frozen after recalibration: its map's scale is gamma / sqrt(var_target + eps), not the source's
        assertThat(m.getLayer("bn2").numParams()).isEqualTo(2 * 8);
        assertThat(m.getLayer("c2").params().equalsWithEps(source.getLayer("c2").params(), 1e-7)).isFalse();
    }
}
