package io.transferadvisor.model;

import org.deeplearning4j.nn.graph.ComputationGraph;

/** A pretrained model the advisor can start from. */
public interface SourceModel {
    /** The name used in dataset.yaml and `advisor models`. */
    String name();

    ModelProfile profile();

    /** Whether the weights are present on this machine (no network needed to load). */
    boolean available();

    /** Where the weights are, or would have to be put. */
    String weightsLocation();

    /**
     * Loads the pretrained network as a ComputationGraph (MultiLayerNetworks are converted), so
     * the executor and probe handle one kind of network.
     *
     * @throws ModelException naming the missing file, its expected checksum and where to put it
     */
    ComputationGraph load();
}
