package io.transferadvisor.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper;
import org.deeplearning4j.zoo.model.ResNet50;
import org.deeplearning4j.zoo.model.SqueezeNet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * oneDNN against the plain path, in one JVM, on the same weights and inputs: forward outputs and
 * every parameter's gradient, for fmnist-cnn (conv, batch norm, ReLU, max pooling, dense, softmax)
 * and the zoo graphs SqueezeNet (concat vertices, dropout, average pooling) and ResNet50 (add
 * vertices, 53 batch norms), random weights.
 *
 * <p>Tolerances. Outputs (softmax probabilities) within 1e-4. Gradients, as one vector over the
 * whole network: the relative difference at most max(1e-4, 5x the plain path's own change when the
 * input is scaled by 1 + 1e-6), so oneDNN is measured against the float32 sensitivity of the network
 * itself. Measured: fmnist-cnn 1.8e-6 (sensitivity 1.5e-6), SqueezeNet 1.0e-7 (9.3e-8), random
 * ResNet50 at batch 1 4.0e-2 (1.3e-2: its backward pass is chaotic, a 1e-6 nudge moves some layers'
 * gradients by 15%). The two well-conditioned networks must also match parameter by parameter
 * within 1e-3 of each gradient's largest entry. A wrong kernel differs at order 1.
 */
@org.junit.jupiter.api.Tag("slow") // trains or runs DL4J for seconds: `mvn test -DexcludedGroups=slow` skips it
class OneDnnNumericsTest {
    private String property;
    private boolean allowed;

    @org.junit.jupiter.api.BeforeEach
    void remember() {
        property = System.getProperty(OneDnn.DL4J_PROPERTY);
        allowed = Nd4j.getEnvironment().helpersAllowed();
    }

    @AfterEach
    void restore() { // other tests in this JVM see what they would have seen without this one
        if (property == null) {
            System.clearProperty(OneDnn.DL4J_PROPERTY);
        } else {
            System.setProperty(OneDnn.DL4J_PROPERTY, property);
        }
        Nd4j.getEnvironment().allowHelpers(allowed);
    }

    /** A network built with oneDNN on or off, from the same configuration and seed. */
    static ComputationGraph build(boolean onednn, Supplier<ComputationGraph> make) {
        OneDnn.set(onednn);
        Nd4j.getRandom().setSeed(7);
        return make.get();
    }

    /**
     * @param wellConditioned compare inference outputs and each parameter's gradient too (not for random
     *     ResNet50: with batch norm's initial running statistics its inference output overflows to NaN on
     *     the plain path as well, and its backward pass is chaotic, see the class comment)
     */
    static void assertSameNumbers(Supplier<ComputationGraph> make, INDArray x, INDArray y, boolean wellConditioned) {
        assertThat(OneDnn.available()).as("libnd4j reports oneDNN").isTrue();
        ComputationGraph plain = build(false, make);
        ComputationGraph fast = build(true, make);
        assertThat(fast.params()).as("same initial weights").isEqualTo(plain.params());
        // the helpers are really in use on one side and not on the other (the graph's first convolution, by its own name)
        String conv = Arrays.stream(plain.getLayers()).filter(l -> l instanceof ConvolutionLayer)
                .map(l -> l.conf().getLayer().getLayerName()).findFirst().orElseThrow();
        assertThat(helperOf(plain.getLayer(conv))).as(conv + " helper, plain").isNull();
        assertThat(helperOf(fast.getLayer(conv))).as(conv + " helper, oneDNN").isNotNull();
        OneDnn.set(true);
        assertThat(BaseMKLDNNHelper.mklDnnEnabled()).as("the Nd4jCpu shim makes DL4J's oneDNN check pass").isTrue();

        for (boolean train : wellConditioned ? new boolean[] {false, true} : new boolean[] {true}) {
            OneDnn.set(false);
            Nd4j.getRandom().setSeed(11); // the same dropout masks on both sides
            INDArray a = plain.outputSingle(train, x.dup());
            OneDnn.set(true);
            Nd4j.getRandom().setSeed(11);
            INDArray b = fast.outputSingle(train, x.dup());
            assertThat(a.isNaN().any() || a.isInfinite().any()).as("plain output finite (train=" + train + ")").isFalse();
            assertThat(a.sub(b).amaxNumber().doubleValue()).as("output difference (train=" + train + ")").isLessThan(1e-4);
        }
        OneDnn.set(false);
        Map<String, INDArray> ga = gradients(plain, x, y);
        Map<String, INDArray> nudged = gradients(plain, x.mul(1 + 1e-6), y);
        OneDnn.set(true);
        Map<String, INDArray> gb = gradients(fast, x, y);
        assertThat(gb.keySet()).isEqualTo(ga.keySet());
        double sensitivity = relativeDifference(ga, nudged);
        assertThat(relativeDifference(ga, gb)).as("gradients, whole network (plain path's own sensitivity " + sensitivity + ")")
                .isLessThanOrEqualTo(Math.max(1e-4, 5 * sensitivity));
        if (wellConditioned) {
            for (String k : ga.keySet()) {
                double scale = Math.max(1e-6, ga.get(k).amaxNumber().doubleValue());
                double diff = ga.get(k).sub(gb.get(k)).amaxNumber().doubleValue();
                assertThat(diff / scale).as("gradient " + k + " (largest " + scale + ")").isLessThan(1e-3);
            }
        }
    }

