package io.transferadvisor.execute;

import io.transferadvisor.model.GraphAnatomy;
import io.transferadvisor.model.ModelException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.impl.FrozenVertex;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * Graph surgery on ComputationGraphs: everything is addressed by the model's own vertex names,
 * read from its configuration.
 */
public final class Networks {
    private Networks() {}

    /** Vertex names, inputs first, in topological order. */
    public static List<String> order(ComputationGraphConfiguration conf) {
        return GraphAnatomy.topologicalOrder(conf);
    }

    /** The vertex and every vertex it depends on (network inputs included). */
    public static Set<String> ancestors(ComputationGraphConfiguration conf, String vertex) {
        Set<String> seen = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>();
        todo.add(vertex);
        while (!todo.isEmpty()) {
            String v = todo.pop();
            if (seen.add(v)) {
                List<String> in = conf.getVertexInputs().get(v);
                if (in != null) {
                    todo.addAll(in);
                }
            }
        }
        return seen;
    }

    /** The single network output vertex (the source classifier). */
    public static String outputName(ComputationGraphConfiguration conf) {
        if (conf.getNetworkOutputs().size() != 1) {
            throw new ModelException("network has " + conf.getNetworkOutputs().size() + " outputs "
                    + conf.getNetworkOutputs() + "; the advisor needs exactly one classifier output");
        }
        return conf.getNetworkOutputs().get(0);
    }

    /** Fails with the list of valid layers when the name is not a vertex of the network. */
    public static void requireLayer(ComputationGraphConfiguration conf, String layer, String modelName, List<String> candidates) {
        if (layer == null || !conf.getVertices().containsKey(layer)) {
            List<String> valid = new ArrayList<>(order(conf));
            valid.removeAll(conf.getNetworkInputs());
            valid.remove(outputName(conf));
            throw new ModelException("cutoff layer '" + layer + "' not found in " + modelName + "; valid: "
                    + String.join(", ", valid) + (candidates.isEmpty() ? "" : " (recommended cuts: " + String.join(", ", candidates) + ")"));
        }
        if (layer.equals(outputName(conf))) {
            throw new ModelException("cutoff layer '" + layer + "' is the classifier output of " + modelName
                    + "; cut below it, e.g. one of " + candidates);
        }
    }

    /** Activation type of a vertex for the network's input type. */
    public static InputType typeOf(ComputationGraphConfiguration conf, InputType input, String vertex) {
        if (conf.getNetworkInputs().contains(vertex)) {
            return input;
        }
        InputType t = conf.getLayerActivationTypes(input).get(vertex);
        if (t == null) {
            throw new ModelException("no activation type known for vertex '" + vertex + "'");
        }
        return t;
    }

    /** The layer configuration inside a vertex, unwrapping frozen wrappers; null for non-layer vertices. */
    public static Layer layerConf(GraphVertex v) {
        if (!(v instanceof LayerVertex lv) || lv.getLayerConf() == null) {
            return null;
        }
        return unwrap(lv.getLayerConf().getLayer());
    }

    public static Layer unwrap(Layer l) {
        if (l instanceof FrozenLayer f) {
            return unwrap(f.getLayer());
        }
        if (l instanceof FrozenLayerWithBackprop f) {
            return unwrap(f.getUnderlying());
        }
        return l;
    }

    public static boolean isFrozen(GraphVertex v) {
        return v instanceof LayerVertex lv && lv.getLayerConf() != null
                && (lv.getLayerConf().getLayer() instanceof FrozenLayer || lv.getLayerConf().getLayer() instanceof FrozenLayerWithBackprop);
    }

    /** Whether the runtime layer of a vertex is frozen (FrozenLayer, FrozenLayerWithBackprop or FrozenVertex). */
    public static boolean isFrozenRuntime(ComputationGraph g, String name) {
        var v = g.getVertex(name);
        if (v instanceof FrozenVertex) {
            return true;
        }
        if (!v.hasLayer()) {
            return false;
        }
        var l = v.getLayer();
        return l instanceof org.deeplearning4j.nn.layers.FrozenLayer || l instanceof org.deeplearning4j.nn.layers.FrozenLayerWithBackprop;
    }

    /** nIn of the (first) dense/output layer in a vertex. */
    public static long nIn(GraphVertex v) {
        Layer l = layerConf(v);
        if (l instanceof FeedForwardLayer f) {
            return f.getNIn();
        }
        throw new ModelException("vertex " + v + " is not a feed-forward layer with nIn");
    }

