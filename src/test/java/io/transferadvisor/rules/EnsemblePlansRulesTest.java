package io.transferadvisor.rules;

import static io.transferadvisor.rules.RuleTesting.FMNIST_CUTS;
import static io.transferadvisor.rules.RuleTesting.decide;
import static io.transferadvisor.rules.RuleTesting.fired;
import static io.transferadvisor.rules.RuleTesting.profile;
import static org.assertj.core.api.Assertions.assertThat;

import io.transferadvisor.plan.BatchNormPolicy;
import io.transferadvisor.plan.Plan;
import io.transferadvisor.plan.Strategy;
import io.transferadvisor.probe.DatasetProfile;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** guards.drl ensemble-plans: below LARGE data on a model the suite measured, an ENSEMBLE of one model's plans, each member assembled by the rules. */
class EnsemblePlansRulesTest {
    static double threshold(String name) {
        return Thresholds.read(Path.of("rules")).stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow().value();
    }

    static Set<String> firedIn(Recommender.ModelRun r) {
        return r.evaluation().firings().stream().map(f -> f.rule().id()).collect(Collectors.toSet());
    }

    @Test
    void tinyDataTrainsFineTuningAGrownBlockFromScratchAndALateFineTuneAndAveragesThem() {
        var d = decide(profile().perClass(5).similarity(0.85).build());
        Plan p = d.plan();
        assertThat(p.strategy()).isEqualTo(Strategy.ENSEMBLE);
        assertThat(Recommender.ofOneModel(p)).isTrue();
        assertThat(p.models()).containsExactly(d.runs().get(0).profile().model());
        assertThat(p.ensembleMembers()).allSatisfy(x -> assertThat(x.models()).isEqualTo(p.models()));
        List<Plan> m = p.ensembleMembers();
        assertThat(m).extracting(Plan::strategy).containsExactly(Strategy.FINETUNE_ABOVE, Strategy.TRUNCATE_GROW, Strategy.FROM_SCRATCH,
                Strategy.FINETUNE_ABOVE, Strategy.TRUNCATE_GROW, Strategy.LINEAR_FROZEN);
        // the first member is the plan the rules chose for the data, unchanged, and the ensemble's own settings are its
        assertThat(m.get(0).cutoffLayer()).isEqualTo(FMNIST_CUTS.get(0));
        assertThat(p.hyperparameters()).isEqualTo(m.get(0).hyperparameters());
        // the grown block at the middle candidate cut, at the rate and batch-norm policy the suite measured
        assertThat(m.get(1).cutoffLayer()).isEqualTo(FMNIST_CUTS.get(FMNIST_CUTS.size() / 2));
        assertThat(m.get(1).growBlocks()).isEqualTo(1);
        assertThat(m.get(1).hyperparameters().headLearningRate()).isEqualTo(1e-2);
        assertThat(m.get(1).hyperparameters().backboneLearningRate()).isEqualTo(0.0);
        assertThat(m.get(1).hyperparameters().batchNorm()).isEqualTo(BatchNormPolicy.FROZEN);
        // from scratch at the suite's 1e-2, not the generic 1e-3
        assertThat(m.get(2).cutoffLayer()).isNull();
        assertThat(m.get(2).hyperparameters().headLearningRate()).isEqualTo(1e-2);
        // the fourth (ensemble-plans-tiny-late): fine-tuning above the cut just below the top, not the TINY first cut
        assertThat(m.get(3).cutoffLayer()).isEqualTo(FMNIST_CUTS.get(FMNIST_CUTS.size() - 2));
        // the fifth (ensemble-plans-tiny-grow-late): a block grown at that same cut, frozen below it
        assertThat(m.get(4).strategy()).isEqualTo(Strategy.TRUNCATE_GROW);
        assertThat(m.get(4).cutoffLayer()).isEqualTo(FMNIST_CUTS.get(FMNIST_CUTS.size() - 2));
        assertThat(m.get(4).growBlocks()).isEqualTo(1);
        assertThat(m.get(4).hyperparameters().backboneLearningRate()).isEqualTo(0.0);
        // the sixth (ensemble-plans-tiny-linear-top): a softmax head on the frozen top cut, nothing below it trained
        assertThat(m.get(5).cutoffLayer()).isEqualTo(FMNIST_CUTS.get(FMNIST_CUTS.size() - 1));
        assertThat(m.get(5).head()).isEqualTo(io.transferadvisor.plan.HeadType.SOFTMAX);
        assertThat(m.get(5).growBlocks()).isZero();
        assertThat(m.get(5).hyperparameters().backboneLearningRate()).isEqualTo(0.0);
        // the members in the order the suite's trial key lists them, so the advised plan is the ensemble the suite measured
        assertThat(io.transferadvisor.bench.suite.TrialKey.of(p)).isEqualTo(io.transferadvisor.bench.suite.TrialKey.planEnsembles(FMNIST_CUTS).get(8));
        assertThat(io.transferadvisor.bench.suite.TrialKey.of(p)).isEqualTo(io.transferadvisor.bench.suite.TrialKey.tinyLinear(FMNIST_CUTS));
        // no augmentation for any member, as the suite ran them
        assertThat(m).allSatisfy(x -> assertThat(x.hyperparameters().augmentation().enabled()).isFalse());
        // the rules' TINY schedule for every member
        assertThat(m).allSatisfy(x -> assertThat(x.hyperparameters().maxEpochs()).isEqualTo(m.get(0).hyperparameters().maxEpochs()));
        assertThat(fired(d)).contains("ensemble-plans", "ensemble-plans-tiny-late", "ensemble-plans-tiny-grow-late", "ensemble-plans-tiny-linear-top",
                "cutoff-ensemble-first-cut").doesNotContain("cutoff-tiny-first-cut");
        assertThat(d.members()).hasSize(5);
        assertThat(firedIn(d.members().get(0))).contains("guard-member-request", "cutoff-member-request", "bn-frozen-member", "lr-frozen-backbone")
                .doesNotContain("ensemble-plans", "cutoff-latest-low-shift", "cutoff-first-layer");
        assertThat(firedIn(d.members().get(1))).contains("guard-member-request", "lr-from-scratch-member").doesNotContain("lr-from-scratch");
        // the late fine-tune takes the cut it was asked for, and the TINY first-cut rule stands aside
        assertThat(firedIn(d.members().get(2))).contains("guard-member-request", "cutoff-member-request")
                .doesNotContain("cutoff-tiny-first-cut", "ensemble-plans", "ensemble-plans-tiny-late");
        assertThat(firedIn(d.members().get(3))).contains("guard-member-request", "cutoff-member-request")
                .doesNotContain("cutoff-tiny-first-cut", "ensemble-plans-tiny-grow-late");
        // the head on the top cut is asked for as itself: the rules evaluated again propose it at that cut, no ensemble inside it
        assertThat(firedIn(d.members().get(4))).contains("guard-member-request", "cutoff-member-request")
                .doesNotContain("ensemble-plans", "ensemble-plans-tiny-linear-top");
    }

