package io.transferadvisor.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.transferadvisor.plan.Plan;
import io.transferadvisor.plan.Strategy;
import io.transferadvisor.probe.DatasetProfile;
import io.transferadvisor.rules.facts.Rejected;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** Over the whole profile space: one strategy, a valid cutoff, sane rates, every alternative rejected. */
class RulesPropertyTest {

    @Property(tries = 400)
    void everyProfileGetsOneCompleteConsistentPlan(
            @ForAll @IntRange(min = 1, max = 20_000) int perClass,
            @ForAll @IntRange(min = 2, max = 50) int classes,
            @ForAll @DoubleRange(min = 0, max = 1) double similarity,
            @ForAll @DoubleRange(min = -0.3, max = 1.2) double shiftSlope,
            @ForAll @DoubleRange(min = 1, max = 20) double imbalance,
            @ForAll @IntRange(min = 0, max = 100_000) int unlabelled,
            @ForAll @DoubleRange(min = 0, max = 1) double overlap,
            @ForAll @LongRange(min = 10_000, max = 50_000_000) long params,
            @ForAll @IntRange(min = 1, max = 8) int layerCount,
            @ForAll SyntheticProfiles.Curve curve,
            @ForAll @DoubleRange(min = 0.01, max = 0.3) double interval,
            @ForAll @DoubleRange(min = 0, max = 0.1) double gain2x,
            @ForAll @DoubleRange(min = 0, max = 0.6) double topDrop) {
        List<String> layers = new ArrayList<>();
        for (int i = 0; i < layerCount; i++) {
            layers.add("cut" + i);
        }
        DatasetProfile p = SyntheticProfiles.profile().classes(classes).perClass(perClass).similarity(similarity).shiftSlope(shiftSlope)
                .imbalance(imbalance).unlabelled(unlabelled).overlap(overlap).parameters(params).layers(layers).curve(curve)
                .interval(interval).gain2x(gain2x).topDrop(topDrop).build();
        // the single-plan rules (a model above ensemble.maxParameters, or LARGE data): the matrix, cut and rate mechanics
        Recommender.Decision d = RuleTesting.decideSinglePlan(p);
        Plan whole = d.plan();
        Plan plan = RuleTesting.primary(d);
        var hp = plan.hyperparameters();
        if (hp.backboneLearningRate() > 0) {
            assertThat(hp.backboneLearningRate()).isLessThan(hp.headLearningRate());
        }
        if (plan.strategy().frozenBackbone()) {
            assertThat(hp.backboneLearningRate()).isZero();
        }
        if (plan.strategy() == Strategy.LINEAR_FROZEN) {
            assertThat(plan.cutoffLayer()).isEqualTo(expectedLinearCut(p));
        }
        boolean smallData = d.runs().get(0).evaluation().all(io.transferadvisor.rules.facts.SizeClass.class).get(0).level() == io.transferadvisor.rules.facts.SizeLevel.SMALL;
        if (plan.strategy() == Strategy.FINETUNE_ABOVE && smallData && overlap < 0.5 && expectedNewLabelsCut(p) != null) {
            assertThat(plan.cutoffLayer()).isEqualTo(expectedNewLabelsCut(p));
        }
        // the suite's calibration (issue 8): small data on a similar domain fine-tunes above a cut, whatever the labels
        if (d.runs().get(0).evaluation().all(io.transferadvisor.rules.facts.SizeClass.class).get(0).level() == io.transferadvisor.rules.facts.SizeLevel.SMALL
                && d.runs().get(0).evaluation().all(io.transferadvisor.rules.facts.SimilarityClass.class).get(0).level() == io.transferadvisor.rules.facts.SimilarityLevel.HIGH
                && plan.strategy() != Strategy.AUTOENCODER_TRANSFER) {
            assertThat(plan.strategy()).as("SMALL x HIGH, overlap " + overlap).isEqualTo(Strategy.FINETUNE_ABOVE);
        }
        // the calibrated matrix-small-medium: small data on a partly shifted domain fine-tunes every layer at head/10
        // (docs/benchmarks/plans.md, inverted and glyphs); TINY data on any shifted domain stays on frozen features
        var sizeLevel = d.runs().get(0).evaluation().all(io.transferadvisor.rules.facts.SizeClass.class).get(0).level();
        var simLevel = d.runs().get(0).evaluation().all(io.transferadvisor.rules.facts.SimilarityClass.class).get(0).level();
        if (sizeLevel == io.transferadvisor.rules.facts.SizeLevel.SMALL && simLevel == io.transferadvisor.rules.facts.SimilarityLevel.MEDIUM
                && plan.strategy() != Strategy.AUTOENCODER_TRANSFER) {
            assertThat(plan.strategy()).as("SMALL x MEDIUM").isEqualTo(Strategy.FINETUNE_ALL);
            assertThat(hp.headLearningRate()).isEqualTo(0.01);
            assertThat(hp.backboneLearningRate()).isEqualTo(0.001);
            assertThat(hp.batchNorm()).isNotEqualTo(io.transferadvisor.plan.BatchNormPolicy.FROZEN);
        }
        // TINY data fine-tunes above the first cut (the suite's calibration; LOW takes the best fixed policy, unmeasured)
        if (sizeLevel == io.transferadvisor.rules.facts.SizeLevel.TINY && plan.strategy() != Strategy.AUTOENCODER_TRANSFER) {
            assertThat(plan.strategy()).as("TINY x " + simLevel).isEqualTo(Strategy.FINETUNE_ABOVE);
            assertThat(plan.cutoffLayer()).isEqualTo(layers.get(0));
        }
        assertThat(whole).isSameAs(plan);
        if (plan.strategy().needsCutoff()) {
            assertThat(layers).contains(plan.cutoffLayer());
        } else {
            assertThat(plan.cutoffLayer()).isNull();
        }
        assertThat(plan.strategy()).isNotEqualTo(Strategy.ENSEMBLE);
        Set<Strategy> covered = EnumSet.of(whole.strategy());
        whole.ensembleMembers().forEach(m -> covered.add(m.strategy()));
        d.runs().get(0).evaluation().all(Rejected.class).forEach(r -> covered.add(r.strategy()));
        assertThat(covered).containsExactlyInAnyOrder(Strategy.values());
        // the shipped rules: below LARGE data, on a model up to ensemble.maxParameters with a middle cut below the top, the
        // ENSEMBLE of fine-tuning above the first cut, a block grown on the middle cut and a network trained from scratch;
        // but TINY or SMALL data from a familiar domain (similarity.familiar) averages fine-tuning above the cut below the top with a linear head on the top
        Recommender.Decision shipped = RuleTesting.decide(p);
        Plan ens = shipped.plan();
        if (ens.strategy() != Strategy.AUTOENCODER_TRANSFER) {
            boolean inScope = sizeLevel != io.transferadvisor.rules.facts.SizeLevel.LARGE && params <= EnsemblePlansRulesTest.threshold("ensemble.maxParameters")
                    && layers.size() >= 3;
            boolean familiar = inScope && (sizeLevel == io.transferadvisor.rules.facts.SizeLevel.TINY || sizeLevel == io.transferadvisor.rules.facts.SizeLevel.SMALL)
                    && p.similarity() >= EnsemblePlansRulesTest.threshold("similarity.familiar");
            boolean expected = inScope && !familiar;
            String as = sizeLevel + ", " + params + " parameters, " + layers.size() + " cuts, similarity " + p.similarity();
            assertThat(Recommender.ofOneModel(ens)).as(as).isEqualTo(inScope);
            if (familiar) {
                // since stop 42 two plans averaged: fine-tuning above the cut below the top and a softmax head on the frozen top cut
                assertThat(ens.ensembleMembers()).as(as).extracting(Plan::strategy).containsExactly(Strategy.FINETUNE_ABOVE, Strategy.LINEAR_FROZEN);
                assertThat(ens.ensembleMembers()).as(as).extracting(Plan::cutoffLayer).containsExactly(layers.get(layers.size() - 2), layers.get(layers.size() - 1));
                assertThat(ens.ensembleMembers().get(1).head()).as(as).isEqualTo(io.transferadvisor.plan.HeadType.SOFTMAX);
                Set<Strategy> all = EnumSet.of(ens.strategy());
                ens.ensembleMembers().forEach(m -> all.add(m.strategy()));
                shipped.runs().get(0).evaluation().all(Rejected.class).forEach(r -> all.add(r.strategy()));
                assertThat(all).containsExactlyInAnyOrder(Strategy.values());
            } else if (expected) {
                // TINY data adds a fourth member (ensemble-plans-tiny-late), fine-tuning above the cut below the top, and a fifth
                // (ensemble-plans-tiny-grow-late), a block grown at that cut, and a sixth (ensemble-plans-tiny-linear-top)
                boolean tiny = sizeLevel == io.transferadvisor.rules.facts.SizeLevel.TINY;
                List<Strategy> members = tiny ? List.of(Strategy.FINETUNE_ABOVE, Strategy.TRUNCATE_GROW, Strategy.FROM_SCRATCH, Strategy.FINETUNE_ABOVE,
                        Strategy.TRUNCATE_GROW, Strategy.LINEAR_FROZEN)
                        : List.of(Strategy.FINETUNE_ABOVE, Strategy.TRUNCATE_GROW, Strategy.FROM_SCRATCH);
                assertThat(ens.ensembleMembers()).as(as).extracting(Plan::strategy).containsExactlyElementsOf(members);
                assertThat(ens.ensembleMembers().get(0).cutoffLayer()).isEqualTo(layers.get(0));
                assertThat(ens.ensembleMembers().get(1).cutoffLayer()).isEqualTo(layers.get(layers.size() / 2));
                assertThat(ens.ensembleMembers().get(2).cutoffLayer()).isNull();
                if (tiny) {
                    assertThat(ens.ensembleMembers().get(3).cutoffLayer()).as(as).isEqualTo(layers.get(layers.size() - 2));
                    assertThat(ens.ensembleMembers().get(4).cutoffLayer()).as(as).isEqualTo(layers.get(layers.size() - 2));
                    assertThat(ens.ensembleMembers().get(4).growBlocks()).as(as).isEqualTo(1);
                    // and since stop 45 a sixth (ensemble-plans-tiny-linear-top), a softmax head on the frozen top cut
                    assertThat(ens.ensembleMembers().get(5).cutoffLayer()).as(as).isEqualTo(layers.get(layers.size() - 1));
                    assertThat(ens.ensembleMembers().get(5).head()).as(as).isEqualTo(io.transferadvisor.plan.HeadType.SOFTMAX);
                }
                Set<Strategy> all = EnumSet.of(ens.strategy());
                ens.ensembleMembers().forEach(m -> all.add(m.strategy()));
                shipped.runs().get(0).evaluation().all(Rejected.class).forEach(r -> all.add(r.strategy()));
                assertThat(all).containsExactlyInAnyOrder(Strategy.values());
            } else {
                assertThat(ens).isEqualTo(whole);
            }
        }
        assertThat(hp.patience()).isLessThanOrEqualTo(hp.maxEpochs());
        if (plan.collectMore() != null) {
            assertThat(plan.collectMore().expectedGainPoints()).isGreaterThanOrEqualTo(2.0);
        }
    }