    /**
     * Removes every vertex that is not needed to compute {@code cut}; the returned builder ends
     * at {@code cut} (add layers on top and set outputs).
     */
    public static TransferLearning.GraphBuilder cutAbove(TransferLearning.GraphBuilder b, ComputationGraphConfiguration conf, String cut) {
        Set<String> keep = ancestors(conf, cut);
        List<String> all = order(conf);
        for (int i = all.size() - 1; i >= 0; i--) {
            String v = all.get(i);
            if (!keep.contains(v)) {
                b.removeVertexAndConnections(v);
            }
        }
        return b;
    }

    /** A network computing the activation of {@code cut} (inference only; shares nothing with the source). */
    public static ComputationGraph truncated(ComputationGraph source, String cut, InputType input) {
        var conf = source.getConfiguration();
        TransferLearning.GraphBuilder b = new TransferLearning.GraphBuilder(source);
        cutAbove(b, conf, cut).setOutputs(cut).setInputTypes(input);
        return b.build();
    }

    /** A unique vertex name based on {@code base} (base, base_2, ...). */
    public static String unique(ComputationGraphConfiguration conf, String base) {
        String name = base;
        int i = 2;
        while (conf.getVertices().containsKey(name) || conf.getNetworkInputs().contains(name)) {
            name = base + "_" + i++;
        }
        return name;
    }

    /**
     * Rewrites layer configurations in place (use on a clone): per-layer updaters and frozen wrappers.
     *
     * @param updaters   vertex -> updater for trainable layers (others keep theirs)
     * @param freezeWithBackprop vertices to wrap in FrozenLayerWithBackprop (parameters kept, gradients pass)
     */
    public static void rewrite(ComputationGraphConfiguration conf, Map<String, IUpdater> updaters, Set<String> freezeWithBackprop) {
        for (Map.Entry<String, GraphVertex> e : conf.getVertices().entrySet()) {
            if (!(e.getValue() instanceof LayerVertex lv) || lv.getLayerConf() == null) {
                continue;
            }
            Layer l = lv.getLayerConf().getLayer();
            IUpdater u = updaters.get(e.getKey());
            if (u != null && l instanceof BaseLayer bl) {
                bl.setIUpdater(u.clone());
                bl.setBiasUpdater(u.clone());
            }
            if (freezeWithBackprop.contains(e.getKey()) && !isFrozen(lv)) {
                FrozenLayerWithBackprop wrapped = new FrozenLayerWithBackprop(l);
                wrapped.setLayerName(e.getKey());
                lv.getLayerConf().setLayer(wrapped);
            }
        }
    }

    /** Names of vertices holding a BatchNormalization layer (possibly wrapped). */
    public static List<String> batchNormLayers(ComputationGraphConfiguration conf) {
        List<String> out = new ArrayList<>();
        for (String v : order(conf)) {
            if (layerConf(conf.getVertices().get(v)) instanceof BatchNormalization) {
                out.add(v);
            }
        }
        return out;
    }

    /** Rebuilds a network from a (modified) configuration and copies the parameters of {@code from} (same layout). */
    public static ComputationGraph rebuild(ComputationGraphConfiguration conf, ComputationGraph from) {
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        if (from != null) {
            if (from.numParams() != g.numParams()) {
                throw new IllegalStateException("parameter layout changed: " + from.numParams() + " vs " + g.numParams());
            }
            g.setParams(from.params().dup());
        }
        return g;
    }

