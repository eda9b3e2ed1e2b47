package io.transferadvisor.rules;

import static io.transferadvisor.rules.RuleTesting.decide;
import static io.transferadvisor.rules.RuleTesting.fired;
import static io.transferadvisor.rules.RuleTesting.profile;
import static org.assertj.core.api.Assertions.assertThat;

import io.transferadvisor.plan.Strategy;
import io.transferadvisor.rules.facts.RejectedModel;
import java.util.List;
import org.junit.jupiter.api.Test;

/** models.drl: several models are ensembled when no one is clearly best, else the best is used. */
class ModelsRulesTest {

    @Test
    void closeScoresAreEnsembled() {
        var d = decide(profile().model("a").perClass(100).similarity(0.85).build(),
                profile().model("b").perClass(100).similarity(0.85).accuracyOffset(-0.01).build(),
                profile().model("c").perClass(100).similarity(0.85).accuracyOffset(-0.2).build());
        assertThat(d.plan().strategy()).isEqualTo(Strategy.ENSEMBLE);
        assertThat(d.plan().models()).containsExactly("a", "b");
        // each ensembled model with all three of its plans (guards.drl ensemble-plans), c's none
        assertThat(d.plan().ensembleMembers()).extracting(p -> p.models().get(0)).containsExactly("a", "a", "a", "b", "b", "b");
        assertThat(d.plan().ensembleMembers()).extracting(p -> p.strategy()).containsExactly(Strategy.FINETUNE_ABOVE, Strategy.TRUNCATE_GROW,
                Strategy.FROM_SCRATCH, Strategy.FINETUNE_ABOVE, Strategy.TRUNCATE_GROW, Strategy.FROM_SCRATCH);
        assertThat(fired(d)).contains("models-ensemble", "models-ensemble-member", "models-reject-outscored");
        assertThat(d.selection().all(RejectedModel.class)).extracting(RejectedModel::model).containsExactly("c");
    }

    @Test
    void theJavaProbeGapFilterTakesTheModelsTheRuleEnsembles() {
        double gap = EnsemblePlansRulesTest.threshold("ensemble.maxProbeGap");
        var profiles = List.of(profile().model("a").perClass(100).similarity(0.85).accuracyOffset(-(gap - 1) / 100).build(),
                profile().model("b").perClass(100).similarity(0.85).build(),
                profile().model("c").perClass(100).similarity(0.85).accuracyOffset(-(gap + 1) / 100).build());
        java.util.Map<String, Double> probe = new java.util.LinkedHashMap<>();
        profiles.forEach(p -> probe.put(p.model(), Recommender.bestScore(p)[0]));
        var d = decide(profiles.toArray(io.transferadvisor.probe.DatasetProfile[]::new));
        // what the suite's similarity-lead sweep filters by is what models-ensemble took
        assertThat(Recommender.withinProbeGap(probe, gap)).containsExactly("a", "b").containsExactlyInAnyOrderElementsOf(d.plan().models());
        assertThat(Recommender.withinProbeGap(probe, gap + 2)).containsExactly("a", "b", "c");
        assertThat(Recommender.withinProbeGap(java.util.Map.<String, Double>of(), gap)).isEmpty();
    }

    @Test
    void aClearWinnerIsUsedAlone() {
        var d = decide(profile().model("a").perClass(100).similarity(0.85).accuracyOffset(-0.2).build(),
                profile().model("b").perClass(100).similarity(0.85).build());
        // the picked model alone, with its own plan: the ENSEMBLE of its three plans (ensemble-plans), not of models
        assertThat(d.plan().strategy()).isEqualTo(Strategy.ENSEMBLE);
        assertThat(Recommender.ofOneModel(d.plan())).isTrue();
        assertThat(d.plan().models()).containsExactly("b");
        assertThat(fired(d)).contains("models-pick-best").doesNotContain("models-ensemble");
    }