    /**
     * Oracle for the linear cut, written from the rule text: competitive = accuracy >= the best
     * layer's lower bound; floor = similarity of the least-shifted competitive layer - 0.10; the
     * latest competitive layer at or above the floor.
     */
    static String expectedLinearCut(DatasetProfile p) {
        DatasetProfile.LayerProbe best = p.layers().stream()
                .max(Comparator.comparingDouble((DatasetProfile.LayerProbe l) -> l.probeAccuracy().value()).thenComparingInt(DatasetProfile.LayerProbe::index))
                .orElseThrow();
        List<DatasetProfile.LayerProbe> competitive = p.layers().stream()
                .filter(l -> l.probeAccuracy().value() >= best.probeAccuracy().low()).toList();
        double floor = competitive.stream().mapToDouble(DatasetProfile.LayerProbe::similarity).max().orElseThrow() - 0.10;
        return competitive.stream().filter(l -> l.similarity() >= floor)
                .max(Comparator.comparingInt(DatasetProfile.LayerProbe::index)).orElseThrow().layer();
    }

    /**
     * Oracle for the new-labels fine-tuning cut on SMALL data, from the rule text: the latest non-top layer below
     * the earliest competitive layer that is low-shift (similarity >= 0.5 on a HIGH domain, >= 0.7
     * otherwise); null when there is none (the generic cut rules apply).
     */
    static String expectedNewLabelsCut(DatasetProfile p) {
        DatasetProfile.LayerProbe best = p.layers().stream()
                .max(Comparator.comparingDouble((DatasetProfile.LayerProbe l) -> l.probeAccuracy().value()).thenComparingInt(DatasetProfile.LayerProbe::index))
                .orElseThrow();
        int earliest = p.layers().stream().filter(l -> l.probeAccuracy().value() >= best.probeAccuracy().low())
                .mapToInt(DatasetProfile.LayerProbe::index).min().orElseThrow();
        int top = p.layers().stream().mapToInt(DatasetProfile.LayerProbe::index).max().orElseThrow();
        double topSim = p.layers().stream().filter(l -> l.index() == top).findFirst().orElseThrow().similarity();
        double threshold = p.similarity() >= 0.7 && topSim >= 0.5 ? 0.5 : 0.7;
        return p.layers().stream().filter(l -> l.index() < earliest && l.index() != top && l.similarity() >= threshold)
                .max(Comparator.comparingInt(DatasetProfile.LayerProbe::index)).map(DatasetProfile.LayerProbe::layer).orElse(null);
    }

