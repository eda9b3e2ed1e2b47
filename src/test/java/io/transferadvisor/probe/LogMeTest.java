package io.transferadvisor.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LogMeTest {

    /** log N(y; 0, beta^-1 I + alpha^-1 F F^T) by Cholesky: the evidence without any SVD trick. */
    static double directLogEvidence(double[][] f, double[] y, double alpha, double beta) {
        int n = f.length;
        int d = f[0].length;
        double[][] c = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < d; k++) {
                    s += f[i][k] * f[j][k];
                }
                c[i][j] = s / alpha + (i == j ? 1 / beta : 0);
            }
        }
        double[][] l = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = c[i][j];
                for (int k = 0; k < j; k++) {
                    s -= l[i][k] * l[j][k];
                }
                l[i][j] = i == j ? Math.sqrt(s) : s / l[j][j];
            }
        }
        double logDet = 0;
        for (int i = 0; i < n; i++) {
            logDet += 2 * Math.log(l[i][i]);
        }
        double[] z = new double[n]; // L z = y
        for (int i = 0; i < n; i++) {
            double s = y[i];
            for (int k = 0; k < i; k++) {
                s -= l[i][k] * z[k];
            }
            z[i] = s / l[i][i];
        }
        double quad = 0;
        for (double v : z) {
            quad += v * v;
        }
        return -0.5 * n * Math.log(2 * Math.PI) - 0.5 * logDet - 0.5 * quad;
    }

    static double[][] random(int n, int d, long seed) {
        Random r = new Random(seed);
        double[][] f = new double[n][d];
        for (double[] row : f) {
            for (int j = 0; j < d; j++) {
                row[j] = r.nextGaussian();
            }
        }
        return f;
    }

    static double[] onehot(int[] labels, int k) {
        double[] y = new double[labels.length];
        for (int i = 0; i < labels.length; i++) {
            y[i] = labels[i] == k ? 1 : 0;
        }
        return y;
    }

    private void checkAgainstDirect(int n, int d, long seed) {
        double[][] f = random(n, d, seed);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;
            f[i][labels[i]] += 2; // signal for every class, so the optimum (alpha, beta) is interior, not alpha -> infinity
        }
        LogMe.ClassFit[] fits = LogMe.fit(f, null, labels, 3);
        for (int k = 0; k < 3; k++) {
            LogMe.ClassFit fit = fits[k];
            assertThat(fit.iterations()).isLessThan(LogMe.MAX_ITERATIONS);
            double[] y = onehot(labels, k);
            double direct = directLogEvidence(f, y, fit.alpha(), fit.beta());
            assertThat(fit.evidencePerSample()).as("class %d, n=%d d=%d", k, n, d).isCloseTo(direct / n, within(1e-6));
            // the fixed point is a maximum: moving alpha or beta by 5% either way lowers the evidence
            for (double fa : new double[] {0.95, 1.0, 1.05}) {
                for (double fb : new double[] {0.95, 1.0, 1.05}) {
                    if (fa == 1.0 && fb == 1.0) {
                        continue;
                    }
                    assertThat(directLogEvidence(f, y, fit.alpha() * fa, fit.beta() * fb))
                            .as("perturbed alpha x%.2f beta x%.2f", fa, fb).isLessThan(direct);
                }
            }
        }
    }

    @Test
    void matchesDirectEvidenceAtItsOptimumWhenSamplesOutnumberFeatures() {
        checkAgainstDirect(40, 6, 1);
    }

    @Test
    void matchesDirectEvidenceWhenFeaturesOutnumberSamples() {
        checkAgainstDirect(12, 20, 2);
    }

    /** Above DUAL_MIN_DIM the Gram matrices come from one BLAS product: the same numbers as the sums, exactly symmetric. */
    @Test
    void blasGramMatricesEqualTheSumsTheyReplace() {
        double[][] f = random(20, 300, 9);
        double[] w = new double[20];
        for (int i = 0; i < 20; i++) {
            w[i] = i % 4 == 0 ? 0 : 1 + i % 3;
        }
        double[] inner = LogMe.blasGram(f, w, 300, false);
        double[] outer = LogMe.blasGram(f, w, 300, true);
        int m = 15; // rows with weight
        for (int a = 0; a < 300; a += 7) {
            for (int b = 0; b < 300; b += 11) {
                double sum = 0;
                for (int i = 0; i < 20; i++) {
                    sum += w[i] * f[i][a] * f[i][b];
                }
                assertThat(inner[a * 300 + b]).isCloseTo(sum, within(1e-9 * Math.max(1, Math.abs(sum))));
                assertThat(inner[a * 300 + b]).isEqualTo(inner[b * 300 + a]);
            }
        }
        int[] rows = java.util.stream.IntStream.range(0, 20).filter(i -> w[i] != 0).toArray();
        for (int r = 0; r < m; r++) {
            for (int c = 0; c < m; c++) {
                double dot = 0;
                for (int j = 0; j < 300; j++) {
                    dot += f[rows[r]][j] * f[rows[c]][j];
                }
                double want = Math.sqrt(w[rows[r]] * w[rows[c]]) * dot;
                assertThat(outer[r * m + c]).isCloseTo(want, within(1e-9 * Math.max(1, Math.abs(want))));
            }
        }
    }

    @Test
    void wideFeaturesOnManySamplesMatchTheDirectEvidence() {
        checkAgainstDirect(320, 280, 3); // the d x d route with the BLAS Gram
    }

    /**
     * Wide features on few samples go through the n x n matrix (LogMe.DUAL_MIN_DIM): its fit is the
     * exact evidence at its (alpha, beta) (the d x d route drifted by 7e-4 on such data: hundreds of
     * round-off eigenvalues just above its cut-off), and bootstrap weights still equal duplicated rows.
     */
    @Test
    void wideFeaturesOnFewSamplesMatchTheDirectEvidence() {
        double[][] f = random(30, 600, 5);
        int[] labels = new int[30];
        double[] w = new double[30];
        int total = 0;
        for (int i = 0; i < 30; i++) {
            labels[i] = i % 2;
            f[i][labels[i]] += 2;
            w[i] = i % 5 == 0 ? 0 : 1 + i % 2;
            total += (int) w[i];
        }
        double[][] dup = new double[total][];
        int[] dl = new int[total];
        int at = 0;
        for (int i = 0; i < 30; i++) {
            for (int c = 0; c < (int) w[i]; c++) {
                dup[at] = f[i];
                dl[at++] = labels[i];
            }
        }
        // the evidence reported is the evidence at the fit's (alpha, beta), computed without any decomposition
        LogMe.ClassFit[] fits = LogMe.fit(f, null, labels, 2);
        for (int k = 0; k < 2; k++) {
            double direct = directLogEvidence(f, onehot(labels, k), fits[k].alpha(), fits[k].beta());
            assertThat(fits[k].evidencePerSample()).as("class %d", k).isCloseTo(direct / 30, within(1e-6));
        }
        assertThat(LogMe.score(f, w, labels, 2)).isCloseTo(LogMe.score(dup, dl, 2), within(1e-9));
    }

    /**
     * The jackknife's subsets take their Gram matrix from the whole set's (LogMe.Subsets): the principal
     * submatrix on the n x n route, the whole F^T F minus the left-out rows on the d x d route. Each gives
     * the score computed from the subset's own rows; so does a narrow layer, which is fitted as before.
     */
    @Test
    void subsetsScoreAsTheSubsetsOwnRowsDo() {
        // {n, d, k}: the n x n route, the d x d route, a narrow layer, and a set with more rows than dimensions whose
        // subset has fewer (scored through the n x n route, as score() scores it)
        for (int[] nd : new int[][] {{60, 400, 4}, {420, 300, 4}, {120, 40, 4}, {300, 260, 3}}) {
            int n = nd[0];
            int d = nd[1];
            double[][] f = random(n, d, 11 + n);
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = i % 3;
                f[i][labels[i]] += 1.5;
            }
            LogMe.Subsets subsets = new LogMe.Subsets(f);
            int[] all = java.util.stream.IntStream.range(0, n).toArray();
            assertThat(subsets.score(all, labels, 3)).as("all rows, %d x %d", n, d).isCloseTo(LogMe.score(f, labels, 3), within(1e-9));
            // every k-th row left out (k = 4), or only every k-th row kept (k = 3); in a shuffled order
            java.util.List<Integer> kept = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (nd[2] == 4 ? i % 4 != 1 : i % 3 == 0) {
                    kept.add(i);
                }
            }
            java.util.Collections.shuffle(kept, new java.util.Random(3));
            int[] rows = kept.stream().mapToInt(Integer::intValue).toArray();
            double[][] sub = new double[rows.length][];
            int[] subLabels = new int[rows.length];
            for (int i = 0; i < rows.length; i++) {
                sub[i] = f[rows[i]];
                subLabels[i] = labels[rows[i]];
            }
            assertThat(subsets.score(rows, subLabels, 3)).as("subset, %d x %d", n, d)
                    .isCloseTo(LogMe.score(sub, subLabels, 3), within(1e-9));
        }
    }

    @Test
    void bootstrapWeightsEqualDuplicatedRows() {
        double[][] f = random(15, 4, 3);
        int[] labels = new int[15];
        for (int i = 0; i < 15; i++) {
            labels[i] = i % 2;
        }
        double[] w = new double[15];
        w[0] = 3;
        w[4] = 2;
        for (int i = 5; i < 15; i++) {
            w[i] = 1;
        }
        int total = 15; // 3 + 2 + 10
        double[][] dup = new double[total][];
        int[] dl = new int[total];
        int at = 0;
        for (int i = 0; i < 15; i++) {
            for (int c = 0; c < (int) w[i]; c++) {
                dup[at] = f[i];
                dl[at++] = labels[i];
            }
        }
        assertThat(LogMe.score(f, w, labels, 2)).isCloseTo(LogMe.score(dup, dl, 2), within(1e-9));
    }

    @Test
    void classSeparatingFeaturesScoreHigherThanRandomOnes() {
        int n = 300;
        int classes = 3;
        Random r = new Random(9);
        int[] labels = new int[n];
        double[][] good = new double[n][8];
        double[][] noise = new double[n][8];
        for (int i = 0; i < n; i++) {
            labels[i] = i % classes;
            for (int j = 0; j < 8; j++) {
                good[i][j] = r.nextGaussian() + (j == labels[i] ? 3 : 0);
                noise[i][j] = r.nextGaussian();
            }
        }
        double sGood = LogMe.score(good, labels, classes);
        double sNoise = LogMe.score(noise, labels, classes);
        assertThat(sGood).isGreaterThan(sNoise + 0.1);
    }
}
