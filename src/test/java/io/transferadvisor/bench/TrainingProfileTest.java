package io.transferadvisor.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainingProfileTest {
    @Test
    void sharesAreFractionsOfTheTotalInInputOrder() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("conv", 3.0);
        m.put("bn", 1.0);
        m.put("dense", 0.0);
        List<TrainingProfile.Share> s = TrainingProfile.shares(m);
        assertThat(s).extracting(TrainingProfile.Share::name).containsExactly("conv", "bn", "dense");
        assertThat(s.get(0).share()).isEqualTo(0.75);
        assertThat(s.get(1).share()).isEqualTo(0.25);
        assertThat(s.get(2).share()).isZero();
    }

    @Test
    void zeroTotalGivesZeroSharesAndNegativeTimeIsRejected() {
        assertThat(TrainingProfile.shares(Map.of("a", 0.0)).get(0).share()).isZero();
        assertThatThrownBy(() -> TrainingProfile.shares(Map.of("a", -1.0))).hasMessageContaining("seconds must be >= 0");
        assertThatThrownBy(() -> new TrainingProfile.Share("x", 1, 1.5)).hasMessageContaining("share");
    }

    @Test
    void tableShowsMillisecondsPerIterationAndPercent() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("conv", 0.3);
        m.put("bn", 0.1);
        String t = TrainingProfile.table("kind", TrainingProfile.shares(m), 10);
        assertThat(t).contains("| kind | ms per iteration | share |")
                .contains("| conv | 30.00 | 75.0% |")
                .contains("| bn | 10.00 | 25.0% |")
                .contains("| **total** | 40.00 | 100.0% |");
        assertThatThrownBy(() -> TrainingProfile.table("k", List.of(), 0)).hasMessageContaining("iterations");
    }

    @Test
    void topSortsByCountThenName() {
        Map<String, Integer> c = Map.of("b", 5, "a", 5, "c", 9, "d", 1);
        assertThat(TrainingProfile.top(c, 3)).extracting(Map.Entry::getKey).containsExactly("c", "a", "b");
    }

    @Test
    void kindsFromLayerClasses() {
        assertThat(TrainingProfile.kind("ConvolutionLayer")).startsWith("conv");
        assertThat(TrainingProfile.kind("BatchNormalization")).isEqualTo("batch norm");
        assertThat(TrainingProfile.kind("SubsamplingLayer")).isEqualTo("pooling");
        assertThat(TrainingProfile.kind("SomethingElse")).isEqualTo("SomethingElse");
    }
}
