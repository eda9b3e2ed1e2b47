package io.transferadvisor.bench.suite;

import static org.assertj.core.api.Assertions.assertThat;

/** Shared assertions on 28x28 [0,1] images. */
final class ImageChecks {
    private ImageChecks() {}

    static double sum(float[] img) {
        double s = 0;
        for (float v : img) {
            s += v;
        }
        return s;
    }

    /** In range, some ink (over 15 pixels' worth) and not flooded (under 75% of the area). */
    static void assertDrawn(float[] img, String what) {
        assertThat(img).as(what + " length").hasSize(784);
        for (float v : img) {
            assertThat(v).as(what + " pixel").isBetween(0f, 1f);
        }
        assertThat(sum(img)).as(what + " ink").isGreaterThan(15).isLessThan(0.75 * 784);
    }

    static double meanAbsDiff(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += Math.abs(a[i] - b[i]);
        }
        return s / a.length;
    }

    static float[] mean(java.util.List<float[]> imgs) {
        float[] m = new float[784];
        for (float[] img : imgs) {
            for (int i = 0; i < 784; i++) {
                m[i] += img[i] / imgs.size();
            }
        }
        return m;
    }
}