    @Test
    void onADifferentDomainTheGrownMemberRecalibratesAsTheTextbookSays() {
        var far = decide(profile().perClass(5).similarity(0.2).build());
        assertThat(far.plan().strategy()).isEqualTo(Strategy.ENSEMBLE);
        assertThat(far.plan().ensembleMembers().get(1).hyperparameters().batchNorm()).isEqualTo(BatchNormPolicy.RECALIBRATE);
        assertThat(firedIn(far.members().get(0))).doesNotContain("bn-frozen-member");
    }

    @Test
    void smallAndMediumDataAreEnsembledTooWhateverTheMatrixCellProposed() {
        // SMALL x MEDIUM: the matrix cell proposes FINETUNE_ALL; MEDIUM x HIGH: FINETUNE_ABOVE at the latest low-shift cut
        for (var p : List.of(profile().perClass(50).similarity(0.55).build(), profile().perClass(400).similarity(0.85).build())) {
            var d = decide(p);
            assertThat(d.plan().strategy()).isEqualTo(Strategy.ENSEMBLE);
            assertThat(d.plan().ensembleMembers()).extracting(Plan::strategy)
                    .containsExactly(Strategy.FINETUNE_ABOVE, Strategy.TRUNCATE_GROW, Strategy.FROM_SCRATCH);
            assertThat(d.plan().ensembleMembers().get(0).cutoffLayer()).isEqualTo(FMNIST_CUTS.get(0));
            assertThat(fired(d)).contains("ensemble-plans", "cutoff-ensemble-first-cut")
                    .doesNotContain("cutoff-new-labels-below-competitive", "cutoff-latest-low-shift", "ensemble-plans-tiny-late",
                            "ensemble-plans-tiny-linear-top");
        }
    }

