package io.transferadvisor.dataset;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How a network wants its input: from fitted pixels in [0, 1] (CHW, RGB or gray) to the values
 * the network was trained on. Per channel c of the network's input (after an optional RGB to BGR
 * swap): {@code x' = (x * scale - mean[c]) / std[c]}. Declared by each source model, applied
 * identically by the probe, the executor and {@code predict}, and saved in model.zip.
 *
 * @param name  a preset name (none, caffe, tf, torch) or "custom"
 * @param scale factor applied to [0, 1] pixels first (255 for networks trained on 0-255 values)
 * @param mean  per-channel value subtracted after scaling (one value for gray, three for colour)
 * @param std   per-channel divisor after the subtraction
 * @param bgr   whether colour channels are fed in BGR order (Caffe-trained weights)
 */
public record Preprocessing(String name, double scale, double[] mean, double[] std, boolean bgr) implements java.io.Serializable {
    /** Pixels as fitted, in [0, 1]: the project's own models and DL4J's MNIST LeNet and Darknet19. */
    public static final Preprocessing NONE = new Preprocessing("none", 1, new double[] {0}, new double[] {1}, false);
    /** Caffe / Keras "caffe" mode: 0-255, BGR, ImageNet means subtracted (VGG16/19, ResNet50, SqueezeNet imported from Keras). */
    public static final Preprocessing CAFFE = new Preprocessing("caffe", 255, new double[] {103.939, 116.779, 123.68},
            new double[] {1, 1, 1}, true);
    /** Keras "tf" mode: scaled to [-1, 1] (Xception, Inception, MobileNet from Keras). */
    public static final Preprocessing TF = new Preprocessing("tf", 2, new double[] {1}, new double[] {1}, false);
    /** torchvision: ImageNet mean and standard deviation on [0, 1] RGB. */
    public static final Preprocessing TORCH = new Preprocessing("torch", 1, new double[] {0.485, 0.456, 0.406},
            new double[] {0.229, 0.224, 0.225}, false);

    public static final List<Preprocessing> PRESETS = List.of(NONE, CAFFE, TF, TORCH);

    public Preprocessing {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("preprocessing name missing; allowed " + names());
        }
        if (!(scale > 0) || !Double.isFinite(scale)) {
            throw new IllegalArgumentException("preprocessing scale " + scale + " out of range; allowed > 0");
        }
        if (mean == null || std == null || mean.length == 0 || mean.length != std.length || (mean.length != 1 && mean.length != 3)) {
            throw new IllegalArgumentException("preprocessing mean and std need 1 (all channels) or 3 (per channel) values each; got "
                    + Arrays.toString(mean) + " and " + Arrays.toString(std));
        }
        for (int i = 0; i < std.length; i++) {
            if (!(std[i] > 0) || !Double.isFinite(mean[i])) {
                throw new IllegalArgumentException("preprocessing std must be > 0 and mean finite; got mean " + Arrays.toString(mean)
                        + ", std " + Arrays.toString(std));
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    /** The preset of that name (case-insensitive); an error naming the presets otherwise. */
    public static Preprocessing named(String name) {
        for (Preprocessing p : PRESETS) {
            if (p.name.equalsIgnoreCase(name == null ? "" : name.trim())) {
                return p;
            }
        }
        throw new IllegalArgumentException("preprocessing '" + name + "' unknown; allowed " + names());
    }

    public static String names() {
        return String.join(", ", PRESETS.stream().map(Preprocessing::name).toList());
    }

    public boolean isIdentity() {
        return !bgr && scale == 1 && Arrays.stream(mean).allMatch(m -> m == 0) && Arrays.stream(std).allMatch(s -> s == 1);
    }

    /** The network input for fitted pixels (CHW, [0, 1]) of the given channel count; a new array (or the same one for NONE). */
    public float[] apply(float[] chw, int channels) {
        if (isIdentity()) {
            return chw;
        }
        int plane = chw.length / channels;
        float[] out = new float[chw.length];
        for (int c = 0; c < channels; c++) {
            int from = bgr && channels == 3 ? 2 - c : c; // BGR: the network's channel 0 is blue
            double m = meanFor(c, channels);
            double s = stdFor(c, channels);
            for (int i = 0; i < plane; i++) {
                out[c * plane + i] = (float) ((chw[from * plane + i] * scale - m) / s);
            }
        }
        return out;
    }

    /** The mean subtracted from the network's input channel c of channels (a gray network with colour statistics: their average). */
    public double meanFor(int c, int channels) {
        return perChannel(mean, c, channels);
    }

    public double stdFor(int c, int channels) {
        return perChannel(std, c, channels);
    }

    private static double perChannel(double[] v, int c, int channels) {
        if (v.length == 1) {
            return v[0];
        }
        return channels == 1 ? (v[0] + v[1] + v[2]) / 3 : v[c];
    }

    /** One line for logs and reports: "caffe (x255, BGR, minus 103.939/116.779/123.68)". */
    public String describe() {
        if (isIdentity()) {
            return name + " (pixels in [0, 1] as fitted)";
        }
        StringBuilder b = new StringBuilder(name).append(" (");
        if (scale != 1) {
            b.append("x").append(fmt(scale)).append(", ");
        }
        if (bgr) {
            b.append("BGR, ");
        }
        b.append("minus ").append(join(mean));
        if (Arrays.stream(std).anyMatch(s -> s != 1)) {
            b.append(", divided by ").append(join(std));
        }
        return b.append(")").toString();
    }

    private static String join(double[] v) {
        return String.join("/", Arrays.stream(v).mapToObj(Preprocessing::fmt).toList());
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%s", v);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Preprocessing p && name.equals(p.name) && scale == p.scale && Arrays.equals(mean, p.mean)
                && Arrays.equals(std, p.std) && bgr == p.bgr;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(mean) * 7 + Arrays.hashCode(std) + Double.hashCode(scale) + (bgr ? 1 : 0);
    }

    @Override
    public String toString() {
        return describe();
    }

    @Override
    public double[] mean() {
        return mean.clone();
    }

    @Override
    public double[] std() {
        return std.clone();
    }
}
