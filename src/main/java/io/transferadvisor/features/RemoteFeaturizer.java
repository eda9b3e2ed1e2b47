package io.transferadvisor.features;

import io.transferadvisor.UsageException;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Runs the parts of a feature job ({@link FeatureParts}) somewhere else than this JVM's own loop: on
 * an Apache Spark cluster ({@code --spark MASTER}). The core jar knows only this interface; the
 * Spark build ({@code mvn -Pspark}) registers a {@link Factory} with {@link ServiceLoader}, so the
 * default build, its two README commands and CI's main run carry no Spark classes.
 */
public interface RemoteFeaturizer extends AutoCloseable {
    /** Where the work runs, for messages: "spark local[2]". */
    String describe();

    /**
     * Runs every part of the job ({@link FeatureParts#compute}) and returns each part's outcome; when it
     * returns, every part file is written. A failed task is retried by the engine; a job that still fails
     * throws, leaving the parts already written for a rerun to reuse.
     */
    List<FeatureParts.Outcome> run(FeatureParts.Job job);

    /**
     * Images per part (one task's work, and what a retry redoes): whole forward batches, about 256 images
     * by default, so that a part's rows stay small (SqueezeNet's full 13x13x512 maps: 90 MB) and 2,000
     * images still make 8 tasks for 2 cores.
     */
    default int partImages(int batchSize, int images) {
        return batchSize * Math.max(1, 256 / batchSize);
    }

    @Override
    void close();

    /** Makes featurizers; the Spark build lists its own in META-INF/services. */
    interface Factory {
        RemoteFeaturizer open(String master);
    }

    /** The featurizer for a master URL, from the first registered factory. */
    static RemoteFeaturizer open(String master) {
        if (master == null || master.isBlank()) {
            throw new UsageException("--spark needs a master URL: local[N], spark://HOST:PORT, yarn or k8s://...");
        }
        for (Factory f : ServiceLoader.load(Factory.class)) {
            return f.open(master.trim());
        }
        throw new UsageException("--spark " + master + ": this build has no Spark support; ./advisor builds the Spark variant when"
                + " --spark is given (or: mvn -Pspark package, into target-spark/); see docs/SPARK.md");
    }
}
