package io.transferadvisor.probe;


/**
 * LogME (You et al., ICML 2021, "LogME: Practical Assessment of Pre-trained Models for Transfer
 * Learning"): for each class k, the maximum over (alpha, beta) of the log evidence
 * log p(y_k | F, alpha, beta) of a Bayesian linear regression of the one-hot column y_k on the
 * features F (prior w ~ N(0, alpha^-1 I), noise N(0, beta^-1)), found with MacKay's fixed-point
 * updates over the eigen-decomposition of F^T F; reported as log evidence per sample, averaged
 * over classes. Higher means the features explain the labels with a simpler linear model.
 */
public final class LogMe {
    private LogMe() {}

    /** Per-class result: the optimum and the evidence per sample there. */
    public record ClassFit(double alpha, double beta, double evidencePerSample, int iterations) {}

    /** Maximum fixed-point iterations; the paper's code uses 11 with a 1e-3 tolerance, we iterate to 1e-7. */
    static final int MAX_ITERATIONS = 200;
    static final double TOLERANCE = 1e-7;

    /** Mean over classes of the per-sample log evidence. */
    public static double score(double[][] features, int[] labels, int classes) {
        return score(features, null, labels, classes);
    }

    /** As {@link #score} with a multiplicity per row (a bootstrap resample without copying rows); null = all 1. */
    public static double score(double[][] features, double[] weights, int[] labels, int classes) {
        return mean(fit(features, weights, labels, classes));
    }

    /** Mean per-sample evidence over the classes that have a fit. */
    private static double mean(ClassFit[] fits) {
        double s = 0;
        int used = 0;
        for (ClassFit f : fits) {
            if (f != null) {
                s += f.evidencePerSample();
                used++;
            }
        }
        return s / used;
    }

    /**
     * Per-class fits. Rows may carry weights (integer multiplicities of a bootstrap resample);
     * null means 1 each.
     */
    public static ClassFit[] fit(double[][] features, double[] weights, int[] labels, int classes) {
        return fit(features, weights, labels, classes, true);
    }

    /**
     * Features wider than this, with fewer (weighted-in) samples than dimensions, are decomposed
     * through the n x n matrix F W F^T instead of the d x d F^T W F: the same non-zero eigenvalues and
     * projections, so the same evidence. ResNet50's 2,048-wide features on a few dozen images took
     * minutes of LAPACK per layer and jackknife group the other way.
     */
    static final int DUAL_MIN_DIM = 256;

    static ClassFit[] fit(double[][] features, double[] weights, int[] labels, int classes, boolean allowDual) {
        return fit(features, weights, labels, classes, allowDual, null);
    }

