package io.transferadvisor.bench.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The short trial's folds and out-of-fold scores (SuiteRunner#foldTrial, stop 38). */
class SuiteRunnerFoldsTest {
    private static ArrayImageSet set(int... labels) {
        List<float[]> pixels = new ArrayList<>();
        for (int i = 0; i < labels.length; i++) {
            pixels.add(new float[ArrayImageSet.SIDE * ArrayImageSet.SIDE]);
        }
        return new ArrayImageSet("t", List.of("x", "y", "z"), pixels, labels);
    }

    @Test
    void foldsAreStratifiedCoverEveryImageOnceAndFollowTheSeed() {
        // 3 of class 0, 3 of class 1, 4 of class 2
        ArrayImageSet s = set(0, 1, 2, 0, 1, 2, 0, 1, 2, 2);
        int[][] folds = SuiteRunner.folds(s, 3, 42);
        assertThat(folds).hasNumberOfRows(3);
        int[] all = Arrays.stream(folds).flatMapToInt(Arrays::stream).sorted().toArray();
        assertThat(all).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        for (int[] f : folds) {
            assertThat(f).isSorted();
            // one of each of the classes with three images; class 2's fourth lands in one fold
            for (int c = 0; c < 2; c++) {
                final int cls = c;
                assertThat(Arrays.stream(f).filter(i -> s.label(i) == cls).count()).as("class %d in a fold", c).isEqualTo(1);
            }
            assertThat(f.length).isBetween(3, 4);
        }
        assertThat(SuiteRunner.folds(s, 3, 42)).isDeepEqualTo(folds);
        // another seed deals class members to other folds (with 10 images, some seed among a few must differ)
        boolean differs = false;
        for (long seed = 43; seed < 48 && !differs; seed++) {
            differs = !Arrays.deepEquals(SuiteRunner.folds(s, 3, seed), folds);
        }
        assertThat(differs).isTrue();
        // fewer images than folds: one fold per image
        assertThat(SuiteRunner.folds(set(0, 1), 3, 42)).hasNumberOfRows(2);
    }

    @Test
    void outOfFoldScoresAreAccuracyAndTheMeanLogLossOfTheTrueClassFloored() {
        float[][] p = {{0.7f, 0.2f, 0.1f}, {0.5f, 0.25f, 0.25f}, {0f, 1f, 0f}};
        int[] labels = {0, 1, 2};
        double[] s = SuiteRunner.outOfFold(p, labels);
        assertThat(s[0]).isCloseTo(1.0 / 3, within(1e-12));
        // -(ln 0.7 + ln 0.25 + ln 1e-7) / 3: a sure wrong answer costs ln 1e7, not infinity
        double expected = -(Math.log(0.7f) + Math.log(0.25f) + Math.log(SuiteRunner.LOSS_FLOOR)) / 3;
        assertThat(s[1]).isCloseTo(expected, within(1e-9));
        assertThat(s[1]).isFinite();
    }
}
