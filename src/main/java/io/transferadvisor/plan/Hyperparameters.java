package io.transferadvisor.plan;

/**
 * Training settings of a plan. Learning rates are for Adam; the backbone rate applies to every
 * trainable layer at or below the cutoff's successors that came from the pretrained model.
 * {@code learningRateSchedule} multiplies both rates epoch by epoch; null (the default, written as
 * no line at all) trains at constant rates.
 */
public record Hyperparameters(
        double headLearningRate,
        double backboneLearningRate,
        int maxEpochs,
        int patience,
        int batchSize,
        double weightDecay,
        BatchNormPolicy batchNorm,
        Augmentation augmentation,
        ClassWeighting classWeighting,
        LrSchedule learningRateSchedule) {

    /** Constant learning rates (no {@link LrSchedule}). */
    public Hyperparameters(double headLearningRate, double backboneLearningRate, int maxEpochs, int patience, int batchSize,
                           double weightDecay, BatchNormPolicy batchNorm, Augmentation augmentation, ClassWeighting classWeighting) {
        this(headLearningRate, backboneLearningRate, maxEpochs, patience, batchSize, weightDecay, batchNorm, augmentation, classWeighting, null);
    }

    public Hyperparameters {
        requireRate("headLearningRate", headLearningRate);
        if (!(backboneLearningRate >= 0 && backboneLearningRate <= 1)) {
            throw new PlanException("hyperparameters.backboneLearningRate " + backboneLearningRate
                    + " out of range; allowed 0..1 (0 = backbone frozen)");
        }
        if (maxEpochs < 1 || maxEpochs > 10_000) {
            throw new PlanException("hyperparameters.maxEpochs " + maxEpochs + " out of range; allowed 1..10000");
        }
        if (patience < 1 || patience > maxEpochs) {
            throw new PlanException("hyperparameters.patience " + patience + " out of range; allowed 1..maxEpochs (" + maxEpochs + ")");
        }
        if (batchSize < 1 || batchSize > 4096) {
            throw new PlanException("hyperparameters.batchSize " + batchSize + " out of range; allowed 1..4096");
        }
        if (!(weightDecay >= 0 && weightDecay < 1)) {
            throw new PlanException("hyperparameters.weightDecay " + weightDecay + " out of range; allowed 0..1");
        }
        if (batchNorm == null) {
            throw new PlanException("hyperparameters.batchNorm missing; allowed FROZEN, RECALIBRATE, TRAIN");
        }
        if (augmentation == null) {
            augmentation = Augmentation.NONE;
        }
        if (classWeighting == null) {
            classWeighting = ClassWeighting.NONE;
        }
    }

    private static void requireRate(String field, double v) {
        if (!(v > 0 && v <= 1)) {
            throw new PlanException("hyperparameters." + field + " " + v + " out of range; allowed (0, 1]");
        }
    }

    // Typed edits: a copy with one aspect changed.

    public Hyperparameters withLearningRates(double head, double backbone) {
        return new Hyperparameters(head, backbone, maxEpochs, patience, batchSize, weightDecay, batchNorm, augmentation, classWeighting,
                learningRateSchedule);
    }

    /** At most this many epochs; patience is cut to it when larger. */
    public Hyperparameters withMaxEpochs(int epochs) {
        return new Hyperparameters(headLearningRate, backboneLearningRate, epochs, Math.min(patience, epochs), batchSize, weightDecay, batchNorm,
                augmentation, classWeighting, learningRateSchedule);
    }

    /** The epoch cap, patience and batch size changed, the rest (learning-rate schedule included) kept. */
    public Hyperparameters withTraining(int epochs, int patience, int batch) {
        return new Hyperparameters(headLearningRate, backboneLearningRate, epochs, patience, batch, weightDecay, batchNorm, augmentation,
                classWeighting, learningRateSchedule);
    }

    /** The same with another learning-rate schedule (null: constant rates). */
    public Hyperparameters withLearningRateSchedule(LrSchedule schedule) {
        return new Hyperparameters(headLearningRate, backboneLearningRate, maxEpochs, patience, batchSize, weightDecay, batchNorm, augmentation,
                classWeighting, schedule);
    }
}
