package io.transferadvisor.probe;

import java.util.List;

/**
 * What the similarity probe measured about a dataset relative to one pretrained model (the
 * observed facts for the rules). Versioned JSON on disk; no framework imports.
 *
 * @param schemaVersion     format version, currently 1
 * @param dataset           dataset name
 * @param datasetHash       content hash of the labelled data
 * @param model             model name
 * @param size              counts and geometry
 * @param layers            per candidate cut layer, input side first
 * @param similarity        overall similarity to the source domain in [0, 1] (1 = same domain)
 * @param sourceView        how the source classifier sees the target images
 * @param sufficiency       learning curve and what more data would buy
 * @param unlabelledImages  unlabelled images available (0 if none)
 * @param sampling          what the probe sampled, with the seed
 * @param trials            measured plan trials, which versions before 2026-11-30 ran on tiny data (short
 *                          trainings of two candidate plans on folds of the training images); read from
 *                          older profiles and shown, never written now, and no rule reads them
 */
public record DatasetProfile(
        int schemaVersion,
        String dataset,
        String datasetHash,
        String model,
        SizeStats size,
        List<LayerProbe> layers,
        double similarity,
        SourceView sourceView,
        Sufficiency sufficiency,
        int unlabelledImages,
        Sampling sampling,
        List<PlanTrial> trials) {

    public static final int SCHEMA_VERSION = 1;

    public DatasetProfile {
        if (schemaVersion != SCHEMA_VERSION) {
            throw new IllegalArgumentException("profile schemaVersion " + schemaVersion + " not supported; expected " + SCHEMA_VERSION);
        }
        if (!(similarity >= 0 && similarity <= 1)) {
            throw new IllegalArgumentException("profile.similarity " + similarity + " out of range; allowed 0..1");
        }
        text(model, "profile.model");
        text(datasetHash, "profile.datasetHash");
        if (layers == null) {
            throw new IllegalArgumentException("profile.layers missing; expected one entry per candidate cut layer");
        }
        layers = List.copyOf(layers);
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (LayerProbe l : layers) {
            if (!seen.add(l.layer())) {
                throw new IllegalArgumentException("profile.layers has layer '" + l.layer() + "' twice; allowed once each");
            }
        }
        range(unlabelledImages, 0, MAX_COUNT, "profile.unlabelledImages");
        trials = trials == null ? List.of() : List.copyOf(trials);
    }

    /** A profile without measured plan trials. */
    public DatasetProfile(int schemaVersion, String dataset, String datasetHash, String model, SizeStats size, List<LayerProbe> layers,
                          double similarity, SourceView sourceView, Sufficiency sufficiency, int unlabelledImages, Sampling sampling) {
        this(schemaVersion, dataset, datasetHash, model, size, layers, similarity, sourceView, sufficiency, unlabelledImages, sampling, List.of());
    }

    /** Largest image count a profile may claim (what-ifs and counterfactuals stay below it too). */
    public static final int MAX_COUNT = 1_000_000_000;

    /**
     * The reproducible part of the profile: the same data, model, options and seed give the same
     * value (the probe's wall time is zeroed, its feature work, which depends on the cache, removed). The audit hashes this, so two identical runs record
     * the same profileHash.
     */
    public DatasetProfile withoutTimings() {
        if (sampling == null || (sampling.seconds() == 0 && sampling.features() == null)) {
            return this;
        }
        return new DatasetProfile(schemaVersion, dataset, datasetHash, model, size, layers, similarity, sourceView, sufficiency,
                unlabelledImages, sampling.withCost(0, null), trials);
    }

    // Range checks: the message names the field, the bad value and the allowed range.

    static void range(long v, long min, long max, String field) {
        if (v < min || v > max) {
            throw new IllegalArgumentException(field + " " + v + " out of range; allowed " + min + ".." + max);
        }
    }

    static void range(double v, double min, double max, String field) {
        if (!(v >= min && v <= max)) {
            throw new IllegalArgumentException(field + " " + v + " out of range; allowed " + fmt(min) + ".." + fmt(max));
        }
    }

    /** NaN means "not measured" (e.g. no source statistics for a layer); anything else must be in range. */
    static void rangeOrNaN(double v, double min, double max, String field) {
        if (!Double.isNaN(v)) {
            range(v, min, max, field);
        }
    }

    static void finite(double v, String field) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(field + " " + v + " out of range; allowed a finite number");
        }
    }

    static void text(String v, String field) {
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(field + " missing; allowed a non-empty text");
        }
    }

    private static String fmt(double d) {
        return d == Double.MAX_VALUE ? "max" : d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }

    /** A value with a confidence interval (95% bootstrap unless said otherwise). */
    public record Estimate(double value, double low, double high) {
        public Estimate {
            finite(value, "estimate.value");
            finite(low, "estimate.low");
            finite(high, "estimate.high");
            if (low > value + 1e-9 || high < value - 1e-9) {
                throw new IllegalArgumentException("estimate " + value + " outside its interval [" + low + ", " + high + "]");
            }
        }
    }

    /**
     * @param images          labelled images (train + validation + test)
     * @param trainImages     labelled images available for training
     * @param classes         number of classes
     * @param classNames      class names
     * @param perClass        labelled images per class, like classNames
     * @param minPerClass     smallest class
     * @param medianPerClass  median class size
     * @param maxPerClass     largest class
     * @param imbalance       max / min class size
     * @param heightRange     [min, max] image height found
     * @param widthRange      [min, max] image width found
     * @param channelsFound   distinct channel counts found (1, 3)
     * @param modelInput      the geometry the network sees, "HxWxC": dataset.yaml's input: when given, else the model's own
     * @param geometryMatches every image already has that geometry
     * @param trainableParameters parameters of the model (for size relative to capacity)
     */
    public record SizeStats(int images, int trainImages, int classes, List<String> classNames, List<Integer> perClass,
                            int minPerClass, double medianPerClass, int maxPerClass, double imbalance,
                            List<Integer> heightRange, List<Integer> widthRange, List<Integer> channelsFound,
                            String modelInput, boolean geometryMatches, long trainableParameters) {
        public SizeStats {
            range(images, 1, MAX_COUNT, "profile.size.images");
            range(trainImages, 1, images, "profile.size.trainImages");
            range(classes, 2, 1_000_000, "profile.size.classes");
            if (classNames != null && classNames.size() != classes) {
                throw new IllegalArgumentException("profile.size.classNames has " + classNames.size() + " names; allowed exactly classes (" + classes + ")");
            }
            if (perClass != null && !perClass.isEmpty()) {
                if (perClass.size() != classes) {
                    throw new IllegalArgumentException("profile.size.perClass has " + perClass.size() + " counts; allowed exactly classes (" + classes + ")");
                }
                for (int i = 0; i < perClass.size(); i++) {
                    range(perClass.get(i) == null ? -1 : perClass.get(i), 0, MAX_COUNT, "profile.size.perClass[" + i + "]");
                }
            }
            range(minPerClass, 0, MAX_COUNT, "profile.size.minPerClass");
            range(maxPerClass, minPerClass, MAX_COUNT, "profile.size.maxPerClass");
            range(medianPerClass, 0, MAX_COUNT, "profile.size.medianPerClass");
            range(imbalance, 1, 1e9, "profile.size.imbalance");
            range(trainableParameters, 0, Long.MAX_VALUE, "profile.size.trainableParameters");
        }

        /** Training images per class: the number the size rules compare (size.small.perClass ...), computed here once. */
        @com.fasterxml.jackson.annotation.JsonIgnore
        public double trainPerClass() {
            return (double) trainImages / classes;
        }
    }

    /**
     * @param layer          the model's own layer name
     * @param index          position among candidate cuts, 0 = nearest the input
     * @param relativeDepth  index / (candidates - 1), in [0, 1]
     * @param featureDim     pooled feature dimension used for LogME and the linear probe
     * @param shift          distance of target activation statistics from the source's (0 = same)
     * @param similarity     exp(-shift) style mapping of the shift into [0, 1]
     * @param shiftReference where the source statistics came from: "batchnorm:NAME" or "model-profile"
     * @param logme          LogME per sample (higher = more transferable) with interval
     * @param probeAccuracy  cross-validated linear-probe accuracy with interval
     */
    public record LayerProbe(String layer, int index, double relativeDepth, int featureDim,
                             double shift, double similarity, String shiftReference,
                             Estimate logme, Estimate probeAccuracy) {
        public LayerProbe {
            text(layer, "profile.layers[].layer");
            String f = "profile.layers[" + layer + "].";
            range(index, 0, 10_000, f + "index");
            range(relativeDepth, 0, 1, f + "relativeDepth");
            range(featureDim, 1, Integer.MAX_VALUE, f + "featureDim");
            rangeOrNaN(shift, 0, Double.MAX_VALUE, f + "shift");
            rangeOrNaN(similarity, 0, 1, f + "similarity");
            if (logme == null || probeAccuracy == null) {
                throw new IllegalArgumentException(f + (logme == null ? "logme" : "probeAccuracy") + " missing; allowed an estimate {value, low, high}");
            }
            range(probeAccuracy.value(), 0, 1, f + "probeAccuracy.value");
        }
    }

    /**
     * @param meanMaxSoftmax  mean of the source classifier's maximum probability
     * @param meanEntropy     mean entropy of its prediction (nats)
     * @param normalizedEntropy meanEntropy / ln(source classes), in [0, 1]
     * @param classMapping    per target class: the source class it falls into most, with the share
     * @param labelOverlap    in [0, 1]: how much target classes map one-to-one onto source classes
     */
    public record SourceView(double meanMaxSoftmax, double meanEntropy, double normalizedEntropy,
                             List<ClassMapping> classMapping, double labelOverlap) {
        public SourceView {
            range(meanMaxSoftmax, 0, 1, "profile.sourceView.meanMaxSoftmax");
            range(meanEntropy, 0, Double.MAX_VALUE, "profile.sourceView.meanEntropy");
            range(normalizedEntropy, 0, 1, "profile.sourceView.normalizedEntropy");
            range(labelOverlap, 0, 1, "profile.sourceView.labelOverlap");
        }
    }

    public record ClassMapping(String targetClass, String sourceClass, double share) {}

    /**
     * @param curve             linear-probe accuracy at fractions of the training data
     * @param model             the fitted curve, e.g. "acc(n) = a - b * n^-c"
     * @param parameters        fitted a, b, c
     * @param currentPerClass   training images per class now
     * @param at2x              predicted accuracy with twice the labelled data
     * @param at4x              predicted accuracy with four times the labelled data
     */
    public record Sufficiency(List<CurvePoint> curve, String model, List<Double> parameters,
                              double currentPerClass, Estimate current, Estimate at2x, Estimate at4x) {}

    public record CurvePoint(double fraction, int perClass, Estimate accuracy) {}

    /**
     * @param sampledImages images passed through the network
     * @param cap           documented sample cap
     * @param seed          seed of the stratified sample and of the bootstrap
     * @param bootstrap     bootstrap resamples
     * @param seconds       probe wall time (not part of the reproducible profile: see {@link #withoutTimings()})
     * @param skippedImages unreadable image files the dataset loader skipped (0 in profiles written before it was recorded)
     * @param features      the probe's feature work (depends on the cache, so not part of the reproducible profile);
     *                      null in profiles written before it was recorded
     */
    public record Sampling(int sampledImages, int cap, long seed, int bootstrap, double seconds, int skippedImages, FeatureWork features) {
        public Sampling {
            range(sampledImages, 0, MAX_COUNT, "profile.sampling.sampledImages");
            range(cap, 1, MAX_COUNT, "profile.sampling.cap");
            range(bootstrap, 0, 1_000_000, "profile.sampling.bootstrap");
            range(seconds, 0, Double.MAX_VALUE, "profile.sampling.seconds");
            range(skippedImages, 0, MAX_COUNT, "profile.sampling.skippedImages");
        }

        /** A sampling record with no skipped images. */
        public Sampling(int sampledImages, int cap, long seed, int bootstrap, double seconds) {
            this(sampledImages, cap, seed, bootstrap, seconds, 0, null);
        }

        /** The same record with the wall time and feature work the probe adds since (measured plan trials, timings removed). */
        Sampling withCost(double secondsNow, FeatureWork work) {
            return new Sampling(sampledImages, cap, seed, bootstrap, secondsNow, skippedImages, work);
        }
    }

    /**
     * What the probe's features cost: images run through the network, images read from the feature
     * cache, seconds spent in the network's forward passes, the wall time of the whole feature step
     * (decoding, hashing, cache reads and writes included) and how long the network waited for decoded
     * images (the data pipeline's share: decoding runs ahead on another thread). The last two are 0 in
     * profiles written before they were recorded.
     */
    public record FeatureWork(int computedImages, int cachedImages, double forwardSeconds, double seconds, double decodeWaitSeconds) {
        public FeatureWork {
            range(computedImages, 0, MAX_COUNT, "profile.sampling.features.computedImages");
            range(cachedImages, 0, MAX_COUNT, "profile.sampling.features.cachedImages");
            range(forwardSeconds, 0, Double.MAX_VALUE, "profile.sampling.features.forwardSeconds");
            range(seconds, 0, Double.MAX_VALUE, "profile.sampling.features.seconds");
            range(decodeWaitSeconds, 0, Double.MAX_VALUE, "profile.sampling.features.decodeWaitSeconds");
        }

        public FeatureWork(int computedImages, int cachedImages, double forwardSeconds) {
            this(computedImages, cachedImages, forwardSeconds, 0, 0);
        }
    }

    /**
     * One measured plan trial: a candidate plan trained on part of the labelled training images and
     * scored on the rest, over stratified folds so every image is scored exactly once.
     *
     * @param strategy  the candidate's strategy (a {@code Strategy} name)
     * @param cut       its cut layer
     * @param grow      new blocks grown above the cut
     * @param accuracy  pooled held-out accuracy over the folds, with its 95% Wilson interval
     * @param images    images scored (the pooled training and validation images)
     * @param folds     folds
     * @param epochs    epoch cap of each fold's training
     */
    public record PlanTrial(String strategy, String cut, int grow, Estimate accuracy, int images, int folds, int epochs) {
        public PlanTrial {
            text(strategy, "profile.trials.strategy");
            if (java.util.Arrays.stream(io.transferadvisor.plan.Strategy.values()).noneMatch(v -> v.name().equals(strategy))) {
                throw new IllegalArgumentException("profile.trials.strategy '" + strategy + "' unknown; allowed "
                        + java.util.Arrays.toString(io.transferadvisor.plan.Strategy.values()));
            }
            text(cut, "profile.trials.cut");
            range(grow, 0, 8, "profile.trials.grow");
            if (accuracy == null) {
                throw new IllegalArgumentException("profile.trials.accuracy missing; allowed an estimate with value, low and high");
            }
            range(accuracy.value(), 0, 1, "profile.trials.accuracy.value");
            range(images, 2, MAX_COUNT, "profile.trials.images");
            range(folds, 2, 20, "profile.trials.folds");
            range(epochs, 1, 10_000, "profile.trials.epochs");
        }
    }
}
