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
        // what Counterfactuals and the suite's similarity-lead sweep filter by is what models-ensemble took
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
        double lead = EnsemblePlansRulesTest.threshold("models.similarityLead");
        double familiar = EnsemblePlansRulesTest.threshold("similarity.familiar");
        // b comes first, a is taken alone on its similarity lead: explain quotes a's similarity, so the domain counterfactual
        // must too (it once moved the first profile, and said "similarity >= 0.82, now 0.70" about b beside a's 0.80)
        var d = RuleTesting.recommender().recommend(List.of(profile().model("b").perClass(100).similarity(0.70).accuracyOffset(-0.01).build(),
                profile().model("a").perClass(100).similarity(0.70 + 2 * lead).build()), Recommender.Request.defaults("d.yaml"));
        assertThat(d.plan().models()).containsExactly("a");
        assertThat(d.audit().counterfactuals()).filteredOn(c -> c.change().equals("similarity") && c.text().contains("more similar"))
                .singleElement().satisfies(c -> {
                    assertThat(c.from()).isEqualTo(Counterfactuals.fmt2(0.70 + 2 * lead));
                    assertThat(c.to()).isEqualTo(Counterfactuals.fmt2(familiar));
                    assertThat(c.text()).startsWith("if the domain were more similar (a's similarity >= " + Counterfactuals.fmt2(familiar) + ", now "
                            + Counterfactuals.fmt2(0.70 + 2 * lead) + "; every model's moved by as much)");
                });
    }

    @Test
    void withinTheProbeGapTheModelWhoseSimilarityLeadsIsTakenAloneAndTheExplanationSaysSo() {
        double lead = EnsemblePlansRulesTest.threshold("models.similarityLead");
        // a and b tie on the probe; a leads b's similarity by twice the threshold; c reads the domain closest but is outscored
        var d = RuleTesting.recommender().recommend(List.of(profile().model("a").perClass(100).similarity(0.80 + 2 * lead).build(),
                profile().model("b").perClass(100).similarity(0.80).accuracyOffset(-0.01).build(),
                profile().model("c").perClass(100).similarity(0.99).accuracyOffset(-0.2).build()), Recommender.Request.defaults("d.yaml"));
        assertThat(d.plan().models()).containsExactly("a");
        assertThat(d.audit().selection()).extracting(f -> f.rule()).contains("models-similarity-lead", "models-reject-less-similar", "models-reject-outscored")
                .doesNotContain("models-ensemble");
        assertThat(Explanation.of(d.audit()).reasons().get(0)).startsWith("a alone: the models' probe accuracies are within ensemble.maxProbeGap (")
                .contains("a's overall similarity " + Explanation.num(0.80 + 2 * lead) + " leads b's " + Explanation.num(0.80) + " by models.similarityLead (" + Explanation.num(lead) + ") or more");
        assertThat(Explanation.of(d.audit()).alternatives()).anySatisfy(x -> assertThat(x).startsWith("model b: model not used: its overall similarity 0.800 is at least"));
        // what would change it: b's similarity within the lead gives the ensemble back, by a real rule evaluation
        assertThat(d.audit().counterfactuals()).anySatisfy(c -> {
            assertThat(c.change()).isEqualTo("similarity lead");
            assertThat(c.becomes()).isEqualTo("ENSEMBLE of a, b");
            assertThat(c.text()).startsWith("if b's overall similarity were " + Counterfactuals.fmt2(0.80 + lead + 0.01) + " or higher (now 0.80; within");
        });
        // moving the domain moves every model's similarity by as much, so the lead, and with it the choice of a, stays (setting every
        // model to one similarity, as the search once did, erased the lead and read as "more similar: the ensemble")
        assertThat(d.audit().counterfactuals()).filteredOn(c -> c.change().equals("similarity"))
                .allSatisfy(c -> assertThat(c.text()).contains("every model's moved by as much"))
                .noneSatisfy(c -> assertThat(c.becomes()).startsWith("ENSEMBLE of a, b"));
        // a lead below the threshold: the ensemble stays, and the counterfactual names the similarity that would end it
        var close = RuleTesting.recommender().recommend(List.of(profile().model("a").perClass(100).similarity(0.80 + lead / 2).build(),
                profile().model("b").perClass(100).similarity(0.80).accuracyOffset(-0.01).build()), Recommender.Request.defaults("d.yaml"));
        assertThat(close.plan().models()).containsExactly("a", "b");
        assertThat(close.audit().counterfactuals()).anySatisfy(c -> {
            assertThat(c.change()).isEqualTo("similarity lead");
            assertThat(c.becomes()).endsWith(" on a");
            assertThat(c.text()).startsWith("if b's overall similarity were " + Counterfactuals.fmt2(0.80 + lead / 2 - lead) + " or lower");
        });
    }

    @Test
    void oneModelIsTheModel() {
        var d = decide(profile().model("solo").build());
        assertThat(d.plan().models()).containsExactly("solo");
        assertThat(fired(d)).contains("models-single");
    }
}