    @Test
    void aFamiliarDomainOnTinyOrSmallDataAveragesFineTuningAboveTheCutBelowTheTopWithALinearHeadOnTheTop() {
        double familiar = threshold("similarity.familiar");
        for (int perClass : new int[] {5, 50}) {
            var d = decide(profile().perClass(perClass).similarity(familiar + 0.03).build());
            assertThat(d.plan().strategy()).as(perClass + " per class").isEqualTo(Strategy.ENSEMBLE);
            assertThat(Recommender.ofOneModel(d.plan())).isTrue();
            // the pair the suite measured (TrialKey#familiarPair), in that order
            assertThat(d.plan().ensembleMembers()).extracting(Recommender::signature).containsExactly(
                    "FINETUNE_ABOVE " + FMNIST_CUTS.get(FMNIST_CUTS.size() - 2), "LINEAR_FROZEN " + FMNIST_CUTS.get(FMNIST_CUTS.size() - 1));
            assertThat(io.transferadvisor.bench.suite.TrialKey.of(d.plan()))
                    .isEqualTo(io.transferadvisor.bench.suite.TrialKey.familiarPair(FMNIST_CUTS));
            assertThat(d.members()).hasSize(1);
            assertThat(fired(d)).contains("familiar-domain", "cutoff-familiar-below-top")
                    .doesNotContain("ensemble-plans", "cutoff-ensemble-first-cut", "cutoff-tiny-first-cut", "cutoff-new-labels-below-competitive", "cutoff-latest-low-shift");
        }
        // explain states the evidence and the ensemble it passed over, and the matrix's FINETUNE_ABOVE is not an alternative rejected
        var one = RuleTesting.recommender().recommend(List.of(profile().perClass(5).similarity(familiar + 0.03).build()), Recommender.Request.defaults("d"));
        Explanation ex = Explanation.of(one.audit());
        assertThat(ex.reasons()).anySatisfy(r -> assertThat(r).startsWith("a familiar domain: similarity " + Explanation.num(familiar + 0.03))
                .contains("[familiar-domain: similarity >= " + Explanation.num(familiar) + ", TINY or SMALL data]"));
        assertThat(ex.reasons()).anySatisfy(r -> assertThat(r).startsWith("ENSEMBLE of this model's plans: ")
                .contains("on a familiar domain the average lost less", "cost: 2 networks"));
        assertThat(ex.alternatives()).anySatisfy(a -> assertThat(a).startsWith("ENSEMBLE: the larger ENSEMBLE of this model's plans").endsWith("[reject-ensemble-plans-familiar]"))
                .noneSatisfy(a -> assertThat(a).contains("outranked by FINETUNE_ABOVE"));
        // just below the threshold, the ensemble as before
        var below = decide(profile().perClass(5).similarity(familiar - 0.01).build());
        assertThat(Recommender.ofOneModel(below.plan())).isTrue();
        assertThat(fired(below)).doesNotContain("familiar-domain");
        // MEDIUM data: no calibration run was this similar there, so the ensemble stays
        var medium = decide(profile().perClass(400).similarity(familiar + 0.03).build());
        assertThat(Recommender.ofOneModel(medium.plan())).isTrue();
        // a model above ensemble.maxParameters keeps the single-plan matrix
        var big = decide(profile().parameters((long) threshold("ensemble.maxParameters") + 1).perClass(5).similarity(familiar + 0.03).build());
        assertThat(fired(big)).doesNotContain("familiar-domain").contains("cutoff-tiny-first-cut");
        // two models, one familiar: the more similar alone (models.drl), with its own pair only; the other's five never train
        List<DatasetProfile> mixed = List.of(profile().model("model-a").perClass(5).similarity(familiar + 0.005).build(),
                profile().model("model-b").perClass(5).similarity(familiar - 0.005).accuracyOffset(-0.01).build());
        var rec = RuleTesting.recommender().recommend(mixed, Recommender.Request.defaults("d"));
        assertThat(rec.plan().models()).containsExactly("model-a");
        assertThat(rec.plan().strategy()).isEqualTo(Strategy.ENSEMBLE);
        assertThat(rec.plan().ensembleMembers()).hasSize(2).extracting(p -> p.models().get(0)).containsOnly("model-a");
        var other = RuleTesting.recommender().recommend(List.of(profile().model("model-a").perClass(5).similarity(familiar - 0.01).build(),
                profile().model("model-b").perClass(5).similarity(familiar - 0.005).accuracyOffset(-0.01).build()), Recommender.Request.defaults("d"));
        assertThat(other.plan().models()).containsExactly("model-b");
        assertThat(other.plan().ensembleMembers()).hasSize(6).extracting(p -> p.models().get(0)).containsOnly("model-b");
    }

