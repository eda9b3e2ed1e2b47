package io.transferadvisor.bench.suite;

import static io.transferadvisor.bench.suite.ImageChecks.sum;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ShiftsTest {
    /** An arrow: no mirror or rotation symmetry, so every geometric shift changes it. */
    private static final float[] IMG = Shapes.render("arrow", new Random(11));
    static final List<String> ALL = List.of("none", "invert", "rotate:30", "rotate-random:45", "blur:1.0",
            "noise:0.2", "contrast:0.5", "translate:4", "scale:0.6", "scale:1.4", "occlude:0.25",
            "flip", "mirror", "edges", "invert+blur:1.0");

    private static float[] apply(float[] img, String shift) {
        return Shifts.apply(img, shift, new Random(1));
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    private static double totalVariation(float[] img) {
        double tv = 0;
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                if (x < 27) {
                    tv += Math.abs(img[y * 28 + x + 1] - img[y * 28 + x]);
                }
                if (y < 27) {
                    tv += Math.abs(img[(y + 1) * 28 + x] - img[y * 28 + x]);
                }
            }
        }
        return tv;
    }

    @Test
    void everyShiftStaysInRangeReturnsANewArrayAndLeavesTheInputAlone() {
        float[] copy = IMG.clone();
        for (String s : ALL) {
            float[] out = apply(IMG, s);
            assertThat(out).as(s).isNotSameAs(IMG).hasSize(784);
            for (float v : out) {
                assertThat(v).as(s).isBetween(0f, 1f);
            }
            if (!s.equals("none")) {
                assertThat(out).as(s + " changes the image").isNotEqualTo(IMG);
            }
        }
        assertThat(IMG).containsExactly(copy);
    }

    @Test
    void randomShiftsAreDeterministicPerSeed() {
        for (String s : List.of("rotate-random:45", "noise:0.2", "translate:4", "occlude:0.25")) {
            float[] a = Shifts.apply(IMG, s, new Random(7));
            assertThat(Shifts.apply(IMG, s, new Random(7))).as(s).containsExactly(a);
            boolean differs = false;
            for (int seed = 8; seed < 12 && !differs; seed++) {
                differs = maxAbsDiff(a, Shifts.apply(IMG, s, new Random(seed))) > 0;
            }
            assertThat(differs).as(s + " varies with the seed").isTrue();
        }
    }

    @Test
    void invertTwiceIsIdentity() {
        float[] twice = apply(IMG, "invert+invert");
        assertThat(maxAbsDiff(twice, IMG)).isLessThan(1e-6);
        assertThat(apply(IMG, "invert")[0]).isEqualTo(1f - IMG[0]);
    }

    @Test
    void fourQuarterTurnsAreIdentityAndHalfTurnIsFlipPlusMirror() {
        float[] once = apply(IMG, "rotate:90");
        assertThat(maxAbsDiff(once, IMG)).isGreaterThan(0.5);
        assertThat(maxAbsDiff(apply(IMG, "rotate:90+rotate:90+rotate:90+rotate:90"), IMG)).isLessThan(1e-5);
        assertThat(maxAbsDiff(apply(IMG, "rotate:180"), apply(IMG, "flip+mirror"))).isLessThan(1e-5);
        assertThat(maxAbsDiff(apply(IMG, "rotate:90+rotate:-90"), IMG)).isLessThan(1e-5);
    }

    @Test
    void flipAndMirrorMoveThePixelsTheyShould() {
        float[] one = new float[784];
        one[2 * 28 + 5] = 1f; // x=5, y=2
        assertThat(apply(one, "flip")[25 * 28 + 5]).isEqualTo(1f);
        assertThat(apply(one, "mirror")[2 * 28 + 22]).isEqualTo(1f);
    }

    @Test
    void blurReducesTotalVariationAndKeepsMass() {
        float[] blurred = apply(IMG, "blur:1.0");
        assertThat(totalVariation(blurred)).isLessThan(0.8 * totalVariation(IMG));
        assertThat(sum(blurred)).isCloseTo(sum(IMG), within(0.05 * sum(IMG)));
        assertThat(apply(IMG, "blur:0")).containsExactly(IMG);
    }

    @Test
    void contrastPullsTowardGray() {
        float[] img = new float[784];
        img[1] = 1f;
        float[] out = apply(img, "contrast:0.5");
        assertThat(out[0]).isCloseTo(0.25f, within(1e-6f));
        assertThat(out[1]).isCloseTo(0.75f, within(1e-6f));
    }

    @Test
    void scaleShrinksAndEnlarges() {
        assertThat(sum(apply(IMG, "scale:0.6"))).isLessThan(0.5 * sum(IMG));
        assertThat(sum(apply(IMG, "scale:1.4"))).isGreaterThan(1.3 * sum(IMG));
    }

    @Test
    void occludeBlanksASquareOfTheRequestedArea() {
        float[] white = apply(new float[784], "invert");
        float[] out = apply(white, "occlude:0.25");
        long zeros = 0;
        for (float v : out) {
            zeros += v == 0f ? 1 : 0;
        }
        assertThat(zeros).isEqualTo(14 * 14);
    }

    @Test
    void translateMovesInkByWholePixels() {
        float[] out = apply(IMG, "translate:4");
        assertThat(sum(out)).isLessThanOrEqualTo(sum(IMG) + 1e-3);
        assertThat(out).isNotEqualTo(IMG);
    }

    @Test
    void edgesAreNormalisedGradients() {
        float[] e = apply(IMG, "edges");
        float max = 0;
        for (float v : e) {
            max = Math.max(max, v);
        }
        assertThat(max).isEqualTo(1f);
        assertThat(apply(new float[784], "edges")).containsOnly(0f);
    }

    @Test
    void valuesParseTheSameUnderAnyDefaultLocale() {
        Locale old = Locale.getDefault();
        Locale.setDefault(Locale.GERMANY);
        try {
            assertThat(apply(IMG, "blur:1.5")).containsExactly(PixelOps.blur(IMG, 1.5));
            assertThatThrownBy(() -> Shifts.check("blur:1,5")).hasMessageContaining("'1,5' is not a number");
        } finally {
            Locale.setDefault(old);
        }
    }

    @Test
    void checkAcceptsEveryDocumentedShift() {
        for (String s : ALL) {
            assertThatCode(() -> Shifts.check(s)).as(s).doesNotThrowAnyException();
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "blur:9|blur sigma 9 is outside [0, 5]",
        "blur:-1|blur sigma -1 is outside [0, 5]",
        "noise:2|noise sd 2 is outside [0, 1]",
        "contrast:0|contrast factor 0 is outside (0, 1]",
        "scale:0|scale factor 0 is outside [0.2, 3]",
        "occlude:1.5|occlude area fraction 1.5 is outside [0, 1]",
        "translate:1.5|translate pixels 1.5 is not a whole number",
        "rotate:NaN|rotate degrees NaN is outside",
        "noise:abc|noise sd 'abc' is not a number",
        "blur|'blur' needs a sigma in [0, 5], e.g. blur:1.0",
        "blur:|'blur' needs a sigma",
        "invert:2|'invert' takes no value but got '2'",
        "wobble:3|unknown shift 'wobble'; valid: none, invert",
        "invert++blur:1|empty step between '+' signs",
    })
    void checkRejectsBadShiftsNamingTheValue(String shift, String message) {
        assertThatThrownBy(() -> Shifts.check(shift))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("shift '" + shift + "': ")
                .hasMessageContaining(message)
                .hasMessageNotContaining("\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  "})
    void emptyShiftIsRejected(String shift) {
        assertThatThrownBy(() -> Shifts.check(shift)).hasMessageContaining("shift is empty");
    }
}