    /** ||a - b|| / ||a|| over all parameters' gradients together. */
    static double relativeDifference(Map<String, INDArray> a, Map<String, INDArray> b) {
        double norm = 0;
        double diff = 0;
        for (String k : a.keySet()) {
            norm += Math.pow(a.get(k).norm2Number().doubleValue(), 2);
            diff += Math.pow(a.get(k).sub(b.get(k)).norm2Number().doubleValue(), 2);
        }
        return Math.sqrt(diff / Math.max(norm, 1e-30));
    }

    static Map<String, INDArray> gradients(ComputationGraph g, INDArray x, INDArray y) {
        Nd4j.getRandom().setSeed(11);
        g.setInputs(x.dup());
        g.setLabels(y.dup());
        g.computeGradientAndScore();
        Map<String, INDArray> out = new TreeMap<>();
        g.gradient().gradientForVariable().forEach((k, v) -> out.put(k, v.dup()));
        return out;
    }

    static Object helperOf(Layer l) {
        try {
            return l.getClass().getMethod("getHelper").invoke(l);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(l.getClass() + " has no getHelper()", e);
        }
    }

    static INDArray oneHot(int n, int k) {
        INDArray y = Nd4j.zeros(DataType.FLOAT, n, k);
        for (int i = 0; i < n; i++) {
            y.putScalar(i, i % k, 1);
        }
        return y;
    }

    static ComputationGraph fmnistCnn() {
        ComputationGraph g = new ComputationGraph(FmnistCnn.configuration(42, 1e-3));
        g.init();
        return g;
    }

    @Test
    void fmnistCnnLayersGiveTheSameOutputsAndGradients() {
        Nd4j.getRandom().setSeed(1);
        assertSameNumbers(OneDnnNumericsTest::fmnistCnn, Nd4j.rand(DataType.FLOAT, 16, 1, 28, 28), oneHot(16, 5), true);
        // batch norm and pooling get helpers too
        OneDnn.set(true);
        ComputationGraph g = fmnistCnn();
        assertThat(helperOf(g.getLayer("b1_bn"))).isNotNull();
        assertThat(helperOf(g.getLayer("b1_pool"))).isNotNull();
    }

    @Test
    void squeezeNetGivesTheSameOutputsAndGradients() {
        Nd4j.getRandom().setSeed(2);
        assertSameNumbers(() -> (ComputationGraph) SqueezeNet.builder().numClasses(10).seed(3).build().init(),
                Nd4j.rand(DataType.FLOAT, 2, 3, 227, 227), oneHot(2, 10), true);
    }

    @Test
    void resNet50GivesTheSameOutputsAndGradients() {
        Nd4j.getRandom().setSeed(3);
        assertSameNumbers(() -> (ComputationGraph) ResNet50.builder().numClasses(10).seed(3).build().init(),
                Nd4j.rand(DataType.FLOAT, 1, 3, 224, 224), oneHot(1, 10), false);
    }

    @Test
    void theSwitchBackGivesThePlainPath() {
        System.setProperty("advisor.onednn", "false");
        try {
            assertThat(OneDnn.requested()).isFalse();
            assertThat(OneDnn.apply()).isNull();
            assertThat(OneDnn.active()).isFalse();
            assertThat(helperOf(fmnistCnn().getLayer("b1_conv"))).isNull();
        } finally {
            System.clearProperty("advisor.onednn");
        }
        assertThat(OneDnn.requested()).isTrue();
        assertThat(OneDnn.apply()).isNull();
        assertThat(OneDnn.active()).isTrue();
        assertThat(helperOf(fmnistCnn().getLayer("b1_conv"))).isNotNull();
    }
}
