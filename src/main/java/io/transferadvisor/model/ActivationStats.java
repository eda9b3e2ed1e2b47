package io.transferadvisor.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Per-channel mean and variance of chosen vertices' activations, in inference mode, accumulated in
 * double precision over minibatches (population variance over images and spatial positions).
 */
public final class ActivationStats {
    private ActivationStats() {}

    /**
     * @param graph   the network
     * @param layers  vertex names to measure
     * @param batches input minibatches ([n, c, h, w])
     */
    public static Map<String, ModelProfile.ChannelStats> measure(ComputationGraph graph, List<String> layers, Iterable<INDArray> batches) {
        Map<String, double[]> sum = new LinkedHashMap<>();
        Map<String, double[]> sumSq = new LinkedHashMap<>();
        Map<String, Long> count = new LinkedHashMap<>();
        int images = 0;
        for (INDArray batch : batches) {
            Map<String, INDArray> acts = graph.feedForward(batch, false);
            images += (int) batch.size(0);
            for (String layer : layers) {
                INDArray a = acts.get(layer);
                if (a == null) {
                    throw new ModelException("layer '" + layer + "' produced no activation; valid layers: " + acts.keySet());
                }
                int[] reduce = a.rank() == 4 ? new int[] {0, 2, 3} : new int[] {0};
                long perChannel = a.rank() == 4 ? a.size(0) * a.size(2) * a.size(3) : a.size(0);
                INDArray ad = a.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE);
                double[] s = ad.sum(reduce).toDoubleVector();
                double[] q = ad.mul(ad).sum(reduce).toDoubleVector();
                add(sum, layer, s);
                add(sumSq, layer, q);
                count.merge(layer, perChannel, Long::sum);
            }
        }
        Map<String, ModelProfile.ChannelStats> out = new LinkedHashMap<>();
        for (String layer : layers) {
            double[] s = sum.get(layer);
            double[] q = sumSq.get(layer);
            long n = count.get(layer);
            double[] mean = new double[s.length];
            double[] var = new double[s.length];
            for (int c = 0; c < s.length; c++) {
                mean[c] = s[c] / n;
                var[c] = Math.max(0, q[c] / n - mean[c] * mean[c]);
            }
            out.put(layer, new ModelProfile.ChannelStats(images, mean, var));
        }
        return out;
    }

    private static void add(Map<String, double[]> acc, String key, double[] v) {
        double[] cur = acc.get(key);
        if (cur == null) {
            acc.put(key, v.clone());
        } else {
            for (int i = 0; i < v.length; i++) {
                cur[i] += v[i];
            }
        }
    }
}
