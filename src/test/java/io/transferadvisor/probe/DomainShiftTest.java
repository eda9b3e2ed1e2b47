package io.transferadvisor.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class DomainShiftTest {
    @Test
    void symmetricKlMatchesTheClosedFormAndIsSymmetric() {
        // KL(N(0,1)||N(1,2)) = 0.5*(1/2 + 1/2 - 1 + ln 2) ; KL(N(1,2)||N(0,1)) = 0.5*(2 + 1 - 1 - ln 2)
        double kl12 = 0.5 * (0.5 + 0.5 - 1 + Math.log(2));
        double kl21 = 0.5 * (2 + 1 - 1 - Math.log(2));
        assertThat(DomainShift.symmetricKl(0, 1, 1, 2)).isCloseTo(0.5 * (kl12 + kl21), within(1e-12));
        assertThat(DomainShift.symmetricKl(1, 2, 0, 1)).isCloseTo(DomainShift.symmetricKl(0, 1, 1, 2), within(1e-12));
        assertThat(DomainShift.symmetricKl(3, 2, 3, 2)).isZero();
    }

    @Test
    void shiftIsZeroForIdenticalStatsAndGrowsWithMeanOffset() {
        DomainShift.Stats src = new DomainShift.Stats(new double[] {0, 1, 2}, new double[] {1, 4, 0});
        assertThat(DomainShift.shift(src, src)).isZero();
        assertThat(DomainShift.similarity(0)).isEqualTo(1.0);
        double last = 0;
        for (double off : new double[] {0.1, 0.5, 1, 2, 4}) {
            DomainShift.Stats t = new DomainShift.Stats(new double[] {off, 1 + off, 2}, new double[] {1, 4, 0});
            double s = DomainShift.shift(t, src);
            assertThat(s).isGreaterThan(last);
            last = s;
        }
    }

    @Test
    void momentsGiveExactPooledMeanAndVariance() {
        // two images, one channel, 2 pixels each: {1, 3} and {5, 7}: mean 4, variance (9+1+1+9)/4 = 5
        float[][] rows = {{2f, 5f}, {6f, 37f}};
        DomainShift.Stats s = DomainShift.Stats.fromMoments(rows);
        assertThat(s.mean()[0]).isCloseTo(4, within(1e-9));
        assertThat(s.variance()[0]).isCloseTo(5, within(1e-9));
    }

    @Test
    void overallWeighsDeeperLayersMoreAndSkipsUnmeasured() {
        double o = DomainShift.overall(List.of(1.0, Double.NaN, 0.0), List.of(0.0, 0.5, 1.0));
        assertThat(o).isCloseTo(1.0 / 3, within(1e-12));
    }
}
