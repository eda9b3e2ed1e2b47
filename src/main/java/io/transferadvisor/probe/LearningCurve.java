package io.transferadvisor.probe;

/**
 * The learning curve acc(n) = a - b * n^(-c), n = labelled images per class.
 *
 * <p>Fitting: for each c on a grid 0.05..2.00 (step 0.01) the model is linear in (a, b), so the
 * least-squares (a, b) has a closed form; bounds a in [0, 1] and b >= 0 are enforced by refitting
 * the remaining parameter on the boundary. The c with the smallest squared error wins. A grid over
 * the one non-linear parameter cannot diverge or stop in a bad local minimum, which matters with
 * four noisy points.
 */
public final class LearningCurve {
    private LearningCurve() {}

    public static final String MODEL = "acc(n) = a - b * n^(-c)";
    static final double C_MIN = 0.05;
    static final double C_MAX = 2.0;
    static final double C_STEP = 0.01;

    public record Fit(double a, double b, double c, double sse) {
        public double predict(double n) {
            return Math.max(0, Math.min(1, a - b * Math.pow(n, -c)));
        }
    }

    public static Fit fit(double[] n, double[] acc) {
        if (n.length != acc.length || n.length < 2) {
            throw new IllegalArgumentException("learning curve needs >= 2 points of (n, accuracy), got " + n.length);
        }
        Fit best = null;
        int steps = (int) Math.round((C_MAX - C_MIN) / C_STEP);
        for (int s = 0; s <= steps; s++) {
            double c = C_MIN + s * C_STEP;
            Fit f = fitLinear(n, acc, c);
            if (best == null || f.sse() < best.sse() - 1e-15) {
                best = f;
            }
        }
        return best;
    }

    private static Fit fitLinear(double[] n, double[] acc, double c) {
        int m = n.length;
        double[] x = new double[m];
        double mx = 0;
        double my = 0;
        for (int i = 0; i < m; i++) {
            x[i] = Math.pow(n[i], -c);
            mx += x[i] / m;
            my += acc[i] / m;
        }
        double sxx = 0;
        double sxy = 0;
        for (int i = 0; i < m; i++) {
            sxx += (x[i] - mx) * (x[i] - mx);
            sxy += (x[i] - mx) * (acc[i] - my);
        }
        double b = sxx > 0 ? -sxy / sxx : 0;
        double a = my + b * mx;
        if (b < 0) {
            b = 0;
            a = my;
        }
        if (a > 1) {
            a = 1;
            double num = 0;
            double den = 0;
            for (int i = 0; i < m; i++) {
                num += (1 - acc[i]) * x[i];
                den += x[i] * x[i];
            }
            b = Math.max(0, num / den);
        }
        if (a < 0) {
            a = 0;
            b = 0;
        }
        double sse = 0;
        for (int i = 0; i < m; i++) {
            double r = acc[i] - (a - b * x[i]);
            sse += r * r;
        }
        return new Fit(a, b, c, sse);
    }
}
