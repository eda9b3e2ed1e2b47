package io.transferadvisor.report;

import java.util.List;
import java.util.Map;

/**
 * metrics.json of a run.
 *
 * @param schemaVersion    format version ({@link #SCHEMA_VERSION})
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
 * @param provenance       what the result depends on: data, weights, rules, plan, trained model (set when the run is written)
 */
public record RunMetrics(int schemaVersion, String dataset, List<String> models, String strategy, List<String> classNames,
                         ClassificationMetrics validation, ClassificationMetrics test, int epochsRun, int bestEpoch,
                         String stopReason, Map<String, Double> phases, double imagesPerSecond, CacheUse cache,
                         Map<String, List<EpochRow>> history, List<String> notes, List<Member> members, Provenance provenance) {
    /** The note a run on a model with {@code weights: random} carries, after the model's name. */
    public static final String RANDOM_WEIGHTS_NOTE = " has random weights";
    /** The note naming the input preprocessing a run applied (absent for none). */
    public static final String PREPROCESSING_NOTE = "input preprocessing: ";

    public static final int SCHEMA_VERSION = 2;

    /** The executor's metrics, before the run folder adds the provenance. */
    public RunMetrics(String dataset, List<String> models, String strategy, List<String> classNames,
                      ClassificationMetrics validation, ClassificationMetrics test, int epochsRun, int bestEpoch,
                      String stopReason, Map<String, Double> phases, double imagesPerSecond, CacheUse cache,
                      Map<String, List<EpochRow>> history, List<String> notes, List<Member> members) {
        this(SCHEMA_VERSION, dataset, models, strategy, classNames, validation, test, epochsRun, bestEpoch, stopReason, phases,
                imagesPerSecond, cache, history, notes, members, null);
    }

    public RunMetrics withProvenance(Provenance p) {
        return new RunMetrics(schemaVersion, dataset, models, strategy, classNames, validation, test, epochsRun, bestEpoch, stopReason,
                phases, imagesPerSecond, cache, history, notes, members, p);
    }

    /** Feature-cache use of a run. */
    public record CacheUse(String layer, String pooling, int reused, int computed, double forwardSeconds) {}

    /** One epoch of a training phase; losses are the data loss (no L2 term), the training one averaged over the epoch's batches. */
    public record EpochRow(int epoch, double trainLoss, double validationLoss, double validationAccuracy, double seconds,
                           double imagesPerSecond) {}

    /** One ensemble member. */
    public record Member(String folder, String model, String strategy, double validationAccuracy, double testAccuracy) {}
}
