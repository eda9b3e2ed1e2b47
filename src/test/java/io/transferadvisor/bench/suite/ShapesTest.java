package io.transferadvisor.bench.suite;

import static io.transferadvisor.bench.suite.ImageChecks.assertDrawn;
import static io.transferadvisor.bench.suite.ImageChecks.mean;
import static io.transferadvisor.bench.suite.ImageChecks.meanAbsDiff;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ShapesTest {

    @Test
    void atLeastTenDistinctKinds() {
        assertThat(Shapes.KINDS).hasSizeGreaterThanOrEqualTo(10).doesNotHaveDuplicates();
    }

    @Test
    void deterministicPerSeed() {
        for (String kind : Shapes.KINDS) {
            float[] a = Shapes.render(kind, new Random(3));
            assertThat(Shapes.render(kind, new Random(3))).as(kind).containsExactly(a);
            assertThat(Shapes.render(kind, new Random(4))).as(kind).isNotEqualTo(a);
        }
    }

    @Test
    void everyKindDrawsInkInRange() {
        for (String kind : Shapes.KINDS) {
            for (int seed = 0; seed < 30; seed++) {
                assertDrawn(Shapes.render(kind, new Random(seed)), kind + " seed " + seed);
            }
        }
    }

    /** Mean images over fixed seeds: two kinds whose averages coincide would be one class. */
    @Test
    void kindsDifferOnAverage() {
        Map<String, float[]> means = new HashMap<>();
        for (String kind : Shapes.KINDS) {
            List<float[]> imgs = new ArrayList<>();
            for (int seed = 0; seed < 60; seed++) {
                imgs.add(Shapes.render(kind, new Random(seed)));
            }
            means.put(kind, mean(imgs));
        }
        for (String a : Shapes.KINDS) {
            for (String b : Shapes.KINDS) {
                if (a.compareTo(b) < 0) {
                    assertThat(meanAbsDiff(means.get(a), means.get(b))).as(a + " vs " + b).isGreaterThan(0.01);
                }
            }
        }
    }

    @Test
    void unknownKindSuggestsTheNearest() {
        assertThatThrownBy(() -> Shapes.render("circel", new Random(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'circel'").hasMessageContaining("did you mean 'circle'")
                .hasMessageContaining("hexagon");
    }
}