    @Test
    void largeDataLargeModelsTwoCutsAndTheAutoencoderKeepASinglePlan() {
        // LARGE: 3,000 per class, 10 classes, 30,000 images on 400k parameters (75 per 1k)
        var large = decide(profile().classes(10).perClass(3000).similarity(0.85).build());
        assertThat(large.plan().strategy()).isNotEqualTo(Strategy.ENSEMBLE);
        assertThat(large.members()).isEmpty();
        // a model above ensemble.maxParameters (the zoo's ResNet50 has 23 million): unmeasured, a single plan, TINY data included
        double max = threshold("ensemble.maxParameters");
        var big = decide(profile().parameters((long) max + 1).perClass(5).similarity(0.85).build());
        assertThat(big.plan().strategy()).isEqualTo(Strategy.FINETUNE_ABOVE);
        assertThat(big.plan().cutoffLayer()).isEqualTo(FMNIST_CUTS.get(0));
        assertThat(fired(big)).contains("cutoff-tiny-first-cut").doesNotContain("ensemble-plans");
        assertThat(decide(profile().parameters((long) max).perClass(5).similarity(0.85).build()).plan().strategy()).isEqualTo(Strategy.ENSEMBLE);
        // TINY, different domain, many unlabelled images: the autoencoder guard decides, alone
        var ae = decide(profile().perClass(5).similarity(0.2).unlabelled(5000).build());
        assertThat(ae.plan().strategy()).isEqualTo(Strategy.AUTOENCODER_TRANSFER);
        assertThat(ae.members()).isEmpty();
        // a model with two candidate cuts has no middle cut below the top to grow on
        var two = decide(profile().layers(List.of("a", "b")).perClass(5).similarity(0.85).build());
        assertThat(two.plan().strategy()).isNotEqualTo(Strategy.ENSEMBLE);
    }

    @Test
    void withSeveralModelsThePickedModelIsExpandedWithItsOwnPlansOnly() {
        for (double offset : new double[] {-0.3, 0.0}) {
            // far apart or tied on the probe, equally similar: model-a alone (the better or first probe), its five plans, none of model-b's
            List<DatasetProfile> two = List.of(profile().model("model-a").perClass(5).similarity(0.85).build(),
                    profile().model("model-b").perClass(5).similarity(0.85).accuracyOffset(offset).build());
            var picked = RuleTesting.recommender().decide(two, Recommender.Request.defaults("d"));
            assertThat(picked.plan().strategy()).isEqualTo(Strategy.ENSEMBLE);
            assertThat(picked.plan().models()).containsOnly("model-a");
            assertThat(picked.plan().ensembleMembers()).hasSize(6).extracting(x -> x.models().get(0)).containsOnly("model-a");
            assertThat(Recommender.ofOneModel(picked.plan())).isTrue();
            assertThat(picked.members()).hasSize(5);
        }
    }

    @Test
    void theAuditTracesEveryMemberAndTheExplanationStatesTheCost() {
        var rec = RuleTesting.recommender().recommend(List.of(profile().perClass(5).similarity(0.85).build()),
                Recommender.Request.defaults("dataset.yaml"));
        assertThat(rec.audit().traces()).hasSize(6);
        assertThat(rec.audit().traces().get(1).model()).contains("ensemble member 2: TRUNCATE_GROW " + FMNIST_CUTS.get(2));
        // the members are not alternatives the plan rejected
        assertThat(rec.audit().rejected()).noneSatisfy(r -> assertThat(r.strategy()).isIn(Strategy.TRUNCATE_GROW, Strategy.FROM_SCRATCH,
                Strategy.FINETUNE_ABOVE));
        Explanation e = Explanation.of(rec.audit());
        assertThat(e.decision()).startsWith("ENSEMBLE").contains("FINETUNE_ABOVE " + FMNIST_CUTS.get(0) + " + TRUNCATE_GROW")
                .contains("+ FROM_SCRATCH + FINETUNE_ABOVE " + FMNIST_CUTS.get(3) + " + TRUNCATE_GROW " + FMNIST_CUTS.get(3) + " +1 block(s) + LINEAR_FROZEN "
                        + FMNIST_CUTS.get(4) + " on ");
        assertThat(e.reasons()).anySatisfy(r -> assertThat(r).startsWith("ENSEMBLE of this model's plans").contains("6 networks to train")
                .contains("[ensemble-plans, ensemble-plans-tiny-late, ensemble-plans-tiny-grow-late, ensemble-plans-tiny-linear-top]"));
        assertThat(Recommender.signature(rec.plan())).isEqualTo("ENSEMBLE of FINETUNE_ABOVE " + FMNIST_CUTS.get(0) + " + TRUNCATE_GROW "
                + FMNIST_CUTS.get(2) + " +1 block(s) + FROM_SCRATCH + FINETUNE_ABOVE " + FMNIST_CUTS.get(3) + " + TRUNCATE_GROW " + FMNIST_CUTS.get(3) + " +1 block(s)"
                + " + LINEAR_FROZEN " + FMNIST_CUTS.get(4));
    }

    @Test
    void theSuiteSplitsItsEnsembleTableWhereTheRulesCallTheDataTiny() {
        assertThat((double) io.transferadvisor.bench.suite.SuiteRunner.TINY_PER_CLASS).isEqualTo(threshold("size.small.perClass"));
    }
}
