package io.transferadvisor.rules;

import static io.transferadvisor.rules.RuleTesting.decide;
import static io.transferadvisor.rules.RuleTesting.fired;
import static io.transferadvisor.rules.RuleTesting.profile;
import static org.assertj.core.api.Assertions.assertThat;

import io.transferadvisor.rules.facts.SimilarityClass;
import io.transferadvisor.rules.facts.SimilarityLevel;
import io.transferadvisor.rules.facts.SizeClass;
import io.transferadvisor.rules.facts.SizeLevel;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** derive.drl: profile in -> derived classifications and the rule ids that made them. */
class DeriveRulesTest {

    static Stream<Arguments> sizes() {
        return Stream.of(
                Arguments.of(10, 400_000L, SizeLevel.TINY, "size-tiny"),
                Arguments.of(19, 400_000L, SizeLevel.TINY, "size-tiny"),
                Arguments.of(20, 400_000L, SizeLevel.SMALL, "size-small"),
                Arguments.of(150, 400_000L, SizeLevel.SMALL, "size-small"),
                Arguments.of(400, 400_000L, SizeLevel.MEDIUM, "size-medium"),
                // 400 per class but only 0.08 images per 1k parameters of a 25M-parameter model: SMALL
                Arguments.of(400, 25_000_000L, SizeLevel.SMALL, "size-small"),
                Arguments.of(3000, 400_000L, SizeLevel.LARGE, "size-large"),
                // 3000 per class on a 25M model is 0.6 per 1k: not enough for LARGE
                Arguments.of(3000, 25_000_000L, SizeLevel.SMALL, "size-small"),
                Arguments.of(3000, 2_000_000L, SizeLevel.MEDIUM, "size-medium"));
    }

    @ParameterizedTest(name = "{0} per class, {1} params -> {2}")
    @MethodSource("sizes")
    void sizeIsRelativeToClassesAndParameters(int perClass, long params, SizeLevel level, String rule) {
        var d = decide(profile().perClass(perClass).parameters(params).build());
        assertThat(d.runs().get(0).evaluation().all(SizeClass.class)).extracting(SizeClass::level).containsExactly(level);
        assertThat(RuleTesting.insertersOf(d, SizeClass.class)).containsExactly(rule);
    }

    static Stream<Arguments> similarities() {
        return Stream.of(
                Arguments.of(0.9, 0.4, SimilarityLevel.HIGH, "similarity-high"),
                Arguments.of(0.6, 0.4, SimilarityLevel.MEDIUM, "similarity-medium"),
                // high overall, but the top layer drifted far (steep shift): MEDIUM
                Arguments.of(0.75, 0.9, SimilarityLevel.MEDIUM, "similarity-medium"),
                Arguments.of(0.39, 0.4, SimilarityLevel.LOW, "similarity-low"),
                Arguments.of(0.05, 0.4, SimilarityLevel.LOW, "similarity-low"));
    }

    @ParameterizedTest(name = "similarity {0}, shift slope {1} -> {2}")
    @MethodSource("similarities")
    void similarityUsesOverallScoreAndTopLayerShift(double sim, double slope, SimilarityLevel level, String rule) {
        var d = decide(profile().similarity(sim).shiftSlope(slope).build());
        assertThat(d.runs().get(0).evaluation().all(SimilarityClass.class)).extracting(SimilarityClass::level).containsExactly(level);
        assertThat(RuleTesting.insertersOf(d, SimilarityClass.class)).containsExactly(rule);
    }

    static Stream<Arguments> flags() {
        return Stream.of(
                Arguments.of("balanced, nothing special", profile().build(), List.of(), List.of("imbalance", "label-overlap", "geometry-mismatch", "data-hungry", "unlabelled-pool")),
                Arguments.of("imbalance 5", profile().imbalance(5).build(), List.of("imbalance"), List.of()),
                Arguments.of("imbalance 2.5", profile().imbalance(2.5).build(), List.of(), List.of("imbalance")),
                Arguments.of("label overlap 0.9", profile().overlap(0.9).build(), List.of("label-overlap"), List.of()),
                Arguments.of("geometry", profile().geometryMismatch().build(), List.of("geometry-mismatch"), List.of()),
                Arguments.of("curve still rising", profile().gain2x(0.05).build(), List.of("data-hungry"), List.of()),
                Arguments.of("unlabelled pool", profile().perClass(100).unlabelled(5000).build(), List.of("unlabelled-pool"), List.of()),
                Arguments.of("too few unlabelled", profile().perClass(100).unlabelled(300).build(), List.of(), List.of("unlabelled-pool")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("flags")
    void flagsFireExactlyWhenTheirThresholdIsCrossed(String name, io.transferadvisor.probe.DatasetProfile p, List<String> fire, List<String> notFire) {
        var ids = fired(decide(p));
        assertThat(ids).containsAll(fire);
        for (String id : notFire) {
            assertThat(ids).doesNotContain(id);
        }
        assertThat(ids).contains("best-layer", "competitive-layer");
    }

    /**
     * A network without a source reference at any layer (zoo SqueezeNet: no batch norm; random
     * weights: no activation statistics) has NaN layer similarities. At an overall score of 0.7 or
     * more, neither similarity rule fired and recommend failed with "chose no strategy (a gap)"; the
     * overall score now stands in for the top layer's.
     */
    @ParameterizedTest(name = "similarity {0} with no layer reference -> {1}")
    @org.junit.jupiter.params.provider.CsvSource({"0.70, HIGH", "0.90, HIGH", "0.55, MEDIUM", "0.10, LOW"})
    void layersWithoutASourceReferenceStillGetASimilarityClass(double similarity, SimilarityLevel level) {
        var p = profile().perClass(10).similarity(similarity).build();
        var unreferenced = p.layers().stream().map(l -> new io.transferadvisor.probe.DatasetProfile.LayerProbe(l.layer(), l.index(), l.relativeDepth(),
                l.featureDim(), Double.NaN, Double.NaN, null, l.logme(), l.probeAccuracy())).toList();
        var q = new io.transferadvisor.probe.DatasetProfile(p.schemaVersion(), p.dataset(), p.datasetHash(), p.model(), p.size(), unreferenced,
                p.similarity(), p.sourceView(), p.sufficiency(), p.unlabelledImages(), p.sampling(), p.trials());
        var d = decide(q);
        assertThat(d.runs().get(0).evaluation().all(SimilarityClass.class)).extracting(SimilarityClass::level).containsExactly(level);
        assertThat(d.plan().strategy()).isNotNull();
    }
}
