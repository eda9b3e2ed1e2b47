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
                lv.getLayerConf().setLayer(new FrozenLayerWithBackprop(l));
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
