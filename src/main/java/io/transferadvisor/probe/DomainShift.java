package io.transferadvisor.probe;

import java.util.List;

/**
 * The domain-shift measure: each channel's activations are summarised by a Gaussian (mean,
 * variance) on the target and on the source; the layer's shift is the mean over channels of the
 * symmetric KL divergence 0.5 * (KL(t||s) + KL(s||t)); similarity = exp(-shift).
 *
 * <p>Symmetric KL of two Gaussians is 0 only for identical statistics, grows with the squared
 * mean difference in units of both standard deviations and with the log-variance ratio, and does
 * not depend on the channel's scale, so layers of different magnitude are comparable.
 */
public final class DomainShift {
    private DomainShift() {}

    /** Per-channel source or target statistics. */
    public record Stats(double[] mean, double[] variance) {
        public Stats {
            if (mean.length != variance.length) {
                throw new IllegalArgumentException("channel stats with " + mean.length + " means but " + variance.length + " variances");
            }
        }

        /** Exact per-channel mean and variance from MOMENTS rows [n][2C] (spatial mean, spatial mean of squares). */
        public static Stats fromMoments(float[][] rows) {
            int c = rows[0].length / 2;
            double[] m = new double[c];
            double[] q = new double[c];
            for (float[] r : rows) {
                for (int j = 0; j < c; j++) {
                    m[j] += r[j];
                    q[j] += r[c + j];
                }
            }
            double[] v = new double[c];
            for (int j = 0; j < c; j++) {
                m[j] /= rows.length;
                v[j] = Math.max(0, q[j] / rows.length - m[j] * m[j]);
            }
            return new Stats(m, v);
        }
    }

    /** Symmetric KL divergence between N(m1, v1) and N(m2, v2). */
    public static double symmetricKl(double m1, double v1, double m2, double v2) {
        double dm = m1 - m2;
        return ((v1 - v2) * (v1 - v2) + (v1 + v2) * dm * dm) / (4 * v1 * v2);
    }

    /**
     * Mean symmetric KL over channels. Variances get a floor of 1e-3 times the mean source
     * variance (plus 1e-8), so dead channels (variance 0 in both domains) count as equal rather than
     * as infinitely far apart.
     */
    public static double shift(Stats target, Stats source) {
        int c = source.mean().length;
        if (target.mean().length != c) {
            throw new IllegalArgumentException("target has " + target.mean().length + " channels, source " + c);
        }
        double meanVar = 0;
        for (double v : source.variance()) {
            meanVar += v / c;
        }
        double floor = 1e-3 * meanVar + 1e-8;
        double s = 0;
        for (int j = 0; j < c; j++) {
            s += symmetricKl(target.mean()[j], Math.max(target.variance()[j], floor), source.mean()[j],
                    Math.max(source.variance()[j], floor));
        }
        return s / c;
    }

    public static double similarity(double shift) {
        return Math.exp(-shift);
    }

    /**
     * Overall similarity: weighted mean of per-layer similarities with weight 1 + relativeDepth
     * (the deepest cut counts twice the shallowest: deep statistics say more about whether
     * high-level features carry over). Layers with NaN similarity (no reference) are skipped.
     */
    public static double overall(List<Double> similarity, List<Double> relativeDepth) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < similarity.size(); i++) {
            double s = similarity.get(i);
            if (Double.isNaN(s)) {
                continue;
            }
            double w = 1 + relativeDepth.get(i);
            num += w * s;
            den += w;
        }
        return den == 0 ? Double.NaN : num / den;
    }
}
