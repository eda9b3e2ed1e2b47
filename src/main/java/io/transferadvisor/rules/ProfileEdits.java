package io.transferadvisor.rules;

import io.transferadvisor.probe.DatasetProfile;
import io.transferadvisor.probe.DatasetProfile.LayerProbe;
import io.transferadvisor.probe.DatasetProfile.SizeStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import io.transferadvisor.UsageException;
import io.transferadvisor.util.Suggest;

/**
 * What-if edits of a measured profile: the same profile with more or fewer images, another
 * similarity, imbalance, unlabelled pool or label overlap. Used by --what-if and by the
 * counterfactual search; never written back as if measured.
 */
public final class ProfileEdits {
    private ProfileEdits() {}

    /** The keys --what-if understands. */
    public static final List<String> KEYS = List.of("images", "train_per_class", "similarity", "imbalance", "unlabelled", "overlap");

    /**
     * Largest image count a what-if (or the counterfactual search) may ask for: every count derived
     * from it stays well inside an int.
     */
    public static final int MAX_IMAGES = DatasetProfile.MAX_COUNT;

    /**
     * Applies "key=value" to a profile.
     *
     * @throws UsageException (exit 2) naming the key or value, with a did-you-mean for a misspelt key
     */
    public static DatasetProfile apply(DatasetProfile p, String keyValue) {
        int eq = keyValue.indexOf('=');
        if (eq <= 0) {
            String key = keyValue.trim();
            String lower = key.toLowerCase(Locale.ROOT);
            String hint = (KEYS.contains(lower) ? java.util.Optional.of(lower) : Suggest.closest(lower, KEYS))
                    .map(k -> "; did you mean '" + k + "=VALUE'?").orElse("");
            throw new UsageException("--what-if '" + keyValue + "' is not KEY=VALUE" + hint + " (keys: " + String.join(", ", KEYS)
                    + "; e.g. --what-if images=5000)");
        }
        String key = keyValue.substring(0, eq).trim().toLowerCase(Locale.ROOT);
        String raw = keyValue.substring(eq + 1).trim();
        if (!KEYS.contains(key) && !key.equals("unlabeled")) {
            throw new UsageException("--what-if key '" + key + "' unknown" + Suggest.didYouMean(key, KEYS) + " (keys: " + String.join(", ", KEYS) + ")");
        }
        double v;
        try {
            v = Double.parseDouble(raw.replace("_", "").replace(",", ""));
        } catch (NumberFormatException e) {
            throw new UsageException("--what-if " + key + "=" + raw + ": not a number; e.g. images=5000, similarity=0.3", e);
        }
        return switch (key) {
            case "images" -> {
                require(v >= 1 && v <= MAX_IMAGES, key, raw, "1.." + MAX_IMAGES);
                yield withImages(p, (int) Math.round(v));
            }
            case "train_per_class" -> {
                // the number the size rules compare; the other splits keep their share of the labelled images
                double perImage = (double) p.size().trainImages() / Math.max(1, p.size().images()) / Math.max(1, p.size().classes());
                double max = Math.floor(MAX_IMAGES * perImage);
                require(v >= 1 && v <= max, key, raw, "1.." + (long) max);
                yield withImages(p, (int) Math.min(MAX_IMAGES, Math.round(v / perImage)));
            }
            case "similarity" -> {
                require(v >= 0 && v <= 1, key, raw, "0..1");
                yield withSimilarity(p, v);
            }
            case "imbalance" -> {
                require(v >= 1 && v <= 1e6, key, raw, "1..1000000");
                yield withImbalance(p, v);
            }
            case "unlabelled", "unlabeled" -> {
                require(v >= 0 && v <= MAX_IMAGES, key, raw, "0.." + MAX_IMAGES);
                yield withUnlabelled(p, (int) Math.round(v));
            }
            default -> {
                require(v >= 0 && v <= 1, key, raw, "0..1");
                yield withLabelOverlap(p, v);
            }
        };
    }

