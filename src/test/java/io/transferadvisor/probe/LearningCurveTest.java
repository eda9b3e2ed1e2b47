package io.transferadvisor.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LearningCurveTest {
    @Test
    void recoversKnownParameters() {
        double a = 0.92;
        double b = 0.6;
        double c = 0.55;
        double[] n = {10, 20, 40, 80, 160};
        double[] acc = new double[n.length];
        for (int i = 0; i < n.length; i++) {
            acc[i] = a - b * Math.pow(n[i], -c);
        }
        LearningCurve.Fit f = LearningCurve.fit(n, acc);
        assertThat(f.a()).isCloseTo(a, within(0.005));
        assertThat(f.b()).isCloseTo(b, within(0.02));
        assertThat(f.c()).isCloseTo(c, within(0.011));
        assertThat(f.predict(320)).isCloseTo(a - b * Math.pow(320, -c), within(0.002));
    }

    @Test
    void respectsBoundsOnAFallingCurve() {
        // accuracy that falls with more data is noise: the fit must not extrapolate a rise or a fall
        double[] n = {10, 20, 40, 80};
        double[] acc = {0.8, 0.78, 0.77, 0.75};
        LearningCurve.Fit f = LearningCurve.fit(n, acc);
        assertThat(f.b()).isGreaterThanOrEqualTo(0);
        assertThat(f.predict(160)).isLessThanOrEqualTo(f.a() + 1e-12);
        assertThat(f.a()).isCloseTo(0.775, within(1e-9));
    }

    @Test
    void ceilingAtOne() {
        double[] n = {5, 10, 20, 40};
        double[] acc = {0.9, 0.97, 0.995, 1.0};
        LearningCurve.Fit f = LearningCurve.fit(n, acc);
        assertThat(f.a()).isLessThanOrEqualTo(1.0);
        assertThat(f.predict(1000)).isLessThanOrEqualTo(1.0).isGreaterThan(0.99);
    }
}