    /**
     * As above; gram, when not null, is the Gram matrix the fit would compute (F^T F, or F F^T of the rows in
     * order for the dual): {@link Subsets} passes one taken from the whole set's.
     */
    private static ClassFit[] fit(double[][] features, double[] weights, int[] labels, int classes, boolean allowDual, double[] gram0) {
        int n = features.length;
        if (n < 2) {
            throw new IllegalArgumentException("LogME needs at least 2 samples, got " + n);
        }
        int d = features[0].length;
        double nEff = 0;
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = weights == null ? 1 : weights[i];
            nEff += w[i];
        }
        int active = 0;
        for (double wi : w) {
            active += wi != 0 ? 1 : 0;
        }
        if (allowDual && d > DUAL_MIN_DIM && active < d) {
            return fitDual(features, w, labels, classes, nEff, d, gram0);
        }
        // Gram matrix F^T W F: in plain Java (upper triangle, then mirrored) up to DUAL_MIN_DIM dimensions, cheaper than
        // ND4J's conversions at these sizes; above, one double-precision BLAS product (a 1,024-wide layer of 2,000 images
        // took about a second per fit in Java, and the jackknife fits 11 times per layer).
        double[] gram = gram0 != null ? gram0 : d > DUAL_MIN_DIM ? blasGram(features, w, d, false) : loopGram(features, w, d);
        SymmetricEigen.Result eig = SymmetricEigen.of(gram, d);
        double[] sigma = eig.values();
        double[][] v = eig.vectors(); // eigenvectors as columns
        double maxSigma = 0;
        for (double s : sigma) {
            maxSigma = Math.max(maxSigma, s);
        }
        double cutoff = maxSigma * 1e-12;
        // F^T W y_k for every class in one pass
        double[][] fty = new double[classes][d];
        double[] yy = new double[classes];
        boolean[] any = new boolean[classes];
        for (int i = 0; i < n; i++) {
            int k = labels[i];
            if (k < 0 || k >= classes || w[i] == 0) {
                continue;
            }
            any[k] = true;
            yy[k] += w[i];
            double[] row = features[i];
            double[] acc = fty[k];
            for (int j = 0; j < d; j++) {
                acc[j] += w[i] * row[j];
            }
        }
        ClassFit[] out = new ClassFit[classes];
        for (int k = 0; k < classes; k++) {
            if (!any[k]) {
                continue;
            }
            // x_j = u_j^T (sqrt(W) y) with u_j = sqrt(W) F v_j / sqrt(sigma_j): x_j = v_j^T F^T W y / sqrt(sigma_j)
            double[] x2 = new double[d];
            double explained = 0;
            for (int j = 0; j < d; j++) {
                if (sigma[j] > cutoff) {
                    double proj = 0;
                    for (int a = 0; a < d; a++) {
                        proj += v[a][j] * fty[k][a];
                    }
                    x2[j] = proj * proj / sigma[j];
                    explained += x2[j];
                }
            }
            double residualOutside = Math.max(0, yy[k] - explained);
            out[k] = solve(sigma, x2, residualOutside, cutoff, nEff, d);
        }
        return out;
    }

    /** F^T W F summed row by row in Java (upper triangle, then mirrored). */
    private static double[] loopGram(double[][] features, double[] w, int d) {
        double[] gram = new double[d * d];
        for (int i = 0; i < features.length; i++) {
            double[] row = features[i];
            double wi = w[i];
            if (wi == 0) {
                continue;
            }
            for (int a = 0; a < d; a++) {
                double ra = wi * row[a];
                if (ra == 0) {
                    continue;
                }
                int off = a * d;
                for (int b = a; b < d; b++) {
                    gram[off + b] += ra * row[b];
                }
            }
        }
        for (int a = 0; a < d; a++) {
            for (int b = 0; b < a; b++) {
                gram[a * d + b] = gram[b * d + a];
            }
        }
        return gram;
    }

    /**
     * sqrt(W) F's Gram matrix by one double-precision BLAS product over the rows with weight: F^T W F
     * (d x d) or, with outer, (sqrt(W) F)(sqrt(W) F)^T (m x m, rows in order). Mirrored from the upper
     * triangle so it is exactly symmetric.
     */
    static double[] blasGram(double[][] features, double[] w, int d, boolean outer) {
        int m = 0;
        for (double wi : w) {
            m += wi != 0 ? 1 : 0;
        }
        double[] flat = new double[m * d];
        int r = 0;
        for (int i = 0; i < features.length; i++) {
            if (w[i] == 0) {
                continue;
            }
            double s = Math.sqrt(w[i]);
            double[] row = features[i];
            for (int j = 0; j < d; j++) {
                flat[r * d + j] = s * row[j];
            }
            r++;
        }
        org.nd4j.linalg.api.ndarray.INDArray f = org.nd4j.linalg.factory.Nd4j.create(flat, new long[] {m, d}, 'c');
        org.nd4j.linalg.api.ndarray.INDArray g = outer ? f.mmul(f.transpose()) : f.transpose().mmul(f);
        int k = outer ? m : d;
        double[] out = g.dup('c').data().asDouble();
        for (int a = 0; a < k; a++) {
            for (int b = 0; b < a; b++) {
                out[a * k + b] = out[b * k + a];
            }
        }
        return out;
    }

    /**
     * The same fit through the m x m matrix G = (sqrt(W) F)(sqrt(W) F)^T of the m rows with weight:
     * G = U S U^T gives F^T W F's non-zero eigenvalues S, and x_j = u_j^T sqrt(W) y_k is the
     * projection the primal computes as v_j^T F^T W y_k / sqrt(sigma_j). The d - m zero eigenvalues
     * are kept (as zeros) because the evidence's log-determinant counts every dimension.
     */
    private static ClassFit[] fitDual(double[][] features, double[] w, int[] labels, int classes, double nEff, int d, double[] gram0) {
        int n = features.length;
        int[] rows = new int[n];
        int m = 0;
        for (int i = 0; i < n; i++) {
            if (w[i] != 0) {
                rows[m++] = i;
            }
        }
        double[] sw = new double[m];
        for (int r = 0; r < m; r++) {
            sw[r] = Math.sqrt(w[rows[r]]);
        }
        double[] g = gram0 != null ? gram0 : blasGram(features, w, d, true);
        SymmetricEigen.Result eig = SymmetricEigen.of(g, m);
        double[] sigma = new double[d]; // the m eigenvalues, then d - m zeros
        System.arraycopy(eig.values(), 0, sigma, 0, m);
        double[][] u = eig.vectors();
        double maxSigma = 0;
        for (double s : sigma) {
            maxSigma = Math.max(maxSigma, s);
        }
        double cutoff = maxSigma * 1e-12;
        ClassFit[] out = new ClassFit[classes];
        for (int k = 0; k < classes; k++) {
            double yy = 0;
            for (int r = 0; r < m; r++) {
                if (labels[rows[r]] == k) {
                    yy += w[rows[r]];
                }
            }
            if (yy == 0) {
                continue;
            }
            double[] x2 = new double[d];
            double explained = 0;
            for (int j = 0; j < m; j++) {
                if (sigma[j] > cutoff) {
                    double proj = 0;
                    for (int r = 0; r < m; r++) {
                        if (labels[rows[r]] == k) {
                            proj += u[r][j] * sw[r];
                        }
                    }
                    x2[j] = proj * proj;
                    explained += x2[j];
                }
            }
            out[k] = solve(sigma, x2, Math.max(0, yy - explained), cutoff, nEff, d);
        }
        return out;
    }

    /**
     * LogME of row subsets of one feature matrix (the jackknife's fits, the whole set first), each subset's Gram
     * matrix taken from the whole set's instead of recomputed: for features wider than {@link #DUAL_MIN_DIM}, the
     * principal submatrix of F F^T when the set has fewer rows than dimensions, else F^T F minus the left-out rows'
     * F_o^T F_o. The same matrices up to rounding, so the same evidence; a 2,048-wide layer of 1,996 images spent
     * 0.45 s of each 1.5 s fit on its Gram. Narrower features, and a subset with fewer rows than dimensions of a
     * set with more (which {@link #score} takes through the n x n route), are fitted as {@link #score} fits them.
     */
    static final class Subsets {
        private final double[][] features;
        private final boolean wide;
        private final boolean dual;
        private final double[] gram;

        Subsets(double[][] features) {
            this.features = features;
            int n = features.length;
            int d = features[0].length;
            this.wide = d > DUAL_MIN_DIM;
            this.dual = wide && n < d;
            double[] ones = new double[n];
            java.util.Arrays.fill(ones, 1);
            this.gram = wide ? blasGram(features, ones, d, dual) : null;
        }

        /** LogME of the given rows (indices into the features, each at most once) with their labels. */
        double score(int[] rows, int[] labels, int classes) {
            double[][] sub = new double[rows.length][];
            for (int i = 0; i < rows.length; i++) {
                sub[i] = features[rows[i]];
            }
            if (!wide || (!dual && rows.length < features[0].length)) {
                return LogMe.score(sub, labels, classes); // narrow, or a subset score() would take through the n x n route
            }
            int n = features.length;
            int d = features[0].length;
            double[] g;
            if (dual) {
                int m = rows.length;
                g = new double[m * m];
                for (int a = 0; a < m; a++) {
                    int off = rows[a] * n;
                    for (int b = 0; b < m; b++) {
                        g[a * m + b] = gram[off + rows[b]];
                    }
                }
            } else {
                boolean[] kept = new boolean[n];
                for (int r : rows) {
                    kept[r] = true;
                }
                double[] out = new double[n];
                int left = 0;
                for (int i = 0; i < n; i++) {
                    if (!kept[i]) {
                        out[i] = 1;
                        left++;
                    }
                }
                g = gram.clone();
                if (left > 0) {
                    double[] o = blasGram(features, out, d, false);
                    for (int i = 0; i < g.length; i++) {
                        g[i] -= o[i];
                    }
                }
            }
            return mean(fit(sub, null, labels, classes, dual, g));
        }
    }

    private static ClassFit solve(double[] sigma, double[] x2, double residualOutside, double cutoff, double n, int d) {
        double alpha = 1;
        double beta = 1;
        int it = 0;
        double m2 = 0;
        double res2 = 0;
        for (it = 1; it <= MAX_ITERATIONS; it++) {
            double t = alpha / beta;
            double gamma = 0;
            m2 = 0;
            res2 = residualOutside;
            for (int j = 0; j < sigma.length; j++) {
                double s = sigma[j] > cutoff ? sigma[j] : 0;
                gamma += s / (s + t);
                m2 += s * x2[j] / ((t + s) * (t + s));
                res2 += x2[j] / ((1 + s / t) * (1 + s / t));
            }
            alpha = gamma / (m2 + 1e-12);
            beta = (n - gamma) / (res2 + 1e-12);
            double tNew = alpha / beta;
            if (Math.abs(tNew - t) / t <= TOLERANCE) {
                break;
            }
        }
        // recompute m2 / res2 at the final alpha, beta so the evidence is evaluated exactly there
        double t = alpha / beta;
        m2 = 0;
        res2 = residualOutside;
        double logDet = 0;
        for (int j = 0; j < sigma.length; j++) {
            double s = sigma[j] > cutoff ? sigma[j] : 0;
            m2 += s * x2[j] / ((t + s) * (t + s));
            res2 += x2[j] / ((1 + s / t) * (1 + s / t));
            logDet += Math.log(alpha + beta * s);
        }
        double evidence = d / 2.0 * Math.log(alpha) + n / 2.0 * Math.log(beta) - 0.5 * logDet
                - beta / 2 * res2 - alpha / 2 * m2 - n / 2.0 * Math.log(2 * Math.PI);
        return new ClassFit(alpha, beta, evidence / n, Math.min(it, MAX_ITERATIONS));
    }
}
