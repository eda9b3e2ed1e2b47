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
        Sampling sampling) {

    public static final int SCHEMA_VERSION = 1;

    public DatasetProfile {
        if (schemaVersion != SCHEMA_VERSION) {
            throw new IllegalArgumentException("profile schemaVersion " + schemaVersion + " not supported; expected " + SCHEMA_VERSION);
        }
        if (!(similarity >= 0 && similarity <= 1)) {
            throw new IllegalArgumentException("profile.similarity " + similarity + " out of range; allowed 0..1");
        }
        layers = List.copyOf(layers);
    }

    /** A value with a confidence interval (95% bootstrap unless said otherwise). */
    public record Estimate(double value, double low, double high) {
        public Estimate {
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
     * @param modelInput      the model's input geometry, "HxWxC"
     * @param geometryMatches every image already has the model's geometry
     * @param trainableParameters parameters of the model (for size relative to capacity)
     */
    public record SizeStats(int images, int trainImages, int classes, List<String> classNames, List<Integer> perClass,
                            int minPerClass, double medianPerClass, int maxPerClass, double imbalance,
                            List<Integer> heightRange, List<Integer> widthRange, List<Integer> channelsFound,
                            String modelInput, boolean geometryMatches, long trainableParameters) {}

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
                             Estimate logme, Estimate probeAccuracy) {}

    /**
     * @param meanMaxSoftmax  mean of the source classifier's maximum probability
     * @param meanEntropy     mean entropy of its prediction (nats)
     * @param normalizedEntropy meanEntropy / ln(source classes), in [0, 1]
     * @param classMapping    per target class: the source class it falls into most, with the share
     * @param labelOverlap    in [0, 1]: how much target classes map one-to-one onto source classes
     */
    public record SourceView(double meanMaxSoftmax, double meanEntropy, double normalizedEntropy,
                             List<ClassMapping> classMapping, double labelOverlap) {}

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
     * @param seconds       probe wall time
     */
    public record Sampling(int sampledImages, int cap, long seed, int bootstrap, double seconds) {}
}
