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

    /**
     * Interval by balanced half-sampling: B stratified subsamples of half of each class, without
     * replacement; the statistic's spread over them, centred on their mean, placed around the
     * full-sample value. For a smooth statistic the variance over half-samples equals the variance
     * of the full-sample estimate ((n - m) / m = 1 at m = n / 2), and unlike the bootstrap it never
     * duplicates rows, which statistics like LogME reward (a duplicated row is fitted for free).
     */
    public static Estimate halfSample(int[] labels, int classes, Function<int[], Double> statistic, double fullValue,
                                      int resamples, long seed) {
        java.util.List<java.util.List<Integer>> byClass = new java.util.ArrayList<>();
        for (int c = 0; c < classes; c++) {
            byClass.add(new java.util.ArrayList<>());
        }
        for (int i = 0; i < labels.length; i++) {
            byClass.get(labels[i]).add(i);
        }
        Random r = new Random(seed);
        double[] stats = new double[resamples];
        for (int b = 0; b < resamples; b++) {
            java.util.List<Integer> pick = new java.util.ArrayList<>();
            for (java.util.List<Integer> idx : byClass) {
                java.util.List<Integer> copy = new java.util.ArrayList<>(idx);
                java.util.Collections.shuffle(copy, r);
                pick.addAll(copy.subList(0, Math.max(1, copy.size() / 2)));
            }
            java.util.Collections.sort(pick);
            stats[b] = statistic.apply(pick.stream().mapToInt(Integer::intValue).toArray());
        }
        double mean = Arrays.stream(stats).average().orElse(fullValue);
        for (int b = 0; b < resamples; b++) {
            stats[b] = fullValue + (stats[b] - mean);
        }
        return interval(fullValue, stats);
    }

    /**
     * Delete-a-group jackknife: the samples are dealt into G stratified groups, the statistic is
     * recomputed G times without one group, se^2 = (G-1)/G * sum (theta_g - mean theta_g)^2, and
     * the interval is value +- 1.96 se. G evaluations instead of B: used for LogME, whose cost is an
     * eigendecomposition per evaluation.
     */
    public static Estimate jackknife(int[] labels, int classes, Function<int[], Double> statistic, double fullValue,
                                     int groups, long seed) {
        int[] group = LinearProbe.stratifiedFolds(labels, classes, groups, seed);
        double[] theta = new double[groups];
        for (int g = 0; g < groups; g++) {
            int count = 0;
            for (int v : group) {
                count += v != g ? 1 : 0;
            }
            int[] keep = new int[count];
            int at = 0;
            for (int i = 0; i < group.length; i++) {
                if (group[i] != g) {
                    keep[at++] = i;
                }
            }
            theta[g] = statistic.apply(keep);
        }
        double mean = Arrays.stream(theta).average().orElse(fullValue);
        double ss = 0;
        for (double t : theta) {
            ss += (t - mean) * (t - mean);
        }
        double se = Math.sqrt((groups - 1.0) / groups * ss);
        return new Estimate(fullValue, fullValue - 1.96 * se, fullValue + 1.96 * se);
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
