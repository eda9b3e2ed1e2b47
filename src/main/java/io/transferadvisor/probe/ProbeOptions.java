package io.transferadvisor.probe;

import java.nio.file.Path;

/**
 * How the probe samples and scores.
 *
 * @param sampleCap  at most this many labelled training images go through the network
 *                   (stratified); default {@value #DEFAULT_SAMPLE_CAP}
 * @param seed       seed of the sample, the folds and every bootstrap
 * @param bootstrap  bootstrap resamples for the accuracy intervals (LogME's interval is a {@value #LOGME_JACKKNIFE_GROUPS}-group jackknife)
 * @param folds      cross-validation folds of the linear probe
 * @param batchSize  forward-pass minibatch
 * @param cacheRoot  feature cache folder; null disables the disk cache (a temporary one is used)
 * @param remote     what computes the features the cache lacks: null for this JVM, or a cluster (--spark)
 */
public record ProbeOptions(int sampleCap, long seed, int bootstrap, int folds, int batchSize, Path cacheRoot,
                           io.transferadvisor.features.RemoteFeaturizer remote) {
    /** 2,000 images: enough for a +-2 point accuracy interval, and a few seconds on fmnist-cnn. */
    public static final int DEFAULT_SAMPLE_CAP = 2000;
    public static final int DEFAULT_BOOTSTRAP = 200;
    public static final int LOGME_JACKKNIFE_GROUPS = 10;
    public static final int DEFAULT_FOLDS = 5;
    public static final int DEFAULT_BATCH = 64;

    public ProbeOptions {
        if (sampleCap < 20 || sampleCap > 1_000_000) {
            throw new IllegalArgumentException("sample cap " + sampleCap + " out of range; allowed 20..1000000");
        }
        if (bootstrap < 20 || bootstrap > 10_000) {
            throw new IllegalArgumentException("bootstrap resamples " + bootstrap + " out of range; allowed 20..10000");
        }
        if (folds < 2 || folds > 20) {
            throw new IllegalArgumentException("folds " + folds + " out of range; allowed 2..20");
        }
        if (batchSize < 1 || batchSize > 4096) {
            throw new IllegalArgumentException("batch size " + batchSize + " out of range; allowed 1..4096");
        }
    }

    /** Options whose features are computed in this JVM. */
    public ProbeOptions(int sampleCap, long seed, int bootstrap, int folds, int batchSize, Path cacheRoot) {
        this(sampleCap, seed, bootstrap, folds, batchSize, cacheRoot, null);
    }

    public static ProbeOptions defaults(long seed, Path cacheRoot) {
        return new ProbeOptions(DEFAULT_SAMPLE_CAP, seed, DEFAULT_BOOTSTRAP, DEFAULT_FOLDS, DEFAULT_BATCH, cacheRoot);
    }

    public ProbeOptions withSampleCap(int cap) {
        return new ProbeOptions(cap, seed, bootstrap, folds, batchSize, cacheRoot, remote);
    }

    public ProbeOptions withSeed(long s) {
        return new ProbeOptions(sampleCap, s, bootstrap, folds, batchSize, cacheRoot, remote);
    }

    /** Options whose missing features are computed by remote (null: this JVM). */
    public ProbeOptions withRemote(io.transferadvisor.features.RemoteFeaturizer r) {
        return new ProbeOptions(sampleCap, seed, bootstrap, folds, batchSize, cacheRoot, r);
    }

    public ProbeOptions withCacheRoot(Path root) {
        return new ProbeOptions(sampleCap, seed, bootstrap, folds, batchSize, root, remote);
    }
}
