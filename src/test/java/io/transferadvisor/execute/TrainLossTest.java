package io.transferadvisor.execute;

import static org.assertj.core.api.Assertions.assertThat;

import io.transferadvisor.plan.HeadType;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;

/** The training loss the loop reports is the data loss: never below zero, however well the batch is fitted. */
class TrainLossTest {
    @Test
    void aFittedBatchWithWeightDecayNeverReportsANegativeLoss() {
        // separable data and a high rate: the weights keep growing while the data loss goes to zero, so taking away
        // the weight-decay term of the parameters after the step (not the one the score holds) went below zero
        ComputationGraph net = FrozenFeatureTraining.topNetwork(java.util.List.of(new Training.NewLayer("out",
                Layers.head(HeadType.SOFTMAX, 4, 3, 0.5, null, 1e-3), Training.CUT)), org.deeplearning4j.nn.conf.inputs.InputType.feedForward(4), 1,
                java.util.List.of());
        float[] x = new float[24 * 4];
        int[] y = new int[24];
        java.util.Random r = new java.util.Random(5);
        for (int i = 0; i < y.length; i++) {
            y[i] = i % 3;
            for (int j = 0; j < 4; j++) {
                x[i * 4 + j] = (float) (r.nextGaussian() * 0.1 + (j == y[i] ? 3 : 0));
            }
        }
        TrainData data = TrainData.of(org.nd4j.linalg.factory.Nd4j.create(x, new long[] {24, 4}, 'c'), y);
        Trainer.Config cfg = new Trainer.Config("t", 3, Trainer.Labels.ONE_HOT, 8, 40, 40, 1, null, null, null, 0, 0, null);
        Trainer.Outcome o = Trainer.train(net, data, data, cfg, null, new Progress(new PrintWriter(new StringWriter()), false));
        assertThat(o.state().epochsDone()).isEqualTo(40);
        assertThat(o.state().history()).allSatisfy(e -> assertThat(e.trainLoss()).as("epoch " + e.epoch()).isGreaterThanOrEqualTo(-1e-7));
        // and it is the data loss: the last epoch's is small, as the network fits the separable batch
        assertThat(o.state().history().get(39).trainLoss()).isLessThan(0.05);
    }
}
