package io.transferadvisor.execute;

import java.util.List;

/**
 * Where one training phase stands, saved after every epoch (checkpoints/PHASE.state.json).
 *
 * @param phase       phase name ("train", "autoencoder", ...)
 * @param epochsDone  epochs completed
 * @param bestEpoch   epoch (1-based) whose parameters are kept; 0 before the first epoch
 * @param bestScore   its validation score (accuracy, or minus the reconstruction loss)
 * @param bestLoss    its validation loss (tie-break)
 * @param history     one entry per completed epoch
 * @param finished    the phase has ended (early stop, max epochs or budget)
 * @param stopReason  why it ended ("max epochs", "early stop", "budget"), null while running
 * @param seconds     training wall time spent so far, over every process that worked on it
 */
public record TrainerState(String phase, int epochsDone, int bestEpoch, double bestScore, double bestLoss, List<Epoch> history,
                           boolean finished, String stopReason, double seconds) {
    public TrainerState {
        history = history == null ? List.of() : List.copyOf(history);
    }

    /** One epoch: mean train loss, validation loss and accuracy (NaN for reconstruction), wall time, images/s. */
    public record Epoch(int epoch, double trainLoss, double validationLoss, double validationAccuracy,
                        double seconds, double imagesPerSecond) {}
}
