package io.transferadvisor.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.transferadvisor.dataset.InputGeometry;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class BatchNormReferenceTest {
    static final double EPS = 10; // large, so "eps added or not" changes outputs visibly

    private static ComputationGraph denseBn() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(3).updater(new Sgd(0.0))
                .graphBuilder()
                .addInputs("x")
                .addLayer("lin", new DenseLayer.Builder().nOut(3).activation(Activation.IDENTITY).build(), "x")
                .addLayer("norm", new BatchNormalization.Builder().eps(EPS).decay(0.0).build(), "lin")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2).activation(Activation.SOFTMAX).build(), "norm")
                .setOutputs("out")
                .setInputTypes(InputType.feedForward(3))
                .build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    @Test
    void storedStatisticsAreTheRunningMeanAndVarianceWithoutEps() {
        ComputationGraph g = denseBn();
        Random r = new Random(1);
        INDArray x = Nd4j.zeros(64, 3);
        INDArray y = Nd4j.zeros(64, 2);
        for (int i = 0; i < 64; i++) {
            for (int j = 0; j < 3; j++) {
                x.putScalar(i, j, 2 + 3 * r.nextGaussian() * (j + 1));
            }
            y.putScalar(i, i % 2, 1);
        }
        g.fit(new INDArray[] {x}, new INDArray[] {y}); // decay 0: running stats = this batch's stats
        INDArray lin = g.feedForward(x, false).get("lin");
        double[] batchMean = lin.mean(0).toDoubleVector();
        double[] batchVar = lin.var(false, 0).toDoubleVector();

        DomainShift.Stats s = BatchNormReference.stats(g, "norm");
        for (int c = 0; c < 3; c++) {
            assertThat(s.mean()[c]).isCloseTo(batchMean[c], within(1e-3 * (1 + Math.abs(batchMean[c]))));
            // 10^(2*log10stdev) is the running variance itself (DL4J M2.1 keeps eps out of it)
            assertThat(s.variance()[c]).isCloseTo(batchVar[c], within(1e-3 * batchVar[c]));
        }

        // ... and inference adds eps: out = gamma * (x - mean) / sqrt(10^(2*log10stdev) + eps) + beta
        INDArray out = g.feedForward(x, false).get("norm");
        Map<String, INDArray> p = g.getLayer("norm").paramTable();
        double gamma = p.get("gamma").getDouble(0);
        double beta = p.get("beta").getDouble(0);
        double std = Math.pow(10, p.get("log10stdev").getDouble(0));
        double withEps = gamma * (lin.getDouble(5, 0) - p.get("mean").getDouble(0)) / Math.sqrt(std * std + EPS) + beta;
        double withoutEps = gamma * (lin.getDouble(5, 0) - p.get("mean").getDouble(0)) / std + beta;
        assertThat(out.getDouble(5, 0)).isCloseTo(withEps, within(1e-4));
        assertThat(Math.abs(out.getDouble(5, 0) - withoutEps)).isGreaterThan(1e-4);
    }

    @Test
    void findsTheLastBatchNormOfEachBlockAndItsInput() {
        ComputationGraph g = TinyGraphs.convBn(new InputGeometry(10, 10, 1), 3, 1);
        Map<String, BatchNormReference.Reference> refs = BatchNormReference.find(g, List.of("k1_down", "d1"));
        assertThat(refs).containsOnlyKeys("k1_down");
        assertThat(refs.get("k1_down").batchNorm()).isEqualTo("k1_norm");
        assertThat(refs.get("k1_down").input()).isEqualTo("k1");
        assertThat(refs.get("k1_down").stats().mean()).hasSize(4);
    }
}
