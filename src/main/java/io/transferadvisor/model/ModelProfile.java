package io.transferadvisor.model;

import io.transferadvisor.dataset.InputGeometry;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the advisor knows about a pretrained model without loading it: written to profiles/ by
 * `advisor pretrain` (or derived for zoo models), read by `advisor models`, the probe and the rules.
 *
 * @param name            the name used in dataset.yaml (e.g. "fmnist-cnn")
 * @param sourceDataset   what it was trained on (e.g. "Fashion-MNIST classes 0-4")
 * @param sourceClasses   the source classifier's class names, in output order
 * @param input           input geometry
 * @param parameters      number of parameters
 * @param layers          every layer/vertex in topological order, with the model's own names
 * @param candidateCuts   the layer names that make sense as cutoffs, input side first
 * @param activationStats per candidate layer: per-channel mean and variance on source data
 * @param sha256          SHA-256 of the weights file
 * @param provenance      how it was made (seed, epochs, versions, data hash, test accuracy)
 */
public record ModelProfile(
        int schemaVersion,
        String name,
        String sourceDataset,
        List<String> sourceClasses,
        InputGeometry input,
        long parameters,
        List<LayerInfo> layers,
        List<String> candidateCuts,
        Map<String, ChannelStats> activationStats,
        String sha256,
        Map<String, Object> provenance) {

    public static final int SCHEMA_VERSION = 1;

    public ModelProfile {
        sourceClasses = List.copyOf(sourceClasses);
        layers = List.copyOf(layers);
        candidateCuts = List.copyOf(candidateCuts);
        // Insertion order is kept (cuts input side first, provenance as written) so the JSON stays readable and diffable.
        activationStats = activationStats == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(activationStats));
        provenance = provenance == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(provenance));
    }

    /**
     * One layer (vertex) of the network.
     *
     * @param name        the model's own name
     * @param type        layer class simple name (ConvolutionLayer, BatchNormalization, ...)
     * @param outputShape e.g. [64, 7, 7] for CHW, [128] for dense
     * @param parameters  number of parameters
     * @param inputs      names of the vertices feeding it
     */
    public record LayerInfo(String name, String type, List<Integer> outputShape, long parameters, List<String> inputs) {
        public LayerInfo {
            outputShape = List.copyOf(outputShape);
            inputs = inputs == null ? List.of() : List.copyOf(inputs);
        }
    }

    /** Per-channel mean and variance of a layer's activations over a source sample of n images. */
    public record ChannelStats(int samples, double[] mean, double[] variance) {}
}
