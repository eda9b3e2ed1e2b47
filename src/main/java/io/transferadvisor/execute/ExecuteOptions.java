package io.transferadvisor.execute;

import java.nio.file.Path;

/**
 * How to execute a plan (not what: that is the plan).
 *
 * @param output        run directory to create; null = runs/&lt;dataset&gt;-&lt;strategy&gt;-&lt;timestamp&gt;
 * @param force         replace an existing run directory
 * @param resume        continue the run in this directory from its last checkpoint (null = fresh run)
 * @param cacheDir      feature cache folder; null = util/Home.cache()
 * @param featureCache  use the frozen-feature cache (false = recompute the frozen layers every epoch; for benchmarks)
 * @param interactive   draw a progress bar (a terminal is attached) instead of plain log lines
 * @param stopAfterEpochs test hook: after this many epochs of the final training phase, stop as
 *                      if killed (throws {@link SimulatedKill}); 0 = never
 * @param checkpoints   write a checkpoint every epoch (what makes a killed run resumable). Off only for
 *                      benchmarks that rerun a killed trial from the start: on a 20-image task the
 *                      5 MB checkpoint per epoch was most of a fine-tuning trial's time (3.4 of 4.1 s)
 * @param checkpointSeconds commit a checkpoint after an epoch only when this many seconds have passed
 *                      since the last one (0 = after every epoch); a killed run resumes from the last
 *                      commit and replays the epochs after it exactly. Default {@value #DEFAULT_CHECKPOINT_SECONDS}:
 *                      a 5 MB checkpoint per 1-second epoch was a third of a small run's training time
 * @param remote        what computes the frozen features the cache lacks: null for this JVM, or a cluster (--spark)
 * @param testScores    null, or what receives each single-model run's test-set class probabilities (rows in the test
 *                      set's order) once it is evaluated: the suite averages members it already trained into an
 *                      ENSEMBLE's accuracy, as {@code EnsembleTraining} averages them, instead of training them again
 */
public record ExecuteOptions(Path output, boolean force, Path resume, Path cacheDir, boolean featureCache,
                             boolean interactive, int stopAfterEpochs, boolean checkpoints, double checkpointSeconds,
                             io.transferadvisor.features.RemoteFeaturizer remote, java.util.function.Consumer<float[][]> testScores) {
    public static final double DEFAULT_CHECKPOINT_SECONDS = 30;

    public ExecuteOptions {
        if (!(checkpointSeconds >= 0) || Double.isInfinite(checkpointSeconds)) {
            throw new IllegalArgumentException("allowed a number of seconds >= 0 (0 = after every epoch)");
        }
        if (stopAfterEpochs < 0) {
            throw new IllegalArgumentException("stopAfterEpochs " + stopAfterEpochs + " must be >= 0");
        }
    }

    public static ExecuteOptions defaults() {
        return new ExecuteOptions(null, false, null, null, true, false, 0, true, DEFAULT_CHECKPOINT_SECONDS, null, null);
    }

    public ExecuteOptions withOutput(Path dir) {
        return new ExecuteOptions(dir, force, resume, cacheDir, featureCache, interactive, stopAfterEpochs, checkpoints, checkpointSeconds, remote, testScores);
    }

    public ExecuteOptions withForce(boolean f) {
        return new ExecuteOptions(output, f, resume, cacheDir, featureCache, interactive, stopAfterEpochs, checkpoints, checkpointSeconds, remote, testScores);
    }

    public ExecuteOptions withResume(Path dir) {
        return new ExecuteOptions(output, force, dir, cacheDir, featureCache, interactive, stopAfterEpochs, checkpoints, checkpointSeconds, remote, testScores);
    }

    public ExecuteOptions withCacheDir(Path dir) {
        return new ExecuteOptions(output, force, resume, dir, featureCache, interactive, stopAfterEpochs, checkpoints, checkpointSeconds, remote, testScores);
    }

    public ExecuteOptions withFeatureCache(boolean on) {
        return new ExecuteOptions(output, force, resume, cacheDir, on, interactive, stopAfterEpochs, checkpoints, checkpointSeconds, remote, testScores);
    }

    public ExecuteOptions withInteractive(boolean on) {
        return new ExecuteOptions(output, force, resume, cacheDir, featureCache, on, stopAfterEpochs, checkpoints, checkpointSeconds, remote, testScores);
    }

    public ExecuteOptions withStopAfterEpochs(int n) {
        return new ExecuteOptions(output, force, resume, cacheDir, featureCache, interactive, n, checkpoints, checkpointSeconds, remote, testScores);
    }

    public ExecuteOptions withCheckpoints(boolean on) {
        return new ExecuteOptions(output, force, resume, cacheDir, featureCache, interactive, stopAfterEpochs, on, checkpointSeconds, remote, testScores);
    }

    public ExecuteOptions withCheckpointSeconds(double seconds) {
        return new ExecuteOptions(output, force, resume, cacheDir, featureCache, interactive, stopAfterEpochs, checkpoints, seconds, remote, testScores);
    }

    /** Options whose missing frozen features are computed by remote (a Spark cluster; null: this JVM). */
    public ExecuteOptions withRemote(io.transferadvisor.features.RemoteFeaturizer r) {
        return new ExecuteOptions(output, force, resume, cacheDir, featureCache, interactive, stopAfterEpochs, checkpoints, checkpointSeconds, r, testScores);
    }

    /** Options that hand each single-model run's test probabilities to {@code sink} (see {@link #testScores}). */
    public ExecuteOptions withTestScores(java.util.function.Consumer<float[][]> sink) {
        return new ExecuteOptions(output, force, resume, cacheDir, featureCache, interactive, stopAfterEpochs, checkpoints, checkpointSeconds, remote, sink);
    }

    /** Thrown by the {@link #stopAfterEpochs} test hook: the run stops as a killed process would. */
    public static final class SimulatedKill extends RuntimeException {
        public SimulatedKill(String message) {
            super(message);
        }
    }
}
