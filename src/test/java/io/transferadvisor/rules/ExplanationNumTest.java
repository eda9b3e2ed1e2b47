package io.transferadvisor.rules;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How explain prints a number: the threshold table's own spelling for thresholds, three significant digits for measurements. */
class ExplanationNumTest {
    @Test
    void thresholdsPrintAsTheTableWritesThem() {
        // models.similarityLead and similarity.familiar: the exact binary value of 0.05 printed "0.0500" before
        assertThat(Explanation.num(0.05)).isEqualTo("0.05");
        assertThat(Explanation.num(0.9)).isEqualTo("0.9");
        assertThat(Explanation.num(8.0)).isEqualTo("8");
    }

    @Test
    void measurementsKeepThreeSignificantDigits() {
        assertThat(Explanation.num(0.6946133057276408)).isEqualTo("0.695");
        assertThat(Explanation.num(0.0012345)).isEqualTo("0.00123");
        assertThat(Explanation.num(1234.5)).isEqualTo("1230");
        assertThat(Explanation.num(0.00001234)).isEqualTo("1.2e-05");
        assertThat(Explanation.num("b4_relu")).isEqualTo("b4_relu");
    }
}
