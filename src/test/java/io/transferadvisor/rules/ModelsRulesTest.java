package io.transferadvisor.rules;

import static io.transferadvisor.rules.RuleTesting.decide;
import static io.transferadvisor.rules.RuleTesting.fired;
import static io.transferadvisor.rules.RuleTesting.profile;
import static org.assertj.core.api.Assertions.assertThat;

import io.transferadvisor.plan.Strategy;
import io.transferadvisor.rules.facts.Rejected;
import io.transferadvisor.rules.facts.RejectedModel;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * models.drl: with several models the one with the best probe accuracy is taken alone, however close the others are
 * and whichever reads the domain as more similar; the ensemble of models is rejected with its cost stated.
 */
class ModelsRulesTest {

    @Test
    void closeScoresStillTakeTheTopModelAloneAndTheEnsembleIsRejected() {
        var d = decide(profile().model("a").perClass(100).similarity(0.85).build(),
                profile().model("b").perClass(100).similarity(0.85).accuracyOffset(-0.01).build(),
                profile().model("c").perClass(100).similarity(0.85).accuracyOffset(-0.2).build());
        assertThat(d.plan().models()).containsExactly("a");
        // the picked model alone, with its own plan: the ENSEMBLE of its plans (ensemble-plans), not of models
        assertThat(Recommender.ofOneModel(d.plan())).isTrue();
        assertThat(d.plan().ensembleMembers()).extracting(p -> p.models().get(0)).containsOnly("a");
        assertThat(fired(d)).contains("models-pick-best", "models-reject-outscored").doesNotContain("models-single");
        assertThat(d.selection().all(RejectedModel.class)).extracting(RejectedModel::model).containsExactlyInAnyOrder("b", "c");
        assertThat(d.selection().all(Rejected.class)).filteredOn(r -> r.reason().startsWith("ensembling")).singleElement().satisfies(r -> {
            assertThat(r.strategy()).isEqualTo(Strategy.ENSEMBLE);
            assertThat(r.reason()).startsWith("ensembling the 3 models is not recommended: it trains every model's plans")
                    .contains("runner-up b's probe accuracy");
        });
    }

    @Test
    void aMoreSimilarModelDoesNotOutrankTheProbe() {
        // b reads the domain as far closer to its source, a scores a point higher on the probe: a (the similarity lead is gone)
        var d = decide(profile().model("a").perClass(100).similarity(0.70).build(),
                profile().model("b").perClass(100).similarity(0.95).accuracyOffset(-0.01).build());
        assertThat(d.plan().models()).containsExactly("a");
        assertThat(fired(d)).contains("models-pick-best");
    }

    @Test
    void theExplanationSaysWhyAOverBAndWhatWouldFlipIt() {
        var d = RuleTesting.recommender().recommend(List.of(profile().model("a").perClass(100).similarity(0.85).build(),
                profile().model("b").perClass(100).similarity(0.85).accuracyOffset(-0.05).build()), Recommender.Request.defaults("d.yaml"));
        assertThat(d.plan().models()).containsExactly("a");
        double a = Recommender.bestScore(d.profiles().get(0))[0];
        double b = Recommender.bestScore(d.profiles().get(1))[0];
        assertThat(Explanation.of(d.audit()).reasons().get(0)).startsWith("a alone: its probe accuracy " + Explanation.num(a)
                + " is the best of the 2 models (runner-up b: " + Explanation.num(b) + ")");
        assertThat(Explanation.of(d.audit()).alternatives()).anySatisfy(x -> assertThat(x).startsWith("ENSEMBLE of models: ensembling the 2 models is not recommended"));
        assertThat(Explanation.of(d.audit()).alternatives()).anySatisfy(x -> assertThat(x).startsWith("model b: model not used: probe accuracy"));
        // what would change it: b's probe accuracy just above a's, found by a real rule evaluation, takes b with its own plan
        assertThat(d.audit().counterfactuals()).anySatisfy(c -> {
            assertThat(c.change()).isEqualTo("probe accuracy");
            assertThat(c.becomes()).endsWith(" on b");
            assertThat(c.text()).isEqualTo("if b's probe accuracy were " + Counterfactuals.fmt2(a + 0.01) + " or higher (now " + Counterfactuals.fmt2(b)
                    + "; above a's " + Counterfactuals.fmt2(a) + ") this becomes " + c.becomes());
        });
    }

    @Test
    void theDomainCounterfactualMovesAndQuotesTheChosenModelsSimilarity() {
        double familiar = EnsemblePlansRulesTest.threshold("similarity.familiar");
        // b comes first, a is taken on its probe accuracy: explain quotes a's similarity, so the domain counterfactual
        // must too (it once moved the first profile, and said "similarity >= 0.82, now 0.70" about b beside a's 0.80)
        var d = RuleTesting.recommender().recommend(List.of(profile().model("b").perClass(100).similarity(0.70).accuracyOffset(-0.01).build(),
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
    void oneModelIsTheModel() {
        var d = decide(profile().model("solo").build());
        assertThat(d.plan().models()).containsExactly("solo");
        assertThat(fired(d)).contains("models-single").doesNotContain("models-pick-best");
        assertThat(d.selection().all(Rejected.class)).extracting(Rejected::reason).noneMatch(r -> r.startsWith("ensembling"));
    }
}
