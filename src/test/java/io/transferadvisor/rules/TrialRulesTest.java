package io.transferadvisor.rules;

import static io.transferadvisor.rules.RuleTesting.FMNIST_CUTS;
import static io.transferadvisor.rules.RuleTesting.decide;
import static io.transferadvisor.rules.RuleTesting.fired;
import static io.transferadvisor.rules.RuleTesting.profile;
import static org.assertj.core.api.Assertions.assertThat;

import io.transferadvisor.plan.Strategy;
import io.transferadvisor.pipeline.PlanTrials;
import io.transferadvisor.rules.facts.Rejected;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The measured plan trial (pipeline/PlanTrials) as the rules read it: guards.drl guard-measured-trial and its cut, rates and rejections. */
class TrialRulesTest {
    static double threshold(String name) {
        return Thresholds.read(Path.of("rules")).stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow().value();
    }

    static final double MARGIN = threshold("trial.margin");

    @Test
    void aGrownBlockThatBeatsFineTuningByMoreThanTheMarginIsChosenAtTheTrialsCutAndRate() {
        double fine = 0.50;
        var d = decide(profile().perClass(5).similarity(0.85).trials(fine, fine + (MARGIN + 3) / 100).build());
        assertThat(d.plan().strategy()).isEqualTo(Strategy.TRUNCATE_GROW);
        assertThat(d.plan().cutoffLayer()).isEqualTo(FMNIST_CUTS.get(FMNIST_CUTS.size() / 2));
        assertThat(d.plan().growBlocks()).isEqualTo(1);
        assertThat(d.plan().hyperparameters().headLearningRate()).isEqualTo(1e-2);
        assertThat(d.plan().hyperparameters().backboneLearningRate()).isEqualTo(0.0);
        // the recipe the trial measured: frozen batch-norm statistics, no augmentation (even on a shifted domain, where the
        // generic rule would recalibrate)
        var shifted = decide(profile().perClass(5).similarity(0.55).trials(fine, fine + (MARGIN + 3) / 100).build());
        assertThat(shifted.plan().strategy()).isEqualTo(Strategy.TRUNCATE_GROW);
        for (var p : List.of(d.plan(), shifted.plan())) {
            assertThat(p.hyperparameters().batchNorm()).isEqualTo(io.transferadvisor.plan.BatchNormPolicy.FROZEN);
            assertThat(p.hyperparameters().augmentation().maxShiftPixels()).isZero();
            assertThat(p.hyperparameters().augmentation().cropFraction()).isZero();
        }
        assertThat(fired(shifted)).contains("bn-frozen-measured-trial", "augment-none-small-fine-tuning").doesNotContain("bn-recalibrate-shifted", "augment-small-data");
        // a different domain: no suite task measured a batch-norm policy there, so the textbook recalibration stands
        var far = decide(profile().perClass(5).similarity(0.2).trials(fine, fine + (MARGIN + 3) / 100).build());
        assertThat(far.plan().strategy()).isEqualTo(Strategy.TRUNCATE_GROW);
        assertThat(far.plan().hyperparameters().batchNorm()).isEqualTo(io.transferadvisor.plan.BatchNormPolicy.RECALIBRATE);
        assertThat(fired(d)).contains("guard-measured-trial", "cutoff-measured-trial", "lr-frozen-backbone", "reject-finetune-measured")
                .doesNotContain("reject-truncate-grow-measured", "cutoff-latest-low-shift");
        assertThat(d.runs().get(0).evaluation().all(Rejected.class))
                .anySatisfy(r -> {
                    assertThat(r.strategy()).isEqualTo(Strategy.FINETUNE_ABOVE);
                    assertThat(r.reason()).contains("measured on folds").contains(FMNIST_CUTS.get(0)).contains("0.500");
                });
    }

