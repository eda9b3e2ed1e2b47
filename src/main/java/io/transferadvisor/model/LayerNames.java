package io.transferadvisor.model;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * MultiLayerNetwork.toComputationGraph() names vertices by layer index ("0", "1", ...). This keeps
 * the layers' own names (e.g. Keras "conv2d_1") as vertex names where they are set and unique, so cut
 * layers are named as the model's author named them. Parameters are copied unchanged.
 */
final class LayerNames {
    private LayerNames() {}

    static ComputationGraph toGraph(MultiLayerNetwork net) {
        ComputationGraph g = net.toComputationGraph();
        ComputationGraphConfiguration conf = g.getConfiguration().clone();
        Map<String, String> rename = new LinkedHashMap<>();
        Set<String> used = new HashSet<>(conf.getVertices().keySet());
        used.addAll(conf.getNetworkInputs());
        // toComputationGraph() names layer i's vertex String.valueOf(i); the MultiLayerNetwork keeps the own names.
        for (int i = 0; i < net.getnLayers(); i++) {
            Layer l = net.getLayerWiseConfigurations().getConf(i).getLayer();
            String own = l == null ? null : l.getLayerName();
            String key = String.valueOf(i);
            if (own != null && !own.isBlank() && conf.getVertices().containsKey(key) && !used.contains(own)) {
                rename.put(key, own);
                used.add(own);
            }
        }
        if (rename.isEmpty()) {
            return g;
        }
        Map<String, GraphVertex> vertices = new LinkedHashMap<>();
        Map<String, List<String>> inputs = new LinkedHashMap<>();
        for (Map.Entry<String, GraphVertex> e : conf.getVertices().entrySet()) {
            String name = rename.getOrDefault(e.getKey(), e.getKey());
            Layer l = GraphAnatomy.layerOf(e.getValue());
            if (l != null) {
                l.setLayerName(name); // ComputationGraph.init() looks vertices up by their layer's name
            }
            vertices.put(name, e.getValue());
        }
        for (Map.Entry<String, List<String>> e : conf.getVertexInputs().entrySet()) {
            List<String> in = new ArrayList<>();
            for (String s : e.getValue()) {
                in.add(rename.getOrDefault(s, s));
            }
            inputs.put(rename.getOrDefault(e.getKey(), e.getKey()), in);
        }
        List<String> outputs = new ArrayList<>();
        for (String s : conf.getNetworkOutputs()) {
            outputs.add(rename.getOrDefault(s, s));
        }
        conf.setVertices(vertices);
        conf.setVertexInputs(inputs);
        conf.setNetworkOutputs(outputs);
        conf.setTopologicalOrder(null);
        conf.setTopologicalOrderStr(null);
        ComputationGraph out = new ComputationGraph(conf);
        out.init(g.params().dup(), false);
        return out;
    }
}
