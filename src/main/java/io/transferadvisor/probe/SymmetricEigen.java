package io.transferadvisor.probe;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.eigen.Eigen;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Eigen-decomposition of a symmetric matrix: cyclic Jacobi in plain Java up to {@value #JACOBI_MAX}
 * dimensions (no native start-up: ND4J's first LAPACK call costs ~2 s, and at these sizes Jacobi
 * takes milliseconds), LAPACK dsyev via ND4J above.
 */
final class SymmetricEigen {
    private SymmetricEigen() {}

    static final int JACOBI_MAX = 160;

    /** Eigenvalues and eigenvectors (columns of vectors[row][col]). */
    record Result(double[] values, double[][] vectors) {}

    /**
     * Above this size LAPACK's divide-and-conquer dsyevd (OpenBLAS, through JavaCPP's preset that ND4J
     * already ships) replaces ND4J's dsyev: 1.1 s instead of 9.1 s for a 1,996 x 1,996 Gram matrix and
     * 0.2-0.3 s instead of 1.3-1.5 s at 1,024, eigenvalues equal to 3e-12 relative (measured on
     * ResNet50-sized features). The project's models' layers (at most 192 wide) keep the routes they had.
     */
    static final int DIVIDE_AND_CONQUER_MIN = 256;

    /** dsyevd, or null when its library is missing or it fails (the caller falls back to dsyev). */
    private static Result divideAndConquer(double[] a, int d) {
        double[] m = a.clone();
        double[] values = new double[d];
        int info;
        try {
            info = org.bytedeco.openblas.global.openblas.LAPACKE_dsyevd(org.bytedeco.openblas.global.openblas.LAPACK_ROW_MAJOR,
                    (byte) 'V', (byte) 'U', d, m, d, values);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            return null;
        }
        if (info != 0) {
            return null;
        }
        double[][] v = new double[d][d];
        for (int i = 0; i < d; i++) {
            System.arraycopy(m, i * d, v[i], 0, d); // row-major: column j is eigenvector j, as ascending values
        }
        return new Result(values, v);
    }

    /** @param a row-major d x d symmetric matrix (not modified) */
    static Result of(double[] a, int d) {
        if (d > DIVIDE_AND_CONQUER_MIN) {
            Result r = divideAndConquer(a, d);
            if (r != null && reproduces(a, d, r)) {
                return r;
            }
        }
        if (d > JACOBI_MAX) {
            INDArray m = Nd4j.create(a.clone(), new long[] {d, d}, 'c');
            INDArray eig = Eigen.symmetricGeneralizedEigenvalues(m, true);
            Result r = new Result(eig.toDoubleVector(), m.toDoubleMatrix());
            if (reproduces(a, d, r)) {
                return r;
            }
            if (WARNED.compareAndSet(false, true)) {
                System.err.println("warning: LAPACK returned eigenvectors that do not reproduce a " + d + " x " + d + " matrix on this CPU "
                        + "(OpenBLAS's AVX-512 kernels); LogME falls back to plain-Java Jacobi, correct but slower. "
                        + "OPENBLAS_CORETYPE=Haswell (set by ./advisor on such CPUs) avoids it");
            }
        }
        return jacobi(a, d);
    }

    private static final java.util.concurrent.atomic.AtomicBoolean WARNED = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * Whether V diag(values) V^T reproduces A on a fixed pseudo-random vector x, to 1e-8 relative (three d x d products, against
     * the d^3 of the decomposition). OpenBLAS's AVX-512 kernels (the bundled 0.3.19, SkylakeX and later) returned eigenvectors with
     * residuals of 1e3-5e4 on a 280 x 280 Gram matrix whose eigenvalues were right; the AVX2 kernels on the same machine, 1e-12.
     */
    static boolean reproduces(double[] a, int d, Result r) {
        double[] x = new double[d];
        long seed = 0x9E3779B97F4A7C15L;
        for (int i = 0; i < d; i++) {
            seed = seed * 6364136223846793005L + 1442695040888963407L;
            x[i] = ((seed >>> 11) * 0x1.0p-53) - 0.5;
        }
        double[] t = new double[d]; // V^T x, scaled by the eigenvalues
        for (int j = 0; j < d; j++) {
            double s = 0;
            for (int i = 0; i < d; i++) {
                s += r.vectors()[i][j] * x[i];
            }
            t[j] = s * r.values()[j];
        }
        double err = 0;
        double norm = 0;
        for (int i = 0; i < d; i++) {
            double ax = 0;
            double vt = 0;
            double[] vi = r.vectors()[i];
            for (int j = 0; j < d; j++) {
                ax += a[i * d + j] * x[j];
                vt += vi[j] * t[j];
            }
            err += (ax - vt) * (ax - vt);
            norm += ax * ax;
        }
        return Double.isFinite(err) && Math.sqrt(err) <= 1e-8 * Math.max(Math.sqrt(norm), 1e-300);
    }

    /** Cyclic Jacobi in plain Java. */
    static Result jacobi(double[] a, int d) {
        double[][] m = new double[d][d];
        double[][] v = new double[d][d];
        for (int i = 0; i < d; i++) {
            System.arraycopy(a, i * d, m[i], 0, d);
            v[i][i] = 1;
        }
        double scale = 0;
        for (int i = 0; i < d; i++) {
            scale = Math.max(scale, Math.abs(m[i][i]));
        }
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            for (int p = 0; p < d; p++) {
                for (int q = p + 1; q < d; q++) {
                    off += m[p][q] * m[p][q];
                }
            }
            if (off <= 1e-30 * Math.max(1, scale * scale)) {
                break;
            }
            for (int p = 0; p < d; p++) {
                for (int q = p + 1; q < d; q++) {
                    double apq = m[p][q];
                    if (Math.abs(apq) < 1e-300) {
                        continue;
                    }
                    double theta = (m[q][q] - m[p][p]) / (2 * apq);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) {
                        t = 1;
                    }
                    double c = 1 / Math.sqrt(t * t + 1);
                    double s = t * c;
                    for (int k = 0; k < d; k++) {
                        double mkp = m[k][p];
                        double mkq = m[k][q];
                        m[k][p] = c * mkp - s * mkq;
                        m[k][q] = s * mkp + c * mkq;
                    }
                    for (int k = 0; k < d; k++) {
                        double mpk = m[p][k];
                        double mqk = m[q][k];
                        m[p][k] = c * mpk - s * mqk;
                        m[q][k] = s * mpk + c * mqk;
                    }
                    for (int k = 0; k < d; k++) {
                        double vkp = v[k][p];
                        double vkq = v[k][q];
                        v[k][p] = c * vkp - s * vkq;
                        v[k][q] = s * vkp + c * vkq;
                    }
                }
            }
        }
        double[] values = new double[d];
        for (int i = 0; i < d; i++) {
            values[i] = m[i][i];
        }
        return new Result(values, v);
    }
}