    @Property(tries = 200)
    void aFarShiftedTopLayerNeverWinsATie(
            @ForAll @DoubleRange(min = 0.75, max = 1.0) double similarity,
            @ForAll @DoubleRange(min = 0.11, max = 0.45) double topDrop,
            @ForAll @IntRange(min = 2, max = 8) int layerCount) {
        // flat curve: every layer tied; no drift below the top; the top drops by more than the 0.10 margin
        List<String> layers = new ArrayList<>();
        for (int i = 0; i < layerCount; i++) {
            layers.add("cut" + i);
        }
        DatasetProfile p = RuleTesting.profile().perClass(100).similarity(similarity).shiftSlope(0.0).topDrop(topDrop)
                .curve(SyntheticProfiles.Curve.FLAT).layers(layers).build();
        Plan plan = RuleTesting.decideTextbook(p).plan(); // the linear cut, on the textbook cell the shipped matrix no longer has
        assertThat(plan.strategy()).isEqualTo(Strategy.LINEAR_FROZEN);
        assertThat(plan.cutoffLayer()).isEqualTo("cut" + (layerCount - 2));
    }

    @Property(tries = 100)
    void moreDataNeverMovesTowardsAFrozenBackbone(
            @ForAll @IntRange(min = 5, max = 5_000) int perClass,
            @ForAll @DoubleRange(min = 0, max = 1) double similarity,
            @ForAll @DoubleRange(min = 0, max = 1) double overlap) {
        // Monotonicity of the matrix and its guards: with 4x the data, a plan that trained the backbone never falls back to frozen features.
        Plan small = RuleTesting.decide(RuleTesting.profile().perClass(perClass).similarity(similarity).overlap(overlap).build()).plan();
        Plan big = RuleTesting.decide(RuleTesting.profile().perClass(perClass * 4).similarity(similarity).overlap(overlap).build()).plan();
        if (!small.strategy().frozenBackbone() && small.strategy() != Strategy.AUTOENCODER_TRANSFER) {
            assertThat(big.strategy().frozenBackbone()).as(small.strategy() + " -> " + big.strategy()).isFalse();
        }
    }
}
