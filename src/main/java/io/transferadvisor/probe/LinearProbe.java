package io.transferadvisor.probe;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A linear probe: multinomial logistic regression with an L2 penalty on standardised features,
 * trained by L-BFGS, scored by stratified k-fold cross-validation. Plain Java on double[]: the
 * probe sees at most a few thousand samples of at most a few thousand dimensions.
 */
public final class LinearProbe {
    private LinearProbe() {}

    /** L2 strength on the weights (not the biases), with the data term a mean over samples. */
    public static final double LAMBDA = 1e-2;
    static final int MAX_ITERATIONS = 300;
    private static final int HISTORY = 10;

    /**
     * Out-of-fold predictions.
     *
     * @param accuracy  share of samples predicted correctly when held out
     * @param correct   per sample, whether its held-out prediction was right
     * @param folds     folds used
     */
    public record CvResult(double accuracy, boolean[] correct, int folds) {}

    /** A fitted model: standardisation plus weights [classes][dims + 1] (bias last). */
    public record Model(double[] mean, double[] scale, double[][] weights) {
        public int predict(double[] x) {
            int best = 0;
            double bestZ = Double.NEGATIVE_INFINITY;
            int d = mean.length;
            for (int k = 0; k < weights.length; k++) {
                double z = weights[k][d];
                for (int j = 0; j < d; j++) {
                    z += weights[k][j] * (x[j] - mean[j]) / scale[j];
                }
                if (z > bestZ) {
                    bestZ = z;
                    best = k;
                }
            }
            return best;
        }
    }

    /** Folds to use: k, reduced so every class appears in every fold when it can; at least 2. */
    public static int folds(int[] labels, int classes, int wanted) {
        int[] counts = new int[classes];
        for (int y : labels) {
            counts[y]++;
        }
        int min = Integer.MAX_VALUE;
        for (int c : counts) {
            if (c > 0) {
                min = Math.min(min, c);
            }
        }
        return Math.max(2, Math.min(wanted, min));
    }

