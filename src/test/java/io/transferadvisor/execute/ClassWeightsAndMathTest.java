package io.transferadvisor.execute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.transferadvisor.plan.Augmentation;
import io.transferadvisor.plan.HeadType;
import io.transferadvisor.report.ClassificationMetrics;
import java.util.List;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Class weights, feature standardisation folding, augmentation and metrics on known numbers. */
class ClassWeightsAndMathTest {
    @Test
    void inverseFrequencyWeightsHaveMeanOne() {
        double[] w = SingleRun.inverseFrequency(new int[] {10, 30});
        assertThat(w[0]).isCloseTo(1.5, within(1e-12));
        assertThat(w[1]).isCloseTo(0.5, within(1e-12));
        assertThat(SingleRun.inverseFrequency(new int[] {5, 0, 5})).containsExactly(1.0, 1.0, 1.0);
    }

    private static ComputationGraph head(double[] weights) {
        var g = new NeuralNetConfiguration.Builder().seed(1).graphBuilder().addInputs("f").setInputTypes(InputType.feedForward(4))
                .addLayer("head", Layers.head(HeadType.SOFTMAX, 4, 2, 0.01, weights, 0), "f").setOutputs("head").build();
        ComputationGraph net = new ComputationGraph(g);
        Nd4j.getRandom().setSeed(1);
        net.init();
        return net;
    }

    @Test
    void classWeightsChangeTheLossAsWeightedCrossEntropy() {
        ComputationGraph plain = head(null);
        ComputationGraph weighted = head(new double[] {1.5, 0.5});
        weighted.setParams(plain.params().dup());
        INDArray x = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 6, 4);
        int[] y = {0, 1, 1, 1, 1, 1};
        INDArray labels = Nd4j.zeros(6, 2);
        for (int i = 0; i < 6; i++) {
            labels.putScalar(i, y[i], 1);
        }
        DataSet ds = new DataSet(x, labels);
        double lp = plain.score(ds, false);
        double lw = weighted.score(ds, false);
        INDArray p = plain.output(false, x)[0];
        double manual = 0;
        for (int i = 0; i < 6; i++) {
            manual += (y[i] == 0 ? 1.5 : 0.5) * -Math.log(p.getDouble(i, y[i]));
        }
        assertThat(lw).isNotCloseTo(lp, within(1e-4));
        assertThat(lw).isCloseTo(manual / 6, within(1e-4));
    }

    @Test
    void standardisationFoldsExactlyIntoTheHead() {
        INDArray f = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 20, 4).muli(5).addi(3);
        Standardizer s = Standardizer.fit(f);
        ComputationGraph net = head(null);
        INDArray onStandardised = net.output(false, s.apply(f))[0];
        s.foldInto(net.getLayer("head"));
        INDArray onRaw = net.output(false, f)[0];
        assertThat(onRaw.equalsWithEps(onStandardised, 1e-4)).isTrue();
        assertThat(Transforms.abs(s.apply(f).mean(0)).maxNumber().doubleValue()).isLessThan(1e-4);
    }

    @Test
    void augmentationIsSeededAndFlipsExactly() {
        float[] img = new float[2 * 3];
        for (int i = 0; i < img.length; i++) {
            img[i] = i;
        }
        Augmenter flipOnly = new Augmenter(new Augmentation(true, 0, 0));
        float[] a = img.clone();
        float[] b = img.clone();
        flipOnly.apply(a, 1, 1, 2, 3, 42);
        flipOnly.apply(b, 1, 1, 2, 3, 42);
        assertThat(a).containsExactly(b);
        boolean flipped = a[0] == 2f;
        assertThat(a).containsExactly(flipped ? new float[] {2, 1, 0, 5, 4, 3} : img);
        float[] c = new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9};
        new Augmenter(new Augmentation(false, 1, 0)).apply(c, 1, 1, 3, 3, 7);
        float sum = 0;
        for (float v : c) {
            sum += v;
        }
        assertThat(sum).isLessThanOrEqualTo(45f);
    }

    @Test
    void metricsOnKnownPredictions() {
        ClassificationMetrics m = ClassificationMetrics.ofPredictions(new int[] {0, 0, 1, 1, 2, 2}, new int[] {0, 1, 1, 1, 2, 0},
                List.of("a", "b", "c"));
        assertThat(m.accuracy()).isCloseTo(4 / 6.0, within(1e-12));
        assertThat(m.confusion()[0]).containsExactly(1, 1, 0);
        assertThat(m.perClass().get(1).precision()).isCloseTo(2 / 3.0, within(1e-12));
        assertThat(m.perClass().get(1).recall()).isCloseTo(1.0, within(1e-12));
        assertThat(m.perClass().get(0).f1()).isCloseTo(0.5, within(1e-12));
        assertThat(m.macroF1()).isCloseTo((0.5 + 0.8 + 2 / 3.0) / 3, within(1e-12));
    }
}
