package io.transferadvisor.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.transferadvisor.probe.DatasetProfile.Estimate;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LinearProbeTest {

    static double[][] clusters(int n, int d, int classes, double separation, int[] labels, long seed) {
        Random r = new Random(seed);
        double[][] x = new double[n][d];
        for (int i = 0; i < n; i++) {
            labels[i] = i % classes;
            for (int j = 0; j < d; j++) {
                x[i][j] = r.nextGaussian() + (j == labels[i] ? separation : 0);
            }
        }
        return x;
    }

    @Test
    void separableDataIsLearnedAlmostPerfectly() {
        int[] y = new int[300];
        double[][] x = clusters(300, 10, 4, 8, y, 1);
        LinearProbe.CvResult cv = LinearProbe.crossValidate(x, y, 4, 5, 1.0, 7);
        assertThat(cv.accuracy()).isGreaterThan(0.98);
        assertThat(cv.correct()).hasSize(300);
    }

    @Test
    void randomLabelsStayNearChance() {
        int[] y = new int[400];
        double[][] x = clusters(400, 10, 4, 0, y, 2);
        Random r = new Random(3);
        for (int i = 0; i < y.length; i++) {
            y[i] = r.nextInt(4);
        }
        LinearProbe.CvResult cv = LinearProbe.crossValidate(x, y, 4, 5, 1.0, 7);
        assertThat(cv.accuracy()).isBetween(0.15, 0.35);
    }

    @Test
    void trainingFitsTheOptimumOfTheRegularisedObjective() {
        int[] y = new int[120];
        double[][] x = clusters(120, 5, 3, 1.5, y, 4);
        LinearProbe.Model m = LinearProbe.train(x, y, 3, LinearProbe.LAMBDA);
        // gradient of the objective at the returned weights is ~0
        double[][] z = new double[x.length][5];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < 5; j++) {
                z[i][j] = (x[i][j] - m.mean()[j]) / m.scale()[j];
            }
        }
        LinearProbe.Objective obj = new LinearProbe.Objective(z, y, 3, LinearProbe.LAMBDA);
        double[] theta = new double[3 * 6];
        for (int k = 0; k < 3; k++) {
            System.arraycopy(m.weights()[k], 0, theta, k * 6, 6);
        }
        double[] g = new double[theta.length];
        obj.eval(theta, g);
        for (double v : g) {
            assertThat(Math.abs(v)).isLessThan(1e-4);
        }
    }

    @Test
    void lessTrainingDataNeverHelpsOnAverage() {
        int[] y = new int[400];
        double[][] x = clusters(400, 20, 4, 1.0, y, 5);
        double full = LinearProbe.crossValidate(x, y, 4, 5, 1.0, 7).accuracy();
        double eighth = LinearProbe.crossValidate(x, y, 4, 5, 0.125, 7).accuracy();
        assertThat(full).isGreaterThan(eighth);
    }

    @Test
    void theBlasObjectiveOfWideFeaturesEqualsTheLoops() {
        java.util.Random r = new java.util.Random(5);
        int n = 40;
        int d = 300;
        double[][] x = new double[n][d];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 3;
            for (int j = 0; j < d; j++) {
                x[i][j] = r.nextGaussian();
            }
        }
        double[] theta = new double[3 * (d + 1)];
        for (int i = 0; i < theta.length; i++) {
            theta[i] = 0.05 * r.nextGaussian();
        }
        double[] gLoops = new double[theta.length];
        double[] gBlas = new double[theta.length];
        double loops = new LinearProbe.Objective(x, y, 3, 0.01, false).eval(theta, gLoops);
        double blas = new LinearProbe.Objective(x, y, 3, 0.01, true).eval(theta, gBlas);
        assertThat(new LinearProbe.Objective(x, y, 3, 0.01).xm).isNotNull(); // 300 > BLAS_MIN_DIM: the BLAS route by default
        // single-precision products: equal to about 1e-7 of the values, far below the 1e-5 gradient the fit stops at
        assertThat(blas).isCloseTo(loops, org.assertj.core.api.Assertions.within(1e-6));
        double largest = 0;
        for (double g : gLoops) {
            largest = Math.max(largest, Math.abs(g));
        }
        assertThat(largest).isGreaterThan(1e-3);
        for (int i = 0; i < theta.length; i++) {
            assertThat(gBlas[i]).as("gradient %d", i).isCloseTo(gLoops[i], org.assertj.core.api.Assertions.within(1e-6));
        }
    }

    /**
     * Strongly correlated wide features (one shared factor: after standardisation the covariance's largest
     * eigenvalue is about 0.9 d, against an L2 term of 0.01), as ResNet50's layers are: with the deflation
     * preconditioner L-BFGS needs well under half the iterations the same single-precision path needs
     * without it, and ends at least as close to the optimum (gradient and loss checked in double precision).
     */
    @Test
    void theDeflationPreconditionerReachesTheOptimumInFewerIterations() {
        Random r = new Random(21);
        int n = 400;
        int d = 300;
        int k = 3;
        double[][] z = new double[n][d];
        int[] y = new int[n];
        double[] loading = new double[d];
        for (int j = 0; j < d; j++) {
            loading[j] = 1 + 0.2 * r.nextGaussian();
        }
        for (int i = 0; i < n; i++) {
            y[i] = i % k;
            double factor = 3 * r.nextGaussian();
            for (int j = 0; j < d; j++) {
                z[i][j] = factor * loading[j] + 0.3 * r.nextGaussian() + (j % k == y[i] ? 0.05 : 0);
            }
        }
        standardise(z);
        LinearProbe.Objective exact = new LinearProbe.Objective(z, y, k, LinearProbe.LAMBDA, false);
        LinearProbe.Objective wide = new LinearProbe.Objective(z, y, k, LinearProbe.LAMBDA);
        LinearProbe.Deflation pre = LinearProbe.Deflation.of(wide.xm, LinearProbe.LAMBDA, LinearProbe.DEFLATED, 1);
        assertThat(pre).isNotNull();
        int[] plainIterations = new int[1];
        int[] preIterations = new int[1];
        double[] plain = LinearProbe.minimise(wide, new double[k * (d + 1)], null, plainIterations);
        double[] preconditioned = LinearProbe.minimise(wide, new double[k * (d + 1)], pre, preIterations);
        double[] g = new double[plain.length];
        double plainLoss = exact.eval(plain, g);
        double plainGradient = maxAbs(g);
        double preLoss = exact.eval(preconditioned, g);
        assertThat(preIterations[0]).as("iterations with / without (of at most %d)", LinearProbe.MAX_ITERATIONS)
                .isLessThan(plainIterations[0] / 2);
        assertThat(maxAbs(g)).as("gradient at the preconditioned solution").isLessThanOrEqualTo(plainGradient);
        assertThat(preLoss).isLessThanOrEqualTo(plainLoss + 1e-9);
    }

    private static void standardise(double[][] z) {
        int n = z.length;
        int d = z[0].length;
        for (int j = 0; j < d; j++) {
            double m = 0;
            for (double[] row : z) {
                m += row[j] / n;
            }
            double v = 0;
            for (double[] row : z) {
                v += (row[j] - m) * (row[j] - m) / n;
            }
            for (double[] row : z) {
                row[j] = (row[j] - m) / Math.sqrt(v);
            }
        }
    }

    private static double maxAbs(double[] g) {
        double m = 0;
        for (double v : g) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    @Test
    void sameSeedSameFoldsAndResult() {
        int[] y = new int[100];
        double[][] x = clusters(100, 6, 3, 1.0, y, 6);
        assertThat(LinearProbe.crossValidate(x, y, 3, 5, 1.0, 11).correct())
                .isEqualTo(LinearProbe.crossValidate(x, y, 3, 5, 1.0, 11).correct());
        int[] folds = LinearProbe.stratifiedFolds(y, 3, 5, 11);
        int[][] perFoldClass = new int[5][3];
        for (int i = 0; i < y.length; i++) {
            perFoldClass[folds[i]][y[i]]++;
        }
        for (int[] f : perFoldClass) {
            for (int c : f) {
                assertThat(c).isBetween(6, 7); // 33 or 34 per class over 5 folds
            }
        }
    }

    @Test
    void bootstrapIntervalOfAProportionCoversItAndHasTheBinomialWidth() {
        boolean[] outcomes = new boolean[400];
        for (int i = 0; i < 400; i++) {
            outcomes[i] = i % 4 != 0; // 0.75
        }
        Estimate e = Bootstrap.proportion(outcomes, 1000, 1);
        assertThat(e.value()).isEqualTo(0.75);
        double se = Math.sqrt(0.75 * 0.25 / 400);
        assertThat(e.high() - e.low()).isCloseTo(2 * 1.96 * se, within(0.01));
        assertThat(Bootstrap.proportion(outcomes, 1000, 1)).isEqualTo(e);
    }
}