    private static void require(boolean ok, String key, String raw, String range) {
        if (!ok) {
            throw new UsageException("--what-if " + key + "=" + raw + " out of range; allowed " + range);
        }
    }

    /** Scales every count so that the labelled images total {@code images}. */
    public static DatasetProfile withImages(DatasetProfile p, int images) {
        SizeStats s = p.size();
        double f = (double) images / Math.max(1, s.images());
        List<Integer> perClass = new ArrayList<>();
        if (s.perClass() != null) {
            for (int c : s.perClass()) {
                perClass.add(Math.max(1, (int) Math.round(c * f)));
            }
        }
        int train = Math.max(1, Math.min(images, (int) Math.round(s.trainImages() * f)));
        SizeStats ns = new SizeStats(images, train, s.classes(), s.classNames(), perClass,
                Math.max(1, (int) Math.round(s.minPerClass() * f)), s.medianPerClass() * f,
                Math.max(1, (int) Math.round(s.maxPerClass() * f)), s.imbalance(), s.heightRange(), s.widthRange(),
                s.channelsFound(), s.modelInput(), s.geometryMatches(), s.trainableParameters());
        DatasetProfile.Sufficiency nsuf = scaleCurve(p.sufficiency(), f);
        return new DatasetProfile(p.schemaVersion(), p.dataset(), p.datasetHash(), p.model(), ns, p.layers(), p.similarity(),
                p.sourceView(), nsuf, p.unlabelledImages(), p.sampling(), p.trials());
    }

    /**
     * Moves the learning curve to the scaled data size: with the fitted acc(n) = a - b * n^-c (n =
     * training images per class) the current, 2x and 4x predictions are re-evaluated at the new n,
     * keeping each interval's width; without a 3-parameter fit the numbers are kept.
     */
    static DatasetProfile.Sufficiency scaleCurve(DatasetProfile.Sufficiency suf, double f) {
        if (suf == null) {
            return null;
        }
        double n = suf.currentPerClass() * f;
        List<Double> q = suf.parameters();
        if (q == null || q.size() != 3 || suf.current() == null || suf.at2x() == null || suf.at4x() == null || !(n > 0)) {
            return new DatasetProfile.Sufficiency(suf.curve(), suf.model(), suf.parameters(), n, suf.current(), suf.at2x(), suf.at4x());
        }
        java.util.function.DoubleUnaryOperator acc = x -> Math.max(0, Math.min(1, q.get(0) - q.get(1) * Math.pow(x, -q.get(2))));
        return new DatasetProfile.Sufficiency(suf.curve(), suf.model(), suf.parameters(), n,
                moved(suf.current(), acc.applyAsDouble(n)), moved(suf.at2x(), acc.applyAsDouble(2 * n)), moved(suf.at4x(), acc.applyAsDouble(4 * n)));
    }

    private static DatasetProfile.Estimate moved(DatasetProfile.Estimate e, double value) {
        return new DatasetProfile.Estimate(value, value - (e.value() - e.low()), value + (e.high() - e.value()));
    }

    /** Sets the overall similarity and moves every layer's similarity by the same amount (shift = -ln similarity). */
    public static DatasetProfile withSimilarity(DatasetProfile p, double similarity) {
        double delta = similarity - p.similarity();
        List<LayerProbe> layers = new ArrayList<>();
        for (LayerProbe l : p.layers()) {
            double sim = Math.max(0.0, Math.min(1.0, l.similarity() + delta));
            layers.add(new LayerProbe(l.layer(), l.index(), l.relativeDepth(), l.featureDim(),
                    -Math.log(Math.max(sim, 1e-6)), sim, l.shiftReference(), l.logme(), l.probeAccuracy()));
        }
        return new DatasetProfile(p.schemaVersion(), p.dataset(), p.datasetHash(), p.model(), p.size(), layers, similarity,
                p.sourceView(), p.sufficiency(), p.unlabelledImages(), p.sampling(), p.trials());
    }