    @Test
    void theMeasuredTrialOutranksTheAutoencoderGuardInsteadOfConflictingWithIt() {
        // TINY, LOW similarity, many unlabelled images and a grown block that won its trial: both guards fire; at one priority this
        // was a conflict that crashed recommend (found by the suite: a glyphs-cnn profile's "what if unlabelled images" counterfactual)
        double fine = 0.50;
        var p = profile().perClass(5).similarity(0.2).unlabelled(5000).trials(fine, fine + (MARGIN + 3) / 100).build();
        var d = decide(p);
        assertThat(d.plan().strategy()).isEqualTo(Strategy.TRUNCATE_GROW);
        assertThat(fired(d)).contains("guard-measured-trial", "guard-autoencoder", "reject-outranked");
        assertThat(d.runs().get(0).evaluation().all(Rejected.class))
                .anySatisfy(r -> {
                    assertThat(r.strategy()).isEqualTo(Strategy.AUTOENCODER_TRANSFER);
                    assertThat(r.reason()).contains("outranked by TRUNCATE_GROW (priority 3 > 2)");
                });
        // the full recommendation, counterfactual search included, answers too
        var full = RuleTesting.recommender().recommend(List.of(p), new io.transferadvisor.rules.Recommender.Request("d", 10, 30, 42,
                java.util.Map.of(), java.util.Map.of()));
        assertThat(full.plan().strategy()).isEqualTo(Strategy.TRUNCATE_GROW);
        // without a measured trial the autoencoder guard still decides
        assertThat(decide(profile().perClass(5).similarity(0.2).unlabelled(5000).build()).plan().strategy()).isEqualTo(Strategy.AUTOENCODER_TRANSFER);
    }

    @Test
    void aGrownBlockWithinTheMarginLeavesFineTuningAboveTheFirstCutAndIsRejectedWithTheMeasuredNumbers() {
        double fine = 0.60;
        var d = decide(profile().perClass(5).similarity(0.85).trials(fine, fine + (MARGIN - 1) / 100).build());
        assertThat(d.plan().strategy()).isEqualTo(Strategy.FINETUNE_ABOVE);
        assertThat(d.plan().cutoffLayer()).isEqualTo(FMNIST_CUTS.get(0));
        assertThat(fired(d)).contains("reject-truncate-grow-measured").doesNotContain("guard-measured-trial", "reject-truncate-grow-small-data");
        assertThat(d.runs().get(0).evaluation().all(Rejected.class))
                .anySatisfy(r -> {
                    assertThat(r.strategy()).isEqualTo(Strategy.TRUNCATE_GROW);
                    assertThat(r.reason()).contains("measured on folds").contains("0.600").contains("trial.margin");
                });
    }

    @Test
    void theExplanationShowsTheTrialsNumbersAndTheMargin() {
        var rec = RuleTesting.recommender().recommend(List.of(profile().perClass(5).similarity(0.85).trials(0.55, 0.70).build()),
                Recommender.Request.defaults("dataset.yaml"));
        List<String> reasons = Explanation.of(rec.audit()).reasons();
        assertThat(reasons).anySatisfy(r -> assertThat(r).startsWith("measured plan trial").contains("TRUNCATE_GROW " + FMNIST_CUTS.get(2) + " +1 0.700")
                .contains("FINETUNE_ABOVE " + FMNIST_CUTS.get(0) + " 0.550").contains("trial.margin = " + Explanation.num(MARGIN)));
        assertThat(Explanation.of(RuleTesting.recommender().recommend(List.of(profile().perClass(5).similarity(0.85).build()),
                Recommender.Request.defaults("dataset.yaml")).audit()).reasons()).noneSatisfy(r -> assertThat(r).contains("measured plan trial"));
    }

    @Test
    void trialsDecideOnlyTinyData() {
        var small = decide(profile().perClass(50).similarity(0.85).trials(0.30, 0.90).build());
        assertThat(small.plan().strategy()).isNotEqualTo(Strategy.TRUNCATE_GROW);
        assertThat(fired(small)).doesNotContain("guard-measured-trial", "reject-truncate-grow-measured");
    }

    @Test
    void withoutTrialsTinyDataFollowsTheMatrixAsBefore() {
        var d = decide(profile().perClass(5).similarity(0.85).build());
        assertThat(d.plan().strategy()).isEqualTo(Strategy.FINETUNE_ABOVE);
        assertThat(fired(d)).contains("reject-truncate-grow-small-data").doesNotContain("guard-measured-trial", "reject-truncate-grow-measured");
    }

    @Test
    void theProbeRunsTrialsWheneverTheRulesCallTheDataTiny() {
        // Otherwise a TINY profile would reach the rules without the evidence guard-measured-trial reads.
        assertThat((double) PlanTrials.MAX_PER_CLASS).isGreaterThanOrEqualTo(threshold("size.small.perClass"));
    }
}
