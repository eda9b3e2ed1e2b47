package io.transferadvisor.model;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LocalResponseNormalization;
import org.nd4j.linalg.activations.impl.ActivationIdentity;

/**
 * Reads a network's structure from its configuration alone (no weights needed): layers in
 * topological order with output shapes and parameter counts, and the candidate cut layers.
 *
 * <p>A candidate cut is the vertex that ends a block: of the choke points (every path from the
 * input to the output passes through them) after at least one weight layer that are not
 * pre-activation values (a weight layer without non-linearity, or a normalisation layer), the last
 * one before the next weight layer (convolution, dense or output) in topological order. So
 * conv-BN-ReLU-pool ends at the pool, a residual block at its merge (or the activation after it),
 * and a dense layer with a built-in non-linearity ends a block itself. Convolutions with a
 * built-in activation end one only when a pooling or other non-weight vertex follows.
 */
public final class GraphAnatomy {
    private GraphAnatomy() {}

    /** Vertex names in a deterministic topological order (inputs first, ties by declaration order). */
    public static List<String> topologicalOrder(ComputationGraphConfiguration conf) {
        Map<String, List<String>> inputs = conf.getVertexInputs();
        List<String> declared = new ArrayList<>(conf.getNetworkInputs());
        for (String v : conf.getVertices().keySet()) {
            if (!declared.contains(v)) {
                declared.add(v);
            }
        }
        Map<String, Integer> pending = new HashMap<>();
        Map<String, List<String>> consumers = consumers(conf);
        for (String v : declared) {
            List<String> in = inputs.get(v);
            pending.put(v, in == null ? 0 : in.size());
        }
        List<String> order = new ArrayList<>();
        Set<String> done = new HashSet<>();
        // Kahn's algorithm, always taking the earliest-declared ready vertex.
        while (order.size() < declared.size()) {
            String next = null;
            for (String v : declared) {
                if (!done.contains(v) && pending.get(v) == 0) {
                    next = v;
                    break;
                }
            }
            if (next == null) {
                throw new ModelException("network graph has a cycle among " + declared.size() + " vertices; it cannot be a feed-forward CNN");
            }
            done.add(next);
            order.add(next);
            for (String c : consumers.getOrDefault(next, List.of())) {
                pending.merge(c, -1, Integer::sum);
            }
        }
        return order;
    }

    /** For each vertex, the vertices it feeds. */
    public static Map<String, List<String>> consumers(ComputationGraphConfiguration conf) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : conf.getVertexInputs().entrySet()) {
            for (String in : e.getValue()) {
                out.computeIfAbsent(in, k -> new ArrayList<>()).add(e.getKey());
            }
        }
        return out;
    }

    /** Every vertex (inputs included) with type, output shape (no batch dimension) and parameter count. */
    public static List<ModelProfile.LayerInfo> layers(ComputationGraphConfiguration conf, InputType... inputTypes) {
        Map<String, InputType> types = conf.getLayerActivationTypes(inputTypes);
        List<String> netInputs = conf.getNetworkInputs();
        List<ModelProfile.LayerInfo> layers = new ArrayList<>();
        for (String name : topologicalOrder(conf)) {
            InputType t = types.get(name);
            if (t == null && netInputs.contains(name)) {
                t = inputTypes[netInputs.indexOf(name)];
            }
            List<Integer> shape = new ArrayList<>();
            if (t != null) {
                for (long d : t.getShape(false)) {
                    shape.add(Math.toIntExact(d));
                }
            }
            GraphVertex v = conf.getVertices().get(name);
            String type = v == null ? "Input" : typeName(v);
            long params = v == null ? 0 : v.numParams(true);
            layers.add(new ModelProfile.LayerInfo(name, type, shape, params, conf.getVertexInputs().get(name)));
        }
        return layers;
    }

    /** Total parameters of the configuration. */
    public static long parameters(ComputationGraphConfiguration conf) {
        long n = 0;
        for (GraphVertex v : conf.getVertices().values()) {
            n += v.numParams(true);
        }
        return n;
    }

    /** The vertices that end a block, input side first (see the class comment for the rule). */
    public static List<String> candidateCuts(ComputationGraphConfiguration conf) {
        List<String> order = topologicalOrder(conf);
        Map<String, List<String>> consumers = consumers(conf);
        Set<String> outputs = new HashSet<>(conf.getNetworkOutputs());
        Map<String, Integer> position = new HashMap<>();
        for (int i = 0; i < order.size(); i++) {
            position.put(order.get(i), i);
        }
        List<String> cuts = new ArrayList<>();
        boolean seenWeights = false;
        String pending = null; // the last eligible choke point since the last weight layer
        // Vertices before position i whose consumers reach beyond i ("live" edges over the cut).
        Deque<String> live = new ArrayDeque<>();
        for (int i = 0; i < order.size(); i++) {
            String name = order.get(i);
            final int here = i;
            live.removeIf(v -> consumers.getOrDefault(v, List.of()).stream().allMatch(c -> position.get(c) <= here));
            boolean chokePoint = live.isEmpty();
            if (consumers.getOrDefault(name, List.of()).stream().anyMatch(c -> position.get(c) > here)) {
                live.add(name);
            }
            GraphVertex v = conf.getVertices().get(name);
            Layer layer = layerOf(v);
            if (isWeightLayer(layer)) {
                if (pending != null) {
                    cuts.add(pending);
                    pending = null;
                }
                seenWeights = true;
            }
            if (chokePoint && seenWeights && v != null && !outputs.contains(name) && endsBlock(layer)) {
                pending = name;
            }
        }
        return cuts;
    }

    private static boolean endsBlock(Layer layer) {
        if (layer == null) {
            return true; // merge, element-wise, preprocessor vertices: post-activation values
        }
        if (layer instanceof BatchNormalization || layer instanceof LocalResponseNormalization) {
            return false;
        }
        if (isWeightLayer(layer)) {
            return layer instanceof DenseLayer && hasNonLinearity(layer);
        }
        return true;
    }

    private static boolean hasNonLinearity(Layer layer) {
        return layer instanceof BaseLayer b && b.getActivationFn() != null && !(b.getActivationFn() instanceof ActivationIdentity);
    }

    static boolean isWeightLayer(Layer layer) {
        return layer instanceof ConvolutionLayer || layer instanceof DenseLayer || layer instanceof BaseOutputLayer;
    }

    static Layer layerOf(GraphVertex v) {
        return v instanceof LayerVertex lv && lv.getLayerConf() != null ? lv.getLayerConf().getLayer() : null;
    }

    private static String typeName(GraphVertex v) {
        Layer layer = layerOf(v);
        return layer != null ? layer.getClass().getSimpleName() : v.getClass().getSimpleName();
    }
}