    @Test
    void theExplanationSaysWhyAOverBWithTheGapAndTheThreshold() {
        double gap = EnsemblePlansRulesTest.threshold("ensemble.maxProbeGap");
        // b is more than the threshold below a: a alone, and the reason names both scores and the threshold
        var apart = RuleTesting.recommender().recommend(List.of(profile().model("a").perClass(100).similarity(0.85).build(),
                profile().model("b").perClass(100).similarity(0.85).accuracyOffset(-(gap + 3) / 100).build()), Recommender.Request.defaults("d.yaml"));
        assertThat(apart.plan().models()).containsExactly("a");
        assertThat(Explanation.of(apart.audit()).reasons().get(0)).startsWith("a alone: its probe accuracy ")
                .contains("more than ensemble.maxProbeGap (" + Explanation.num(gap) + ") points above the runner-up b's");
        // within the threshold: the ensemble, its cost stated
        var close = RuleTesting.recommender().recommend(List.of(profile().model("a").perClass(100).similarity(0.85).build(),
                profile().model("b").perClass(100).similarity(0.85).accuracyOffset(-(gap - 3) / 100).build()), Recommender.Request.defaults("d.yaml"));
        assertThat(close.plan().strategy()).isEqualTo(Strategy.ENSEMBLE);
        assertThat(Explanation.of(close.audit()).reasons().get(0)).startsWith("ENSEMBLE: no clear winner: runner-up b's probe accuracy")
                .contains("within ensemble.maxProbeGap (" + Explanation.num(gap) + ") points of a's")
                .contains("each model with all 3 of its plans; cost: 6 networks to train and to run on every image, about 6x one plan's time");
        // what would change it: each side names the runner-up's probe accuracy at which the choice flips, found by a real rule evaluation
        assertThat(close.audit().counterfactuals()).anySatisfy(c -> {
            assertThat(c.change()).isEqualTo("probe gap");
            assertThat(c.becomes()).startsWith("ENSEMBLE of FINETUNE_ABOVE").endsWith(" on a");
            assertThat(c.text()).startsWith("if b's probe accuracy were ").contains(" or lower (now ").contains("points below a's");
        });
        assertThat(apart.audit().counterfactuals()).anySatisfy(c -> {
            assertThat(c.becomes()).isEqualTo("ENSEMBLE of a, b");
            assertThat(c.text()).contains(" or higher (now ").contains("within " + Counterfactuals.fmt2(gap) + " points of a's");
        });
    }

    @Test
    void theDomainCounterfactualMovesAndQuotesTheChosenModelsSimilarity() {
        double gap = EnsemblePlansRulesTest.threshold("ensemble.maxProbeGap");
        double familiar = EnsemblePlansRulesTest.threshold("similarity.familiar");
        // b comes first, a is taken alone on its probe lead: explain quotes a's similarity, so the domain counterfactual
        // must too (it once moved the first profile, and said "similarity >= 0.82, now 0.70" about b beside a's 0.80)
        var d = RuleTesting.recommender().recommend(List.of(profile().model("b").perClass(100).similarity(0.70).accuracyOffset(-(gap + 5) / 100).build(),
                profile().model("a").perClass(100).similarity(0.80).build()), Recommender.Request.defaults("d.yaml"));
        assertThat(d.plan().models()).containsExactly("a");
        assertThat(d.audit().counterfactuals()).filteredOn(c -> c.change().equals("similarity") && c.text().contains("more similar"))
                .singleElement().satisfies(c -> {
                    assertThat(c.from()).isEqualTo(Counterfactuals.fmt2(0.80));
                    assertThat(c.to()).isEqualTo(Counterfactuals.fmt2(familiar));
                    assertThat(c.text()).startsWith("if the domain were more similar (a's similarity >= " + Counterfactuals.fmt2(familiar) + ", now "
                            + Counterfactuals.fmt2(0.80) + "; every model's moved by as much)");
                });
    }

    @Test
    void withinTheProbeGapTheModelsAreEnsembledWhateverTheirSimilarity() {
        // models-similarity-lead took a model alone here until 2026-12-01, when it lost its interval test on 31 calibration
        // tasks: a similarity lead of 0.3 no longer decides, the probe gap does
        var d = RuleTesting.recommender().recommend(List.of(profile().model("a").perClass(100).similarity(0.95).build(),
                profile().model("b").perClass(100).similarity(0.65).accuracyOffset(-0.01).build()), Recommender.Request.defaults("d.yaml"));
        assertThat(d.plan().strategy()).isEqualTo(Strategy.ENSEMBLE);
        assertThat(d.plan().models()).containsExactly("a", "b");
        assertThat(d.audit().selection()).extracting(f -> f.rule()).containsOnly("models-ensemble", "models-ensemble-member");
        assertThat(Explanation.of(d.audit()).reasons().get(0)).startsWith("ENSEMBLE: no clear winner: runner-up b's probe accuracy");
        assertThat(d.audit().counterfactuals()).extracting(c -> c.change()).doesNotContain("similarity lead");
    }

    @Test
    void oneModelIsTheModel() {
        var d = decide(profile().model("solo").build());
        assertThat(d.plan().models()).containsExactly("solo");
        assertThat(fired(d)).contains("models-single");
    }
}