    /** Sets the largest/smallest class ratio (the largest class grows, the total stays about the same). */
    public static DatasetProfile withImbalance(DatasetProfile p, double ratio) {
        SizeStats s = p.size();
        int max = (int) Math.max(s.minPerClass(), Math.min(MAX_IMAGES, Math.round(s.minPerClass() * ratio)));
        SizeStats ns = new SizeStats(s.images(), s.trainImages(), s.classes(), s.classNames(), s.perClass(), s.minPerClass(),
                s.medianPerClass(), max, ratio, s.heightRange(), s.widthRange(), s.channelsFound(), s.modelInput(),
                s.geometryMatches(), s.trainableParameters());
        return new DatasetProfile(p.schemaVersion(), p.dataset(), p.datasetHash(), p.model(), ns, p.layers(), p.similarity(),
                p.sourceView(), p.sufficiency(), p.unlabelledImages(), p.sampling(), p.trials());
    }

    /** Moves every layer's linear-probe accuracy (value and interval) by {@code delta}, kept within [0, 1]: the model-choice counterfactual. */
    public static DatasetProfile withProbeShift(DatasetProfile p, double delta) {
        List<LayerProbe> layers = new ArrayList<>();
        for (LayerProbe l : p.layers()) {
            DatasetProfile.Estimate a = l.probeAccuracy();
            DatasetProfile.Estimate moved = a == null ? null : new DatasetProfile.Estimate(clip01(a.value() + delta), clip01(a.low() + delta),
                    clip01(a.high() + delta));
            layers.add(new LayerProbe(l.layer(), l.index(), l.relativeDepth(), l.featureDim(), l.shift(), l.similarity(), l.shiftReference(),
                    l.logme(), moved));
        }
        return new DatasetProfile(p.schemaVersion(), p.dataset(), p.datasetHash(), p.model(), p.size(), layers, p.similarity(),
                p.sourceView(), p.sufficiency(), p.unlabelledImages(), p.sampling(), p.trials());
    }

    private static double clip01(double v) {
        return Math.max(0.0, Math.min(1.0, v));
    }

    public static DatasetProfile withUnlabelled(DatasetProfile p, int unlabelled) {
        return new DatasetProfile(p.schemaVersion(), p.dataset(), p.datasetHash(), p.model(), p.size(), p.layers(), p.similarity(),
                p.sourceView(), p.sufficiency(), unlabelled, p.sampling(), p.trials());
    }

    /** Sets the source classifier's mean maximum probability on the target (what models.drl breaks a close call with); nothing else. */
    public static DatasetProfile withConfidence(DatasetProfile p, double confidence) {
        DatasetProfile.SourceView v = p.sourceView();
        return withSourceView(p, v == null ? new DatasetProfile.SourceView(confidence, 0, 0, List.of(), 0)
                : new DatasetProfile.SourceView(confidence, v.meanEntropy(), v.normalizedEntropy(), v.classMapping(), v.labelOverlap()));
    }

    public static DatasetProfile withLabelOverlap(DatasetProfile p, double overlap) {
        DatasetProfile.SourceView v = p.sourceView();
        return withSourceView(p, v == null ? new DatasetProfile.SourceView(0, 0, 0, List.of(), overlap)
                : new DatasetProfile.SourceView(v.meanMaxSoftmax(), v.meanEntropy(), v.normalizedEntropy(), v.classMapping(), overlap));
    }

    private static DatasetProfile withSourceView(DatasetProfile p, DatasetProfile.SourceView view) {
        return new DatasetProfile(p.schemaVersion(), p.dataset(), p.datasetHash(), p.model(), p.size(), p.layers(), p.similarity(),
                view, p.sufficiency(), p.unlabelledImages(), p.sampling(), p.trials());
    }
}
