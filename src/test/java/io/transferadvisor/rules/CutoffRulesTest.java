package io.transferadvisor.rules;

import static io.transferadvisor.rules.RuleTesting.decideSinglePlan;
import static io.transferadvisor.rules.RuleTesting.profile;
import static org.assertj.core.api.Assertions.assertThat;

import io.transferadvisor.plan.Strategy;
import io.transferadvisor.rules.SyntheticProfiles.Curve;
import io.transferadvisor.rules.facts.CompetitiveLayer;
import io.transferadvisor.rules.facts.Cutoff;
import io.transferadvisor.rules.facts.FarShiftedLayer;
import io.transferadvisor.rules.facts.ShiftFloor;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** cutoff.drl: the cut comes from the measured curves, not from an index or a name. */
class CutoffRulesTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                // LINEAR_FROZEN (small, similar): latest layer within the best layer's interval
                Arguments.of("rising curve: only the top is competitive", profile().perClass(100).similarity(0.9).curve(Curve.RISING),
                        Strategy.LINEAR_FROZEN, "fc1_relu", "cutoff-linear-latest-competitive"),
                Arguments.of("peak in the middle", profile().perClass(100).similarity(0.9).curve(Curve.PEAK_MIDDLE),
                        Strategy.LINEAR_FROZEN, "b3_relu", "cutoff-linear-latest-competitive"),
                Arguments.of("wide intervals, no drift: everything competitive, take the latest", profile().perClass(100).similarity(0.9).shiftSlope(0.0)
                        .curve(Curve.PEAK_MIDDLE).interval(0.3), Strategy.LINEAR_FROZEN, "fc1_relu", "cutoff-linear-latest-competitive"),
                // layer similarities 1.0, 1.0, 0.95, 0.85, 0.75: floor 0.90 below the least-shifted competitive layer
                Arguments.of("wide intervals, gradual drift: the latest layer within 0.10 of the least-shifted", profile().perClass(100).similarity(0.9)
                        .curve(Curve.PEAK_MIDDLE).interval(0.3), Strategy.LINEAR_FROZEN, "b3_relu", "cutoff-linear-latest-competitive"),
                // the shape of examples/default.yaml: every layer tied within the interval, only the top one shifted (0.97 -> 0.67)
                Arguments.of("top layer tied but far shifted loses to the layer below", profile().perClass(100).similarity(0.72).shiftSlope(0.0)
                        .topDrop(0.3).curve(Curve.FLAT), Strategy.LINEAR_FROZEN, "b4_relu", "cutoff-linear-latest-competitive"),
                Arguments.of("top layer tied and only slightly shifted keeps the cut", profile().perClass(100).similarity(0.72).shiftSlope(0.0)
                        .topDrop(0.08).curve(Curve.FLAT), Strategy.LINEAR_FROZEN, "fc1_relu", "cutoff-linear-latest-competitive"),
                Arguments.of("shifted top layer, but the only competitive one: still the cut", profile().perClass(100).similarity(0.72).shiftSlope(0.0)
                        .topDrop(0.3).curve(Curve.RISING), Strategy.LINEAR_FROZEN, "fc1_relu", "cutoff-linear-latest-competitive"),
                // LINEAR_EARLIER (tiny, medium similarity; SMALL x MEDIUM fine-tunes all since the calibration): earliest competitive non-top layer
                Arguments.of("falling curve: the first layer is best", profile().perClass(10).similarity(0.6).curve(Curve.FALLING),
                        Strategy.LINEAR_EARLIER, "b1_pool", "cutoff-earlier-competitive"),
                Arguments.of("wide intervals: earliest", profile().perClass(10).similarity(0.6).curve(Curve.FLAT).interval(0.05),
                        Strategy.LINEAR_EARLIER, "b1_pool", "cutoff-earlier-competitive"),
                Arguments.of("rising curve: best layer below the top", profile().perClass(10).similarity(0.6).curve(Curve.RISING),
                        Strategy.LINEAR_EARLIER, "b4_relu", "cutoff-earlier-best-below-top"),
                Arguments.of("one candidate layer", profile().perClass(10).similarity(0.6).layers(List.of("fc1_relu")),
                        Strategy.LINEAR_EARLIER, "fc1_relu", "cutoff-earlier-single-layer"),
                // FINETUNE_ABOVE / TRUNCATE_GROW: latest low-shift layer below the top
                Arguments.of("similar: every layer low-shift, cut just below the top", profile().perClass(400).similarity(0.9),
                        Strategy.FINETUNE_ABOVE, "b4_relu", "cutoff-latest-low-shift"),
                Arguments.of("shifted: stricter threshold, cut lower", profile().perClass(400).similarity(0.6),
                        Strategy.FINETUNE_ABOVE, "b2_pool", "cutoff-latest-low-shift"),
                // TINY data fine-tunes above the first candidate cut (the suite's calibration, issue 8)
                Arguments.of("tiny, similar: fine-tune above the first cut", profile().perClass(10).similarity(0.9),
                        Strategy.FINETUNE_ABOVE, "b1_pool", "cutoff-tiny-first-cut"),
                Arguments.of("tiny, shifted: fine-tune above the first cut", profile().perClass(10).similarity(0.6).curve(Curve.RISING),
                        Strategy.FINETUNE_ABOVE, "b1_pool", "cutoff-tiny-first-cut"),
                Arguments.of("dissimilar, small: fine-tune above the first layer", profile().perClass(100).similarity(0.2),
                        Strategy.FINETUNE_ABOVE, "b1_pool", "cutoff-first-layer"),
                Arguments.of("dissimilar, small: grow above the first layer", profile().perClass(100).similarity(0.2),
                        Strategy.TRUNCATE_GROW, "b1_pool", "cutoff-first-layer"),
                Arguments.of("dissimilar, small, early layers close: grow above them", profile().perClass(100).similarity(0.39).shiftSlope(-0.2),
                        Strategy.TRUNCATE_GROW, "b4_relu", "cutoff-latest-low-shift"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void cutoffFollowsTheCurves(String name, SyntheticProfiles p, Strategy strategy, String layer, String rule) {
        // the shipped matrix no longer chooses linear classifiers (issue 8's calibration): their cut rules are tested on the textbook cells
        boolean linear = strategy == Strategy.LINEAR_FROZEN || strategy == Strategy.LINEAR_EARLIER || strategy == Strategy.TRUNCATE_GROW;
        var d = linear ? RuleTesting.decideTextbook(p.build()) : decideSinglePlan(p.build());
        assertThat(RuleTesting.primary(d).strategy()).isEqualTo(strategy);
        assertThat(RuleTesting.primary(d).cutoffLayer()).isEqualTo(layer);
        assertThat(RuleTesting.insertersOf(d, Cutoff.class)).containsExactly(rule);
    }

    @Test
    void strategiesWithoutACutoffGetNone() {
        for (var p : List.of(profile().perClass(400).similarity(0.2), profile().perClass(3000).similarity(0.6), profile().perClass(3000).similarity(0.2))) {
            var d = decideSinglePlan(p.build());
            assertThat(RuleTesting.primary(d).cutoffLayer()).as(RuleTesting.primary(d).strategy().name()).isNull();
            assertThat(d.runs().get(0).evaluation().all(Cutoff.class)).isEmpty();
        }
    }

    @Test
    void theRealExampleProfileCutsBelowTheShiftedTopLayer() throws Exception {
        // examples/default.yaml on fmnist-cnn: b3_relu 0.878 [0.833, 0.922] is best; b4_relu 0.872 and fc1_relu 0.861 are within
        // its interval; similarities b3 0.968, b4 0.972, fc1 0.663. fc1_relu is competitive but 0.31 below b4_relu.
        // Its labels are new (overlap 0.31), so the linear cut only applies when the labels are made shared (overlap 0.9).
        var d = RuleTesting.decideTextbook(ProfileEdits.withLabelOverlap(GoldenAuditTest.realProfile(), 0.9));
        assertThat(RuleTesting.primary(d).strategy()).isEqualTo(Strategy.LINEAR_FROZEN);
        assertThat(RuleTesting.primary(d).cutoffLayer()).isEqualTo("b4_relu");
        var e = d.runs().get(0).evaluation();
        assertThat(e.all(ShiftFloor.class)).singleElement().satisfies(f -> {
            assertThat(f.referenceLayer()).isEqualTo("b4_relu");
            assertThat(f.floor()).isCloseTo(0.872, org.assertj.core.data.Offset.offset(0.001));
        });
        assertThat(e.all(FarShiftedLayer.class)).extracting(FarShiftedLayer::layer).containsExactly("fc1_relu");
        assertThat(e.all(CompetitiveLayer.class)).extracting(CompetitiveLayer::layer).containsExactlyInAnyOrder("b3_relu", "b4_relu", "fc1_relu");
    }

    @Test
    void theRealExampleWithNewLabelsFineTunesAboveTheLayerBelowTheEarliestCompetitiveOne() throws Exception {
        // Measured (docs/design/rules.md, Calibration): FINETUNE_ABOVE b2_pool 0.922 > b4_relu 0.902 > LINEAR_FROZEN b4_relu 0.848.
        var d = decideSinglePlan(GoldenAuditTest.realProfile());
        assertThat(RuleTesting.primary(d).strategy()).isEqualTo(Strategy.FINETUNE_ABOVE);
        assertThat(RuleTesting.primary(d).cutoffLayer()).isEqualTo("b2_pool");
        assertThat(RuleTesting.insertersOf(d, Cutoff.class)).containsExactly("cutoff-new-labels-below-competitive");
        assertThat(RuleTesting.primary(d).hyperparameters().headLearningRate()).isEqualTo(1e-2);
        assertThat(RuleTesting.primary(d).hyperparameters().backboneLearningRate()).isEqualTo(1e-3);
    }

    static Stream<Arguments> newLabelCases() {
        return Stream.of(
                // rising curve: only the top is competitive -> the latest low-shift layer below it
                Arguments.of(profile().perClass(100).similarity(0.9).overlap(0.1).curve(Curve.RISING), "b4_relu", "cutoff-new-labels-below-competitive"),
                // peak in the middle: b3_relu is the earliest competitive layer -> b2_pool
                Arguments.of(profile().perClass(100).similarity(0.9).overlap(0.1).curve(Curve.PEAK_MIDDLE), "b2_pool", "cutoff-new-labels-below-competitive"),
                // falling curve: the first layer is already competitive, nothing below it -> the generic fine-tuning cut
                Arguments.of(profile().perClass(100).similarity(0.9).overlap(0.1).curve(Curve.FALLING), "b4_relu", "cutoff-latest-low-shift"),
                // enough data, new labels: the matrix fine-tunes at the generic cut (fashion200 in plans.md: b4_relu 0.934 > b2_pool 0.918)
                Arguments.of(profile().perClass(400).similarity(0.9).overlap(0.1).curve(Curve.PEAK_MIDDLE), "b4_relu", "cutoff-latest-low-shift"),
                // enough data, shared labels: the generic cut just below the top
                Arguments.of(profile().perClass(400).similarity(0.9).overlap(0.9).curve(Curve.PEAK_MIDDLE), "b4_relu", "cutoff-latest-low-shift"));
    }

    @ParameterizedTest
    @MethodSource("newLabelCases")
    void newLabelsCutBelowTheEarliestCompetitiveLayer(SyntheticProfiles p, String layer, String rule) {
        var d = decideSinglePlan(p.build());
        assertThat(RuleTesting.primary(d).strategy()).isEqualTo(Strategy.FINETUNE_ABOVE);
        assertThat(RuleTesting.primary(d).cutoffLayer()).isEqualTo(layer);
        assertThat(RuleTesting.insertersOf(d, Cutoff.class)).containsExactly(rule);
    }

    @Test
    void layerNamesComeFromTheProfile() {
        var d = RuleTesting.decideTextbook(profile().perClass(100).similarity(0.9).curve(Curve.PEAK_MIDDLE)
                .layers(List.of("conv_a", "conv_b", "mixed_c", "pool_d", "avg_e")).build());
        assertThat(RuleTesting.primary(d).cutoffLayer()).isEqualTo("mixed_c");
        var f = RuleTesting.decide(profile().perClass(10).similarity(0.85).layers(List.of("conv_a", "conv_b", "mixed_c", "pool_d", "avg_e")).build());
        assertThat(RuleTesting.primary(f).cutoffLayer()).isEqualTo("conv_a");
        // the grown-block member of the TINY ensemble cuts at the middle layer, by position
        assertThat(f.plan().ensembleMembers().get(1).cutoffLayer()).isEqualTo("mixed_c");
    }
}
