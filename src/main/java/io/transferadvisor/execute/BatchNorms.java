package io.transferadvisor.execute;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Batch-norm recalibration (AdaBN): re-estimates each BN layer's running mean and variance on
 * target images, layer by layer in topological order (so each layer sees inputs already
 * normalised with its predecessors' new statistics), keeping gamma and beta.
 */
public final class BatchNorms {
    private BatchNorms() {}

    /**
     * Recalibrates every BatchNormalization layer of {@code net} in place on {@code images} (at most
     * {@code maxImages}, the first ones: callers pass shuffled data). Returns the layers changed.
     */
    public static List<String> recalibrate(ComputationGraph net, TrainData images, int maxImages, int batchSize) {
        var conf = net.getConfiguration();
        List<String> bns = Networks.batchNormLayers(conf);
        int n = Math.min(maxImages, images.size());
        if (n < 2) {
            throw new TrainingException("cannot recalibrate batch norm on " + n + " images; need at least 2 (use batchNorm: FROZEN)");
        }
        for (String bn : bns) {
            String input = conf.getVertexInputs().get(bn).get(0);
            BatchNormalization bnConf = (BatchNormalization) Networks.layerConf(conf.getVertices().get(bn));
            double[] sum = null;
            double[] sumSq = null;
            long count = 0;
            for (int from = 0; from < n; from += batchSize) {
                int to = Math.min(n, from + batchSize);
                INDArray x = images.slice(from, to);
                // feedForward returns detached activations (output(List, ...) trips over workspaces in M2.1)
                INDArray a = conf.getNetworkInputs().contains(input) ? x : net.feedForward(x, false).get(input);
                INDArray ad = a.castTo(DataType.DOUBLE);
                int[] dims = a.rank() == 4 ? new int[] {0, 2, 3} : new int[] {0};
                double[] s = ad.sum(dims).toDoubleVector();
                double[] q = ad.mul(ad).sum(dims).toDoubleVector();
                if (sum == null) {
                    sum = s;
                    sumSq = q;
                } else {
                    for (int c = 0; c < s.length; c++) {
                        sum[c] += s[c];
                        sumSq[c] += q[c];
                    }
                }
                count += a.rank() == 4 ? a.size(0) * a.size(2) * a.size(3) : a.size(0);
            }
            double[] mean = new double[sum.length];
            double[] var = new double[sum.length];
            for (int c = 0; c < sum.length; c++) {
                mean[c] = sum[c] / count;
                var[c] = Math.max(0, sumSq[c] / count - mean[c] * mean[c]);
            }
            setStatistics(net, bn, mean, var, bnConf.getEps());
        }
        return bns;
    }

    /** Writes running mean and variance into a BN layer, in whichever form it stores them. */
    static void setStatistics(ComputationGraph net, String bn, double[] mean, double[] var, double eps) {
        var layer = net.getLayer(bn);
        Map<String, INDArray> params = layer.paramTable();
        INDArray meanParam = params.get("mean");
        layer.setParam("mean", Nd4j.create(mean).reshape(meanParam.shape()).castTo(meanParam.dataType()));
        if (params.containsKey("log10stdev")) {
            // M2.1 stores the variance WITHOUT eps (10^(2*log10stdev) = var; inference adds eps),
            // measured by the probe's BatchNormReferenceTest and checked again by BatchNormPolicyTest.
            double[] log = new double[var.length];
            for (int c = 0; c < var.length; c++) {
                log[c] = 0.5 * Math.log10(Math.max(var[c], 1e-12));
            }
            INDArray p = params.get("log10stdev");
            layer.setParam("log10stdev", Nd4j.create(log).reshape(p.shape()).castTo(p.dataType()));
        } else {
            INDArray p = params.get("var");
            layer.setParam("var", Nd4j.create(var).reshape(p.shape()).castTo(p.dataType()));
        }
    }
}
