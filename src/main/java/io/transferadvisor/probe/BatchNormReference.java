package io.transferadvisor.probe;

import io.transferadvisor.model.GraphAnatomy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Source-domain statistics stored in BatchNormalization layers: the running mean and variance of
 * the BN layer's INPUT over the source training data.
 *
 * <p>DL4J 1.0.0-M2.1 stores {@code gamma, beta, mean, log10stdev} (useLogStd, the default) or
 * {@code gamma, beta, mean, var}. Measured (BatchNormReferenceTest, with eps = 10 and decay 0):
 * the stored 10^(2*log10stdev) equals the batch variance itself, WITHOUT eps, and inference adds
 * eps: out = gamma * (x - mean) / sqrt(10^(2*log10stdev) + eps) + beta. So the source variance is
 * 10^(2*log10stdev) (or var) as stored, floored at a tiny positive value.
 */
public final class BatchNormReference {
    private BatchNormReference() {}

    /**
     * @param batchNorm  the BN layer's name
     * @param input      the vertex whose activation the BN normalises
     * @param stats      source per-channel mean and variance of that input
     */
    public record Reference(String batchNorm, String input, DomainShift.Stats stats) {}

    /**
     * For each candidate cut, the last BatchNormalization in its block (the vertices after the
     * previous cut, up to and including this one), if any.
     */
    public static Map<String, Reference> find(ComputationGraph graph, List<String> cuts) {
        ComputationGraphConfiguration conf = graph.getConfiguration();
        List<String> order = GraphAnatomy.topologicalOrder(conf);
        Map<String, Reference> out = new LinkedHashMap<>();
        int start = 0;
        for (String cut : cuts) {
            int end = order.indexOf(cut);
            if (end < 0) {
                throw new io.transferadvisor.model.ModelException("candidate cut '" + cut + "' is not a vertex of the network; valid: "
                        + String.join(", ", order));
            }
            String bn = null;
            for (int i = start; i <= end; i++) {
                GraphVertex v = conf.getVertices().get(order.get(i));
                if (v instanceof LayerVertex lv && lv.getLayerConf().getLayer() instanceof BatchNormalization) {
                    bn = order.get(i);
                }
            }
            if (bn != null) {
                List<String> inputs = conf.getVertexInputs().get(bn);
                if (inputs != null && inputs.size() == 1 && !conf.getNetworkInputs().contains(inputs.get(0))) {
                    out.put(cut, new Reference(bn, inputs.get(0), stats(graph, bn)));
                }
            }
            start = end + 1;
        }
        return out;
    }

    /** The source statistics stored in one BN layer. */
    public static DomainShift.Stats stats(ComputationGraph graph, String bnName) {
        Layer layer = graph.getLayer(bnName);
        BatchNormalization conf = (BatchNormalization) ((LayerVertex) graph.getConfiguration().getVertices().get(bnName))
                .getLayerConf().getLayer();
        Map<String, INDArray> params = layer.paramTable();
        double[] mean = params.get("mean").toDoubleVector();
        double[] var;
        if (params.containsKey("log10stdev")) {
            double[] l = params.get("log10stdev").toDoubleVector();
            var = new double[l.length];
            for (int i = 0; i < l.length; i++) {
                var[i] = Math.pow(10, 2 * l[i]);
            }
        } else if (params.containsKey("var")) {
            var = params.get("var").toDoubleVector();
        } else {
            throw new io.transferadvisor.model.ModelException("BatchNormalization '" + bnName + "' has parameters " + params.keySet()
                    + "; expected mean with log10stdev or var");
        }
        for (int i = 0; i < var.length; i++) {
            var[i] = Math.max(var[i], 1e-12);
        }
        return new DomainShift.Stats(mean, var);
    }
}
