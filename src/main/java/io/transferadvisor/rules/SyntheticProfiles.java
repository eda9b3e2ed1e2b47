package io.transferadvisor.rules;

import io.transferadvisor.probe.DatasetProfile;
import io.transferadvisor.probe.DatasetProfile.Estimate;
import io.transferadvisor.probe.DatasetProfile.LayerProbe;
import java.util.ArrayList;
import java.util.List;

/**
 * Synthetic DatasetProfiles over the dimensions the rules look at, for `advisor rules check`, the
 * rules benchmark and tests. Layer names and parameter count come from the caller (read from a
 * ModelProfile); the defaults are only a stand-in when no model profile is at hand.
 */
public final class SyntheticProfiles {
    /** Stand-in candidate cuts when no model profile is available. */
    public static final List<String> GENERIC_LAYERS = List.of("layer1", "layer2", "layer3", "layer4", "layer5");

    /** How the linear-probe accuracy varies with depth. */
    public enum Curve { RISING, PEAK_MIDDLE, FLAT, FALLING }

    String model = "fmnist-cnn";
    int images = 1000;
    double trainFraction = 0.7;
    int classes = 5;
    double similarity = 0.8;
    double imbalance = 1.0;
    int unlabelled = 0;
    // Neutral by default: neither new labels (< 0.5, rule new-labels) nor shared labels (>= 0.6,
    // rule label-overlap), so a profile only exercises the label rules when a test asks for it.
    double overlap = 0.5;
    boolean geometryMatches = true;
    long parameters = 400_000;
    Curve curve = Curve.RISING;
    double accuracyOffset = 0.0;
    double confidence = 0.6;
    double interval = 0.02;
    double gain2x = 0.01;
    List<String> layers = GENERIC_LAYERS;
    double shiftSlope = 0.4;
    double topDrop = 0.0;

    public static SyntheticProfiles profile() {
        return new SyntheticProfiles();
    }

    public SyntheticProfiles images(int v) { images = v; return this; }
    public SyntheticProfiles perClass(int trainPerClass) { images = (int) Math.round(trainPerClass * classes / trainFraction); return this; }
    public SyntheticProfiles classes(int v) { classes = v; return this; }
    public SyntheticProfiles similarity(double v) { similarity = v; return this; }
    public SyntheticProfiles imbalance(double v) { imbalance = v; return this; }
    public SyntheticProfiles unlabelled(int v) { unlabelled = v; return this; }
    public SyntheticProfiles overlap(double v) { overlap = v; return this; }
    public SyntheticProfiles geometryMismatch() { geometryMatches = false; return this; }
    public SyntheticProfiles parameters(long v) { parameters = v; return this; }
    public SyntheticProfiles curve(Curve v) { curve = v; return this; }
    public SyntheticProfiles model(String v) { model = v; return this; }
    public SyntheticProfiles accuracyOffset(double v) { accuracyOffset = v; return this; }

    /** The source classifier's mean maximum probability on the target (default 0.6). */
    public SyntheticProfiles confidence(double v) { confidence = v; return this; }
    public SyntheticProfiles interval(double v) { interval = v; return this; }
    public SyntheticProfiles gain2x(double v) { gain2x = v; return this; }
    public SyntheticProfiles layers(List<String> v) { layers = List.copyOf(v); return this; }
    public SyntheticProfiles shiftSlope(double v) { shiftSlope = v; return this; }
    /** Extra similarity lost at the top layer only (a source-specific head layer, like fmnist-cnn's fc1_relu). */
    public SyntheticProfiles topDrop(double v) { topDrop = v; return this; }

    public DatasetProfile build() {
        int train = (int) Math.round(images * trainFraction);
        double perClass = (double) images / classes;
        int min = (int) Math.max(1, Math.round(perClass * 2 / (1 + imbalance)));
        int max = (int) Math.max(min, Math.round(min * imbalance));
        List<Integer> counts = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            counts.add(classes == 1 ? min : min + (max - min) * c / (classes - 1));
            names.add("class" + c);
        }
        List<LayerProbe> probes = new ArrayList<>();
        int n = layers.size();
        for (int i = 0; i < n; i++) {
            double depth = n == 1 ? 1.0 : (double) i / (n - 1);
            double acc = switch (curve) {
                case RISING -> 0.55 + 0.30 * depth;
                case PEAK_MIDDLE -> 0.80 - 0.25 * Math.abs(depth - 0.5) * 2;
                case FLAT -> 0.75;
                case FALLING -> 0.85 - 0.30 * depth;
            };
            acc = Math.max(0.05, Math.min(0.98, acc + accuracyOffset));
            double layerSim = clamp(similarity + 0.25 - shiftSlope * depth);
            if (i == n - 1) {
                layerSim = clamp(layerSim - topDrop);
            }
            probes.add(new LayerProbe(layers.get(i), i, depth, 64, -Math.log(Math.max(layerSim, 1e-6)), layerSim,
                    i % 2 == 0 ? "batchnorm:" + layers.get(i) : "model-profile",
                    new Estimate(-1.0 + acc, -1.05 + acc, -0.95 + acc),
                    new Estimate(acc, Math.max(0, acc - interval), Math.min(1, acc + interval))));
        }
        double best = probes.stream().mapToDouble(p -> p.probeAccuracy().value()).max().orElse(0.5);
        double trainPerClass = (double) train / classes;
        DatasetProfile.Sufficiency suf = new DatasetProfile.Sufficiency(
                List.of(new DatasetProfile.CurvePoint(0.5, (int) Math.round(trainPerClass / 2), new Estimate(best - gain2x, best - gain2x - 0.02, best - gain2x + 0.02)),
                        new DatasetProfile.CurvePoint(1.0, (int) Math.round(trainPerClass), new Estimate(best, best - 0.02, best + 0.02))),
                "acc(n) = a - b * n^-c", List.of(0.9, 0.5, 0.5), trainPerClass,
                new Estimate(best, best - 0.02, best + 0.02),
                new Estimate(clamp(best + gain2x), clamp(best + gain2x - 0.01), clamp(best + gain2x + 0.01)),
                new Estimate(clamp(best + gain2x * 1.7), clamp(best + gain2x * 1.7 - 0.02), clamp(best + gain2x * 1.7 + 0.02)));
        DatasetProfile.SizeStats size = new DatasetProfile.SizeStats(images, train, classes, names, counts, min,
                counts.get(counts.size() / 2), max, (double) max / min,
                List.of(geometryMatches ? 28 : 32, geometryMatches ? 28 : 32), List.of(geometryMatches ? 28 : 32, geometryMatches ? 28 : 32),
                List.of(geometryMatches ? 1 : 3), "28x28x1", geometryMatches, parameters);
        DatasetProfile.SourceView view = new DatasetProfile.SourceView(confidence, 0.9, 0.55,
                List.of(new DatasetProfile.ClassMapping("class0", "t-shirt", 0.7)), overlap);
        return new DatasetProfile(DatasetProfile.SCHEMA_VERSION, "test-data", "sha256:test-" + images, model, size, probes,
                similarity, view, suf, unlabelled, new DatasetProfile.Sampling(Math.min(images, 2000), 2000, 42L, 200, 1.5), List.of());
    }

    private static double clamp(double v) {
        return Math.max(0.0, Math.min(1.0, v));
    }
}
