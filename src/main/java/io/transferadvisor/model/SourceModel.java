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

    /**
     * What the network wants its input to be (scaling, channel order, mean and std), applied by the
     * probe, the executor and predict to pixels fitted to [0, 1]. NONE unless the model declares one.
     */
    default io.transferadvisor.dataset.Preprocessing preprocessing() {
        return io.transferadvisor.dataset.Preprocessing.NONE;
    }

    /** Whether the weights are fresh and seeded ({@code weights: random}) rather than trained: nothing pretrained is transferred. */
    default boolean randomWeights() {
        return false;
    }

    /** This model with another preprocessing (dataset.yaml {@code preprocessing:} on the model reference). */
    default SourceModel withPreprocessing(io.transferadvisor.dataset.Preprocessing p) {
        SourceModel self = this;
        return p == null || p.equals(preprocessing()) ? this : new SourceModel() {
            @Override
            public String name() {
                return self.name();
            }

            @Override
            public ModelProfile profile() {
                return self.profile();
            }

            @Override
            public boolean available() {
                return self.available();
            }

            @Override
            public String weightsLocation() {
                return self.weightsLocation();
            }

            @Override
            public ComputationGraph load() {
                return self.load();
            }

            @Override
            public boolean randomWeights() {
                return self.randomWeights();
            }

            @Override
            public io.transferadvisor.dataset.Preprocessing preprocessing() {
                return p;
            }
        };
    }
}
