package io.transferadvisor.probe;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.eigen.Eigen;
import org.nd4j.linalg.factory.Nd4j;

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
        ClassFit[] fits = fit(features, null, labels, classes);
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

    /** As {@link #score} with a multiplicity per row (a bootstrap resample without copying rows). */
    public static double score(double[][] features, double[] weights, int[] labels, int classes) {
        ClassFit[] fits = fit(features, weights, labels, classes);
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
        INDArray f = Nd4j.create(features).castTo(DataType.DOUBLE);
        INDArray sw = Nd4j.createFromArray(sqrt(w)).reshape(n, 1);
        INDArray fw = f.mulColumnVector(sw); // sqrt(w) F: F^T W F = fw^T fw
        INDArray gram = fw.transpose().mmul(fw); // [d, d]
        INDArray vectors = gram.dup();
        INDArray eig = Eigen.symmetricGeneralizedEigenvalues(vectors, true); // vectors now holds eigenvectors as columns
        double[] sigma = eig.toDoubleVector();
        double maxSigma = 0;
        for (double s : sigma) {
            maxSigma = Math.max(maxSigma, s);
        }
        double cutoff = maxSigma * 1e-12;
        ClassFit[] out = new ClassFit[classes];
        for (int k = 0; k < classes; k++) {
            double[] y = new double[n];
            double yy = 0;
            boolean any = false;
            for (int i = 0; i < n; i++) {
                y[i] = labels[i] == k ? 1 : 0;
                yy += w[i] * y[i];
                any |= y[i] > 0 && w[i] > 0;
            }
            if (!any) {
                continue;
            }
            // x_j = u_j^T (sqrt(W) y) with u_j = sqrt(W) F v_j / sqrt(sigma_j): x_j = v_j^T F^T W y / sqrt(sigma_j)
            INDArray fty = f.transpose().mmul(Nd4j.createFromArray(mul(w, y)).reshape(n, 1)); // [d, 1]
            double[] proj = vectors.transpose().mmul(fty).toDoubleVector();
            double[] x2 = new double[d];
            double explained = 0;
            for (int j = 0; j < d; j++) {
                if (sigma[j] > cutoff) {
                    x2[j] = proj[j] * proj[j] / sigma[j];
                    explained += x2[j];
                }
            }
            double residualOutside = Math.max(0, yy - explained);
            out[k] = solve(sigma, x2, residualOutside, cutoff, nEff, d);
        }
        return out;
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

    private static double[] sqrt(double[] w) {
        double[] r = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            r[i] = Math.sqrt(w[i]);
        }
        return r;
    }

    private static double[] mul(double[] a, double[] b) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i] * b[i];
        }
        return r;
    }
}