    /** Fold of each sample: each class shuffled (seeded) and dealt round-robin over the folds. */
    public static int[] stratifiedFolds(int[] labels, int classes, int folds, long seed) {
        int[] fold = new int[labels.length];
        Random r = new Random(seed);
        for (int c = 0; c < classes; c++) {
            List<Integer> idx = new ArrayList<>();
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] == c) {
                    idx.add(i);
                }
            }
            java.util.Collections.shuffle(idx, r);
            int offset = r.nextInt(folds); // so small classes do not all start in fold 0
            for (int j = 0; j < idx.size(); j++) {
                fold[idx.get(j)] = (j + offset) % folds;
            }
        }
        return fold;
    }

    /**
     * k-fold cross-validation; in each fold the model is trained on a stratified {@code fraction}
     * of the other folds (1 = all) and tested on the whole held-out fold.
     */
    public static CvResult crossValidate(double[][] x, int[] y, int classes, int folds, double fraction, long seed) {
        int[] fold = stratifiedFolds(y, classes, folds, seed);
        boolean[] correct = new boolean[x.length];
        Random r = new Random(seed ^ 0x5DEECE66DL);
        for (int f = 0; f < folds; f++) {
            List<Integer> train = new ArrayList<>();
            for (int i = 0; i < x.length; i++) {
                if (fold[i] != f) {
                    train.add(i);
                }
            }
            int[] trainIdx = subsample(train, y, classes, fraction, r);
            double[][] tx = new double[trainIdx.length][];
            int[] ty = new int[trainIdx.length];
            for (int i = 0; i < trainIdx.length; i++) {
                tx[i] = x[trainIdx[i]];
                ty[i] = y[trainIdx[i]];
            }
            Model m = train(tx, ty, classes, LAMBDA);
            for (int i = 0; i < x.length; i++) {
                if (fold[i] == f) {
                    correct[i] = m.predict(x[i]) == y[i];
                }
            }
        }
        int ok = 0;
        for (boolean c : correct) {
            ok += c ? 1 : 0;
        }
        return new CvResult((double) ok / x.length, correct, folds);
    }

    /** A stratified share of the given indices: per class ceil(fraction * count), at least 1. */
    static int[] subsample(List<Integer> indices, int[] y, int classes, double fraction, Random r) {
        if (fraction >= 1) {
            return indices.stream().mapToInt(Integer::intValue).toArray();
        }
        List<Integer> out = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            List<Integer> of = new ArrayList<>();
            for (int i : indices) {
                if (y[i] == c) {
                    of.add(i);
                }
            }
            if (of.isEmpty()) {
                continue;
            }
            java.util.Collections.shuffle(of, r);
            int keep = Math.max(1, (int) Math.ceil(fraction * of.size()));
            out.addAll(of.subList(0, Math.min(keep, of.size())));
        }
        java.util.Collections.sort(out);
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Fits standardisation and weights on all given samples. */
    public static Model train(double[][] x, int[] y, int classes, double lambda) {
        int n = x.length;
        int d = x[0].length;
        double[] mean = new double[d];
        double[] scale = new double[d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                mean[j] += row[j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= n;
        }
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                double v = row[j] - mean[j];
                scale[j] += v * v;
            }
        }
        for (int j = 0; j < d; j++) {
            scale[j] = Math.sqrt(scale[j] / n);
            if (!(scale[j] > 1e-8)) {
                scale[j] = 1; // a constant feature: leave it centred at 0
            }
        }
        double[][] z = new double[n][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                z[i][j] = (x[i][j] - mean[j]) / scale[j];
            }
        }
        Objective obj = new Objective(z, y, classes, lambda);
        // without an L2 term the flattened curvature could be 0/0: no preconditioner then (the probe always has one)
        Deflation pre = obj.xm != null && lambda > 0 ? Deflation.of(obj.xm, lambda, DEFLATED, 0x51A7E5L) : null;
        double[] theta = minimise(obj, new double[classes * (d + 1)], pre, null);
        double[][] w = new double[classes][d + 1];
        for (int k = 0; k < classes; k++) {
            System.arraycopy(theta, k * (d + 1), w[k], 0, d + 1);
        }
        return new Model(mean, scale, w);
    }

    /** Mean cross-entropy plus lambda/2 * |W|^2, and its gradient. */
    static final class Objective {
        final double[][] x;
        final int[] y;
        final int k;
        final int d;
        final double lambda;

        /**
         * The samples as one single-precision c-order matrix for BLAS, when the features are wider than
         * {@link #BLAS_MIN_DIM}; else null. Single precision: each evaluation reads the whole matrix twice,
         * and at 1,600 x 2,048 doubles (26 MB) that was memory-bound (8-11 ms per evaluation); in floats it
         * stays in the 32 MB L3 and takes 2.6 ms. Loss and gradient are still summed in double.
         */
        final org.nd4j.linalg.api.ndarray.INDArray xm;

        Objective(double[][] x, int[] y, int k, double lambda) {
            this(x, y, k, lambda, x[0].length > BLAS_MIN_DIM);
        }

        Objective(double[][] x, int[] y, int k, double lambda, boolean blas) {
            this.x = x;
            this.y = y;
            this.k = k;
            this.d = x[0].length;
            this.lambda = lambda;
            this.xm = blas ? floats(x) : null;
        }

        static org.nd4j.linalg.api.ndarray.INDArray floats(double[][] x) {
            int n = x.length;
            int d = x[0].length;
            float[] flat = new float[n * d];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < d; j++) {
                    flat[i * d + j] = (float) x[i][j];
                }
            }
            return org.nd4j.linalg.factory.Nd4j.create(flat, new long[] {n, d}, 'c');
        }

        double eval(double[] theta, double[] grad) {
            if (xm != null) {
                return evalBlas(theta, grad);
            }
            Arrays.fill(grad, 0);
            int n = x.length;
            int stride = d + 1;
            double loss = 0;
            double[] z = new double[k];
            for (int i = 0; i < n; i++) {
                double[] xi = x[i];
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < k; c++) {
                    int o = c * stride;
                    double s = theta[o + d];
                    for (int j = 0; j < d; j++) {
                        s += theta[o + j] * xi[j];
                    }
                    z[c] = s;
                    max = Math.max(max, s);
                }
                double sum = 0;
                for (int c = 0; c < k; c++) {
                    z[c] = Math.exp(z[c] - max);
                    sum += z[c];
                }
                loss -= Math.log(z[y[i]] / sum);
                for (int c = 0; c < k; c++) {
                    double g = z[c] / sum - (c == y[i] ? 1 : 0);
                    if (g == 0) {
                        continue;
                    }
                    int o = c * stride;
                    for (int j = 0; j < d; j++) {
                        grad[o + j] += g * xi[j];
                    }
                    grad[o + d] += g;
                }
            }
            loss /= n;
            for (int i = 0; i < grad.length; i++) {
                grad[i] /= n;
            }
            for (int c = 0; c < k; c++) {
                int o = c * stride;
                for (int j = 0; j < d; j++) {
                    loss += 0.5 * lambda * theta[o + j] * theta[o + j];
                    grad[o + j] += lambda * theta[o + j];
                }
            }
            return loss;
        }

        /**
         * The same loss and gradient with the logits X W^T and the gradient (P - Y)^T X as two single-precision
         * BLAS products (gemm with transpose flags: no copies of the matrix).
         */
        private double evalBlas(double[] theta, double[] grad) {
            int n = x.length;
            int stride = d + 1;
            float[] wflat = new float[k * d];
            for (int c = 0; c < k; c++) {
                for (int j = 0; j < d; j++) {
                    wflat[c * d + j] = (float) theta[c * stride + j];
                }
            }
            org.nd4j.linalg.api.ndarray.INDArray w = org.nd4j.linalg.factory.Nd4j.create(wflat, new long[] {k, d}, 'c');
            float[] zf = rowMajor(org.nd4j.linalg.factory.Nd4j.gemm(xm, w, false, true)); // n x k
            double[] z = new double[n * k];
            for (int i = 0; i < z.length; i++) {
                z[i] = zf[i];
            }
            double loss = 0;
            double[] g = new double[n * k];
            double[] gb = new double[k];
            for (int i = 0; i < n; i++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < k; c++) {
                    z[i * k + c] += theta[c * stride + d];
                    max = Math.max(max, z[i * k + c]);
                }
                double sum = 0;
                for (int c = 0; c < k; c++) {
                    z[i * k + c] = Math.exp(z[i * k + c] - max);
                    sum += z[i * k + c];
                }
                loss -= Math.log(z[i * k + y[i]] / sum);
                for (int c = 0; c < k; c++) {
                    double gc = z[i * k + c] / sum - (c == y[i] ? 1 : 0);
                    g[i * k + c] = gc;
                    gb[c] += gc;
                }
            }
            float[] gf = new float[n * k];
            for (int i = 0; i < gf.length; i++) {
                gf[i] = (float) g[i];
            }
            float[] gw = rowMajor(org.nd4j.linalg.factory.Nd4j.gemm(org.nd4j.linalg.factory.Nd4j.create(gf, new long[] {n, k}, 'c'), xm, true, false)); // k x d
            loss /= n;
            for (int c = 0; c < k; c++) {
                int o = c * stride;
                for (int j = 0; j < d; j++) {
                    grad[o + j] = gw[c * d + j] / n + lambda * theta[o + j];
                    loss += 0.5 * lambda * theta[o + j] * theta[o + j];
                }
                grad[o + d] = gb[c] / n;
            }
            return loss;
        }
    }

    /** A matrix's elements in row-major order (gemm may return column-major). */
    private static float[] rowMajor(org.nd4j.linalg.api.ndarray.INDArray a) {
        return (a.ordering() == 'c' && !a.isView() ? a : a.dup('c')).data().asFloat();
    }

    /**
     * Features wider than this are scored and differentiated with two single-precision BLAS products
     * per evaluation instead of Java loops (zoo layers of 256-2,048 dimensions); the project's
     * models' layers (at most 192 wide) keep the loops and their exact numbers.
     */
    static final int BLAS_MIN_DIM = 192;

    /** Directions the wide path's preconditioner flattens: the top of the features' covariance spectrum. */
    static final int DEFLATED = 64;

    /**
     * A preconditioner for the wide path: the standardised features' covariance C = Z^T Z / n has a few large
     * eigenvalues (ResNet50 at 1,996 images: the largest 469-1,290, the 65th 1.2-1.6, the L2 term 0.01), so
     * L-BFGS on 1,024-2,048 dimensions stopped at its 300-iteration cap in every fold. P = I + V (D - I) V^T
     * scales each weight block's component along the top eigenvectors V by D_i = (s_floor + mu) / (s_i + mu),
     * with mu = 4 lambda (the logistic loss's curvature is at most 1/4 of C's), so that curvature becomes
     * about the floor's. V comes from a seeded randomized subspace iteration (Halko et al. 2011) with two
     * power steps: a few BLAS products of Z, not an eigen-decomposition of C. Only the path to the optimum
     * changes; the optimum does not.
     */
    static final class Deflation {
        final double[][] v; // r eigenvectors of length d
        final double[] scale; // D_i - 1

        private Deflation(double[][] v, double[] scale) {
            this.v = v;
            this.scale = scale;
        }

        static Deflation of(org.nd4j.linalg.api.ndarray.INDArray z, double lambda, int rank, long seed) {
            int n = (int) z.size(0);
            int d = (int) z.size(1);
            int r = Math.min(rank, d / 4);
            int l = Math.min(d, r + 8);
            if (r < 1) {
                return null;
            }
            Random rnd = new Random(seed);
            double[][] q = new double[l][d];
            for (double[] col : q) {
                for (int j = 0; j < d; j++) {
                    col[j] = rnd.nextGaussian();
                }
            }
            orthonormalise(q);
            for (int power = 0; power < 2; power++) {
                q = covarianceTimes(z, q, n);
                orthonormalise(q);
            }
            // Rayleigh-Ritz: B = Q^T C Q = (Z Q)^T (Z Q) / n, l x l, then V = Q U.
            double[][] zq = times(z, q); // n x l as [l][n]
            double[] b = new double[l * l];
            for (int a = 0; a < l; a++) {
                for (int c = a; c < l; c++) {
                    double sum = 0;
                    for (int i = 0; i < n; i++) {
                        sum += zq[a][i] * zq[c][i];
                    }
                    b[a * l + c] = sum / n;
                    b[c * l + a] = sum / n;
                }
            }
            SymmetricEigen.Result eig = SymmetricEigen.of(b, l);
            Integer[] order = new Integer[l];
            for (int i = 0; i < l; i++) {
                order[i] = i;
            }
            java.util.Arrays.sort(order, (x1, x2) -> Double.compare(eig.values()[x2], eig.values()[x1]));
            double mu = 4 * lambda;
            double floor = Math.max(0, eig.values()[order[r]]);
            double[][] v = new double[r][d];
            double[] scale = new double[r];
            for (int i = 0; i < r; i++) {
                int e = order[i];
                for (int a = 0; a < l; a++) {
                    double u = eig.vectors()[a][e];
                    for (int j = 0; j < d; j++) {
                        v[i][j] += u * q[a][j];
                    }
                }
                scale[i] = (floor + mu) / (Math.max(0, eig.values()[e]) + mu) - 1;
            }
            return new Deflation(v, scale);
        }

        /** q <- P q on each class's weight block (the bias, last in a block, is left alone). */
        void apply(double[] q, int classes, int d) {
            int stride = d + 1;
            for (int k = 0; k < classes; k++) {
                int o = k * stride;
                for (int i = 0; i < v.length; i++) {
                    double[] vi = v[i];
                    double t = 0;
                    for (int j = 0; j < d; j++) {
                        t += vi[j] * q[o + j];
                    }
                    t *= scale[i];
                    for (int j = 0; j < d; j++) {
                        q[o + j] += t * vi[j];
                    }
                }
            }
        }

        /** Z Q for columns q[a] (length d): [l][n]. */
        private static double[][] times(org.nd4j.linalg.api.ndarray.INDArray z, double[][] q) {
            return rows(org.nd4j.linalg.factory.Nd4j.gemm(Objective.floats(q), z, false, true), 1); // l x n
        }

        /** C Q = Z^T (Z Q) / n for columns q[a]: [l][d]. */
        private static double[][] covarianceTimes(org.nd4j.linalg.api.ndarray.INDArray z, double[][] q, int n) {
            return rows(org.nd4j.linalg.factory.Nd4j.gemm(Objective.floats(times(z, q)), z, false, false), n); // l x d
        }

        /** A float matrix's rows as doubles, divided by divisor. */
        private static double[][] rows(org.nd4j.linalg.api.ndarray.INDArray m, double divisor) {
            int rows = (int) m.size(0);
            int cols = (int) m.size(1);
            float[] flat = rowMajor(m);
            double[][] out = new double[rows][cols];
            for (int a = 0; a < rows; a++) {
                for (int b = 0; b < cols; b++) {
                    out[a][b] = flat[a * cols + b] / divisor;
                }
            }
            return out;
        }

        /** Modified Gram-Schmidt, twice; a column that vanishes is left at zero. */
        private static void orthonormalise(double[][] q) {
            for (int pass = 0; pass < 2; pass++) {
                for (int a = 0; a < q.length; a++) {
                    for (int b = 0; b < a; b++) {
                        double t = dot(q[a], q[b]);
                        axpy(-t, q[b], q[a]);
                    }
                    double norm = Math.sqrt(dot(q[a], q[a]));
                    if (norm > 1e-12) {
                        for (int j = 0; j < q[a].length; j++) {
                            q[a][j] /= norm;
                        }
                    } else {
                        java.util.Arrays.fill(q[a], 0);
                    }
                }
            }
        }
    }

    /**
     * L-BFGS with Armijo backtracking, its initial inverse Hessian gamma * P for a preconditioner P (null: identity);
     * iterations[0], when given, receives the number of iterations run.
     */
    static double[] minimise(Objective obj, double[] start, Deflation pre, int[] iterations) {
        int p = start.length;
        double[] x = start.clone();
        double[] g = new double[p];
        double f = obj.eval(x, g);
        double[][] s = new double[HISTORY][];
        double[][] yv = new double[HISTORY][];
        double[] rho = new double[HISTORY];
        int stored = 0;
        int head = 0;
        double[] gNew = new double[p];
        double[] xNew = new double[p];
        int it = 0;
        for (; it < MAX_ITERATIONS; it++) {
            double gInf = 0;
            for (double v : g) {
                gInf = Math.max(gInf, Math.abs(v));
            }
            if (gInf < 1e-5) {
                break;
            }
            // two-loop recursion
            double[] q = g.clone();
            double[] a = new double[HISTORY];
            for (int m = 0; m < stored; m++) {
                int idx = Math.floorMod(head - 1 - m, HISTORY);
                a[idx] = rho[idx] * dot(s[idx], q);
                axpy(-a[idx], yv[idx], q);
            }
            double gammaScale = 1;
            if (stored > 0) {
                int last = Math.floorMod(head - 1, HISTORY);
                double yPy;
                if (pre == null) {
                    yPy = dot(yv[last], yv[last]);
                } else {
                    double[] py = yv[last].clone();
                    pre.apply(py, obj.k, obj.d);
                    yPy = dot(yv[last], py);
                }
                gammaScale = dot(s[last], yv[last]) / yPy;
            } else {
                gammaScale = 1 / Math.max(1, Math.sqrt(dot(g, g)));
            }
            if (pre != null) {
                pre.apply(q, obj.k, obj.d);
            }
            for (int i = 0; i < p; i++) {
                q[i] *= gammaScale;
            }
            for (int m = stored - 1; m >= 0; m--) {
                int idx = Math.floorMod(head - 1 - m, HISTORY);
                double b = rho[idx] * dot(yv[idx], q);
                axpy(a[idx] - b, s[idx], q);
            }
            double[] dir = q;
            for (int i = 0; i < p; i++) {
                dir[i] = -dir[i];
            }
            double slope = dot(g, dir);
            if (slope >= 0) {
                for (int i = 0; i < p; i++) {
                    dir[i] = -g[i];
                }
                slope = dot(g, dir);
                stored = 0;
            }
            double step = 1;
            double fNew = 0;
            int tries = 0;
            while (true) {
                for (int i = 0; i < p; i++) {
                    xNew[i] = x[i] + step * dir[i];
                }
                fNew = obj.eval(xNew, gNew);
                if (fNew <= f + 1e-4 * step * slope || ++tries > 40) {
                    break;
                }
                step *= 0.5;
            }
            double[] sv = new double[p];
            double[] yy = new double[p];
            for (int i = 0; i < p; i++) {
                sv[i] = xNew[i] - x[i];
                yy[i] = gNew[i] - g[i];
            }
            double sy = dot(sv, yy);
            if (sy > 1e-12) {
                s[head] = sv;
                yv[head] = yy;
                rho[head] = 1 / sy;
                head = (head + 1) % HISTORY;
                stored = Math.min(stored + 1, HISTORY);
            }
            double change = f - fNew;
            System.arraycopy(xNew, 0, x, 0, p);
            System.arraycopy(gNew, 0, g, 0, p);
            f = fNew;
            if (change >= 0 && change < 1e-10 * Math.max(1, Math.abs(f))) {
                it++;
                break;
            }
        }
        if (iterations != null) {
            iterations[0] = it;
        }
        return x;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static void axpy(double alpha, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            y[i] += alpha * x[i];
        }
    }
}
