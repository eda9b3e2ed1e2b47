package io.transferadvisor.util;

/** Output rows as probabilities: the row itself when it already is a distribution, else its softmax (SVM scores). */
public final class Probabilities {
    private Probabilities() {}

    public static double[] of(double[] row) {
        double sum = 0;
        boolean nonNegative = true;
        for (double v : row) {
            sum += v;
            nonNegative &= v >= 0;
        }
        if (nonNegative && Math.abs(sum - 1) < 1e-3) {
            return row;
        }
        double max = Double.NEGATIVE_INFINITY;
        for (double v : row) {
            max = Math.max(max, v);
        }
        double[] q = new double[row.length];
        double z = 0;
        for (int i = 0; i < row.length; i++) {
            q[i] = Math.exp(row[i] - max);
            z += q[i];
        }
        for (int i = 0; i < row.length; i++) {
            q[i] /= z;
        }
        return q;
    }

    public static double[] of(float[] row) {
        double[] d = new double[row.length];
        for (int i = 0; i < row.length; i++) {
            d[i] = row[i];
        }
        return of(d);
    }

    /** The 95% Wilson score interval {low, high} of an accuracy p measured on n images (n > 0). */
    public static double[] wilson(double p, int n) {
        double z = 1.96;
        double d = 1 + z * z / n;
        double centre = (p + z * z / (2 * n)) / d;
        double half = z * Math.sqrt(p * (1 - p) / n + z * z / (4.0 * n * n)) / d;
        return new double[] {Math.max(0, centre - half), Math.min(1, centre + half)};
    }
}