    /**
     * Replaces frozen BatchNormalization layers by the fixed per-channel affine map they compute in
     * inference mode, y = a * x + b (M2.1's BatchNormalization applies no activation, whatever its
     * configuration says: measured) with a = gamma / sqrt(var + eps), b = beta - mean * a (a 1x1
     * depthwise convolution for maps, an element-wise layer for flat inputs), wrapped in
     * FrozenLayerWithBackprop. Exact at inference, and gradients pass through to the layers below
     * (DL4J M2.1 cannot backpropagate through an inference-mode BatchNormalization: its backprop
     * reads workspace arrays of a forward pass that ran in test mode). Returns the new parameters.
     */
    public static Map<String, Map<String, org.nd4j.linalg.api.ndarray.INDArray>> freezeBatchNorms(
            ComputationGraphConfiguration conf, ComputationGraph from, InputType input, Set<String> bns) {
        Map<String, Map<String, org.nd4j.linalg.api.ndarray.INDArray>> params = new java.util.HashMap<>();
        Map<String, InputType> types = conf.getLayerActivationTypes(input);
        for (String bn : bns) {
            LayerVertex lv = (LayerVertex) conf.getVertices().get(bn);
            BatchNormalization b = (BatchNormalization) unwrap(lv.getLayerConf().getLayer());
            var layer = from.getLayer(bn);
            double[] gamma = layer.getParam("gamma").toDoubleVector();
            double[] beta = layer.getParam("beta").toDoubleVector();
            double[] mean = layer.getParam("mean").toDoubleVector();
            double[] var;
            if (layer.paramTable().containsKey("log10stdev")) {
                double[] l = layer.getParam("log10stdev").toDoubleVector();
                var = new double[l.length];
                for (int i = 0; i < l.length; i++) {
                    var[i] = Math.pow(10, 2 * l[i]);
                }
            } else {
                var = layer.getParam("var").toDoubleVector();
            }
            int c = gamma.length;
            float[] a = new float[c];
            float[] off = new float[c];
            for (int i = 0; i < c; i++) {
                a[i] = (float) (gamma[i] / Math.sqrt(var[i] + b.getEps()));
                off[i] = (float) (beta[i] - mean[i] * a[i]);
            }
            String in = conf.getVertexInputs().get(bn).get(0);
            InputType t = conf.getNetworkInputs().contains(in) ? input : types.get(in);
            Layer replacement;
            Map<String, org.nd4j.linalg.api.ndarray.INDArray> p = new java.util.LinkedHashMap<>();
            if (t instanceof InputType.InputTypeConvolutional) {
                replacement = new org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D.Builder(1, 1).nIn(c).nOut(c)
                        .depthMultiplier(1).hasBias(true).activation(org.nd4j.linalg.activations.Activation.IDENTITY)
                        .convolutionMode(org.deeplearning4j.nn.conf.ConvolutionMode.Truncate)
                        .weightInit(org.deeplearning4j.nn.weights.WeightInit.XAVIER).updater(new org.nd4j.linalg.learning.config.NoOp())
                        .biasUpdater(new org.nd4j.linalg.learning.config.NoOp()).build();
                p.put("W", org.nd4j.linalg.factory.Nd4j.create(a).reshape(1, 1, c, 1));
            } else {
                replacement = new org.deeplearning4j.nn.conf.layers.misc.ElementWiseMultiplicationLayer.Builder().nIn(c).nOut(c)
                        .activation(org.nd4j.linalg.activations.Activation.IDENTITY).weightInit(org.deeplearning4j.nn.weights.WeightInit.XAVIER)
                        .updater(new org.nd4j.linalg.learning.config.NoOp()).biasUpdater(new org.nd4j.linalg.learning.config.NoOp()).build();
                p.put("W", org.nd4j.linalg.factory.Nd4j.create(a).reshape(1, c));
            }
            p.put("b", org.nd4j.linalg.factory.Nd4j.create(off).reshape(1, c));
            replacement.setLayerName(bn);
            FrozenLayerWithBackprop wrapped = new FrozenLayerWithBackprop(replacement);
            wrapped.setLayerName(bn); // without it the saved model does not load (init looks inputs up by layer name)
            lv.getLayerConf().setLayer(wrapped);
            // the configuration still lists the batch norm's gamma/beta/mean/log10stdev; init adds W and b, and
            // ComputationGraph.summary() looks every listed variable up in the parameter table (a NullPointerException)
            lv.getLayerConf().clearVariables();
            params.put(bn, p);
        }
        return params;
    }

    /** Builds a network from a configuration, copying parameters layer by layer from {@code from}, with some replaced. */
    public static ComputationGraph rebuildByName(ComputationGraphConfiguration conf, ComputationGraph from,
                                                 Map<String, Map<String, org.nd4j.linalg.api.ndarray.INDArray>> replaced) {
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        for (String v : conf.getVertices().keySet()) {
            var dst = g.getLayer(v);
            if (dst == null || dst.numParams() == 0) {
                continue;
            }
            Map<String, org.nd4j.linalg.api.ndarray.INDArray> p = replaced.get(v);
            if (p != null) {
                for (Map.Entry<String, org.nd4j.linalg.api.ndarray.INDArray> e : p.entrySet()) {
                    org.nd4j.linalg.api.ndarray.INDArray cur = dst.getParam(e.getKey());
                    dst.setParam(e.getKey(), e.getValue().reshape(cur.shape()).castTo(cur.dataType()));
                }
            } else {
                copyParams(from, g, v);
            }
        }
        return g;
    }

    /** Copies a vertex's parameters by name from one graph to another (shapes must agree). */
    public static void copyParams(ComputationGraph from, ComputationGraph to, String vertex) {
        var src = from.getLayer(vertex);
        var dst = to.getLayer(vertex);
        if (src == null || dst == null) {
            throw new IllegalStateException("vertex " + vertex + " missing in " + (src == null ? "source" : "target"));
        }
        for (Map.Entry<String, org.nd4j.linalg.api.ndarray.INDArray> p : src.paramTable().entrySet()) {
            dst.setParam(p.getKey(), p.getValue().dup());
        }
    }
}
