package io.transferadvisor.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SymmetricEigenTest {
    @Test
    void jacobiReconstructsTheMatrixAndAgreesWithLapack() {
        int d = 40;
        Random r = new Random(4);
        double[] a = new double[d * d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                double v = r.nextGaussian();
                a[i * d + j] = v;
                a[j * d + i] = v;
            }
        }
        SymmetricEigen.Result e = SymmetricEigen.of(a, d);
        // A v_k = lambda_k v_k, and V is orthonormal
        for (int k = 0; k < d; k++) {
            for (int i = 0; i < d; i++) {
                double av = 0;
                for (int j = 0; j < d; j++) {
                    av += a[i * d + j] * e.vectors()[j][k];
                }
                assertThat(av).isCloseTo(e.values()[k] * e.vectors()[i][k], within(1e-9));
            }
            double norm = 0;
            for (int i = 0; i < d; i++) {
                norm += e.vectors()[i][k] * e.vectors()[i][k];
            }
            assertThat(norm).isCloseTo(1, within(1e-9));
        }
        // same spectrum as LAPACK (through ND4J)
        double[] lapack = org.nd4j.linalg.eigen.Eigen.symmetricGeneralizedEigenvalues(
                org.nd4j.linalg.factory.Nd4j.create(a.clone(), new long[] {d, d}, 'c'), true).toDoubleVector();
        double[] mine = e.values().clone();
        Arrays.sort(mine);
        Arrays.sort(lapack);
        for (int i = 0; i < d; i++) {
            assertThat(mine[i]).isCloseTo(lapack[i], within(1e-8));
        }
    }

    /** A decomposition whose eigenvectors are wrong (as OpenBLAS's AVX-512 kernels returned them) is refused; the right one passes. */
    @Test
    void theResidualCheckRefusesEigenvectorsThatDoNotReproduceTheMatrix() {
        int d = 30;
        Random r = new Random(5);
        double[] a = new double[d * d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                double v = r.nextGaussian();
                a[i * d + j] = v;
                a[j * d + i] = v;
            }
        }
        SymmetricEigen.Result good = SymmetricEigen.jacobi(a, d);
        assertThat(SymmetricEigen.reproduces(a, d, good)).isTrue();
        double[][] swapped = new double[d][];
        for (int i = 0; i < d; i++) {
            swapped[i] = good.vectors()[i].clone();
            double t = swapped[i][0];
            swapped[i][0] = swapped[i][1]; // two eigenvectors exchanged: still orthonormal, eigenvalues right, A not reproduced
            swapped[i][1] = t;
        }
        assertThat(SymmetricEigen.reproduces(a, d, new SymmetricEigen.Result(good.values(), swapped))).isFalse();
        double[] nan = good.values().clone();
        nan[3] = Double.NaN;
        assertThat(SymmetricEigen.reproduces(a, d, new SymmetricEigen.Result(nan, good.vectors()))).isFalse();
        // above JACOBI_MAX the LAPACK routes are checked too: whatever this CPU's OpenBLAS does, the result reproduces A
        int big = SymmetricEigen.DIVIDE_AND_CONQUER_MIN + 24;
        double[] b = new double[big * big];
        for (int i = 0; i < big; i++) {
            for (int j = 0; j <= i; j++) {
                double v = r.nextGaussian();
                b[i * big + j] = v;
                b[j * big + i] = v;
            }
        }
        assertThat(SymmetricEigen.reproduces(b, big, SymmetricEigen.of(b, big))).isTrue();
    }
}
