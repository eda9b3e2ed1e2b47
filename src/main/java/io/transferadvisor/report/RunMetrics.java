package io.transferadvisor.report;

import java.util.List;
import java.util.Map;

/**
 * metrics.json of a run.
 *
 * @param dataset          dataset name
 * @param models           model names
 * @param strategy         strategy executed
 * @param classNames       class names in output order
 * @param validation       metrics on the validation split
 * @param test             metrics on the test split
 * @param epochsRun        epochs of the final training phase
 * @param bestEpoch        epoch whose parameters were kept
 * @param stopReason       why training stopped
 * @param phases           wall seconds per phase (load, features, train, evaluate, save, ...)
 * @param imagesPerSecond  training throughput of the final phase (images seen / training seconds)
 * @param cache            feature-cache use: images reused and computed (null when not used)
 * @param history          per training phase, its epochs
 * @param notes            decisions the executor took that the plan did not spell out
 * @param members          for ENSEMBLE: each member's run folder and test accuracy
 */
public record RunMetrics(String dataset, List<String> models, String strategy, List<String> classNames,
                         ClassificationMetrics validation, ClassificationMetrics test, int epochsRun, int bestEpoch,
                         String stopReason, Map<String, Double> phases, double imagesPerSecond, CacheUse cache,
                         Map<String, List<EpochRow>> history, List<String> notes, List<Member> members) {

    /** Feature-cache use of a run. */
    public record CacheUse(String layer, String pooling, int reused, int computed, double forwardSeconds) {}

    /** One epoch of a training phase. */
    public record EpochRow(int epoch, double trainLoss, double validationLoss, double validationAccuracy, double seconds,
                           double imagesPerSecond) {}

    /** One ensemble member. */
    public record Member(String folder, String model, String strategy, double validationAccuracy, double testAccuracy) {}
}
