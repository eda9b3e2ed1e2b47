package io.transferadvisor.probe;

import io.transferadvisor.probe.DatasetProfile.Estimate;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Function;

/** Seeded percentile bootstrap (95% intervals). */
public final class Bootstrap {
    private Bootstrap() {}

    /** Multiplicities of one resample with replacement of n items. */
    public static double[] weights(int n, Random r) {
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            w[r.nextInt(n)]++;
        }
        return w;
    }

    /** Mean of 0/1 outcomes with a percentile interval over B resamples. */
    public static Estimate proportion(boolean[] outcomes, int resamples, long seed) {
        int n = outcomes.length;
        int ok = 0;
        for (boolean b : outcomes) {
            ok += b ? 1 : 0;
        }
        double value = (double) ok / n;
        Random r = new Random(seed);
        double[] stats = new double[resamples];
        for (int b = 0; b < resamples; b++) {
            int hits = 0;
            for (int i = 0; i < n; i++) {
                hits += outcomes[r.nextInt(n)] ? 1 : 0;
            }
            stats[b] = (double) hits / n;
        }
        return interval(value, stats);
    }

    /** A statistic of weighted data with a percentile interval over B resamples. */
    public static Estimate of(int n, Function<double[], Double> statistic, int resamples, long seed) {
        double[] ones = new double[n];
        Arrays.fill(ones, 1);
        double value = statistic.apply(ones);
        Random r = new Random(seed);
        double[] stats = new double[resamples];
        for (int b = 0; b < resamples; b++) {
            stats[b] = statistic.apply(weights(n, r));
        }
        return interval(value, stats);
    }

    /** Percentile interval (2.5%, 97.5%), widened to contain the point estimate. */
    public static Estimate interval(double value, double[] stats) {
        double[] s = stats.clone();
        Arrays.sort(s);
        double lo = quantile(s, 0.025);
        double hi = quantile(s, 0.975);
        return new Estimate(value, Math.min(lo, value), Math.max(hi, value));
    }

    /** Linear-interpolated quantile of sorted values. */
    public static double quantile(double[] sorted, double q) {
        if (sorted.length == 0) {
            throw new IllegalArgumentException("quantile of no values");
        }
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
