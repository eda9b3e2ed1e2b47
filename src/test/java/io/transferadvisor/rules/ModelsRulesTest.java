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
 * models.drl: with several models the one the target reads as closest to its source domain (highest overall similarity) is taken
 * alone, whatever the probe says; a tie goes to the better probe accuracy; the ensemble of models is rejected with its cost stated.
 */
class ModelsRulesTest {

    @Test
    void theMostSimilarModelIsTakenAloneEvenWhenAnotherProbesBetter() {
        var d = decide(profile().model("a").perClass(100).similarity(0.80).build(),
                profile().model("b").perClass(100).similarity(0.88).accuracyOffset(-0.1).build(),
                profile().model("c").perClass(100).similarity(0.60).accuracyOffset(+0.05).build());
        assertThat(d.plan().models()).containsExactly("b");
        // the picked model alone, with its own plan: the ENSEMBLE of its plans (ensemble-plans), not of models
        assertThat(Recommender.ofOneModel(d.plan())).isTrue();
        assertThat(d.plan().ensembleMembers()).extracting(p -> p.models().get(0)).containsOnly("b");
        assertThat(fired(d)).contains("models-pick-most-similar", "models-reject-less-similar").doesNotContain("models-single");
        assertThat(d.selection().all(RejectedModel.class)).extracting(RejectedModel::model).containsExactlyInAnyOrder("a", "c");
        assertThat(d.selection().all(Rejected.class)).filteredOn(r -> r.reason().startsWith("ensembling")).singleElement().satisfies(r -> {
            assertThat(r.strategy()).isEqualTo(Strategy.ENSEMBLE);
            assertThat(r.reason()).startsWith("ensembling the 3 models is not recommended: it trains every model's plans");
        });
    }

    @Test
    void theDerivedLeaderAndRunnersUpNameTheMostSimilarModelAndEachModelsMostSimilarOther() {
        var d = decide(profile().model("a").perClass(100).similarity(0.80).build(),
                profile().model("b").perClass(100).similarity(0.88).accuracyOffset(-0.1).build(),
                profile().model("c").perClass(100).similarity(0.60).accuracyOffset(+0.05).build());
        assertThat(d.selection().all(io.transferadvisor.rules.facts.SimilarityLeader.class)).extracting(io.transferadvisor.rules.facts.SimilarityLeader::model)
                .containsExactly("b");
        assertThat(d.selection().all(io.transferadvisor.rules.facts.RunnerUp.class)).containsExactlyInAnyOrder(
                new io.transferadvisor.rules.facts.RunnerUp("a", "b"), new io.transferadvisor.rules.facts.RunnerUp("b", "a"),
                new io.transferadvisor.rules.facts.RunnerUp("c", "b"));
        // equal similarities: the better probe rank leads, and is the other's runner-up
        var tied = decide(profile().model("a").perClass(100).similarity(0.85).accuracyOffset(-0.02).build(),
                profile().model("b").perClass(100).similarity(0.85).build(), profile().model("c").perClass(100).similarity(0.85).accuracyOffset(-0.04).build());
        assertThat(tied.selection().all(io.transferadvisor.rules.facts.SimilarityLeader.class)).extracting(io.transferadvisor.rules.facts.SimilarityLeader::model)
                .containsExactly("b");
        assertThat(tied.selection().all(io.transferadvisor.rules.facts.RunnerUp.class)).contains(
                new io.transferadvisor.rules.facts.RunnerUp("b", "a"), new io.transferadvisor.rules.facts.RunnerUp("c", "b"));
        // one model: nothing to lead or trail
        var one = decide(profile().model("a").perClass(100).similarity(0.85).build());
        assertThat(fired(one)).doesNotContain("models-similarity-leader", "models-runner-up");
    }

    @Test
    void aTieInSimilarityGoesToTheBetterProbe() {
        var d = decide(profile().model("a").perClass(100).similarity(0.85).accuracyOffset(-0.02).build(),
                profile().model("b").perClass(100).similarity(0.85).build());
        assertThat(d.plan().models()).containsExactly("b");
        var tied = decide(profile().model("b").perClass(100).similarity(0.85).build(), profile().model("a").perClass(100).similarity(0.85).build());
        assertThat(tied.plan().models()).containsExactly("a"); // everything equal: the first name, as the probe ranks ties
    }

    @Test
    void twoModelsWithinAHundredthFlipAtTheNextThousandthAndSayItInThreeDecimals() {
        // examples/default.yaml's two saved profiles read 0.897 (glyphs-cnn) and 0.890 (fmnist-cnn): a hundredth's step said
        // "0.91 or higher (now 0.89; above 0.90)", which hides that 0.898 already flips the choice
        var d = RuleTesting.recommender().recommend(List.of(profile().model("a").perClass(100).similarity(0.8973).build(),
                profile().model("b").perClass(100).similarity(0.8904).accuracyOffset(+0.05).build()), Recommender.Request.defaults("d.yaml"));
        assertThat(d.plan().models()).containsExactly("a");
        assertThat(d.audit().counterfactuals()).filteredOn(c -> c.change().equals("model similarity")).singleElement().satisfies(c -> {
            assertThat(c.to()).isEqualTo("0.898");
            assertThat(c.text()).startsWith("if b's overall similarity were 0.898 or higher (now 0.890; above a's 0.897) this becomes ")
                    .endsWith(" on b");
        });
        // the domain's own counterfactual: similarity.familiar (0.92 since stop 39) two decimals away from 0.897
        assertThat(d.audit().counterfactuals()).filteredOn(c -> c.change().equals("similarity"))
                .anySatisfy(c -> assertThat(c.text()).contains("(a's similarity >= 0.92, now 0.90; every model's moved by as much)"));
        // where two decimals would show the similarity as the threshold itself (0.9173 as 0.92), it says three
        var near = RuleTesting.recommender().recommend(List.of(profile().model("a").perClass(100).similarity(0.9173).build(),
                profile().model("b").perClass(100).similarity(0.9104).accuracyOffset(+0.05).build()), Recommender.Request.defaults("d.yaml"));
        assertThat(near.audit().counterfactuals()).filteredOn(c -> c.change().equals("similarity"))
                .anySatisfy(c -> assertThat(c.text()).contains("(a's similarity >= 0.92, now 0.917; every model's moved by as much)"));
        // a lead of 0.007 is a close call: explain says so, with what such calls cost on the suite, and the decision stays
        assertThat(d.audit().notes()).hasSize(2);
        assertThat(d.audit().notes().get(0)).startsWith("model-choice: a close call: a's overall similarity leads b's by 0.007 (0.897 against 0.890), under models.closeCall 0.05;")
                .contains("train the plan with each model (--models a, then --models b)").endsWith("[models-close-call]");
        // b's probe (and so its LogME, in these synthetic profiles) is the higher: the note says LogME prefers b, and what following it measured
        double logA = Recommender.bestLogme(d.profiles().get(0));
        double logB = Recommender.bestLogme(d.profiles().get(1));
        assertThat(logB).isGreaterThan(logA);
        assertThat(d.audit().notes().get(1)).startsWith(String.format(java.util.Locale.ROOT,
                        "model-choice: LogME, at each model's best layer, prefers b (%.3f against a's %.3f); ", logB, logA))
                .contains("+0.16 points per task", "[-0.24, +0.54]", "so the rules keep a").endsWith("[models-close-call-logme]");
        // where LogME agrees with similarity, only the close call is noted
        var agrees = RuleTesting.recommender().recommend(List.of(profile().model("a").perClass(100).similarity(0.8973).build(),
                profile().model("b").perClass(100).similarity(0.8904).accuracyOffset(-0.05).build()), Recommender.Request.defaults("d.yaml"));
        assertThat(agrees.plan().models()).containsExactly("a");
        assertThat(agrees.audit().notes()).singleElement().satisfies(n -> assertThat(n).endsWith("[models-close-call]"));
        // and the profile moved to it really is decided the other way
        var flipped = RuleTesting.recommender().recommend(List.of(profile().model("a").perClass(100).similarity(0.8973).build(),
                profile().model("b").perClass(100).similarity(0.898).accuracyOffset(+0.05).build()), Recommender.Request.defaults("d.yaml"));
        assertThat(flipped.plan().models()).containsExactly("b");
    }

    @Test
    void aCloseCallGoesToTheModelWhoseClassifierIsTheMoreConfident() {
        // b trails a by 0.007 in similarity (a close call, under models.closeCall 0.05) and b's classifier is the more confident: b
        var a = profile().model("a").perClass(100).similarity(0.8973).confidence(0.55).build();
        var b = profile().model("b").perClass(100).similarity(0.8904).confidence(0.72).build();
        var d = RuleTesting.recommender().recommend(List.of(a, b), Recommender.Request.defaults("d.yaml"));
        assertThat(d.plan().models()).containsExactly("b");
        assertThat(fired(decide(a, b))).contains("models-pick-confident-close-call").doesNotContain("models-pick-most-similar", "models-reject-less-similar",
                "models-close-call", "models-close-call-logme");
        assertThat(Explanation.of(d.audit()).reasons().get(0)).startsWith("b alone: a close call on overall similarity (0.890 against a's 0.897, within models.closeCall 0.05), "
                + "broken by the source classifier, which is the more confident on b's side (0.72 against 0.55)").contains("[models-pick-confident-close-call");
        assertThat(Explanation.of(d.audit()).alternatives()).anySatisfy(x -> assertThat(x).startsWith(
                "model a: model not used: overall similarity 0.897 leads b's 0.890 by under models.closeCall 0.05, a close call, and its classifier is the less confident on the target (0.550 against 0.720)"));
        // the same confidences past the close call: similarity decides, and a is taken
        var apart = decide(profile().model("a").perClass(100).similarity(0.95).confidence(0.55).build(),
                profile().model("b").perClass(100).similarity(0.8904).confidence(0.72).build());
        assertThat(apart.plan().models()).containsExactly("a");
        assertThat(fired(apart)).contains("models-pick-most-similar").doesNotContain("models-pick-confident-close-call");
        // a close call where the leader is the more confident: the leader, with the close-call note
        var leader = decide(profile().model("a").perClass(100).similarity(0.8973).confidence(0.72).build(),
                profile().model("b").perClass(100).similarity(0.8904).confidence(0.55).build());
        assertThat(leader.plan().models()).containsExactly("a");
        assertThat(fired(leader)).contains("models-pick-most-similar", "models-close-call").doesNotContain("models-pick-confident-close-call");
    }

    @Test
    void withThreeModelsOnlyTheRunnerUpCanTakeACloseCall() {
        // c is within the close call and the most confident, but b is the runner-up and less confident than a: a, not no model at all
        var a = profile().model("a").perClass(100).similarity(0.90).confidence(0.5).build();
        var c = profile().model("c").perClass(100).similarity(0.88).confidence(0.9).build();
        var keep = decide(a, profile().model("b").perClass(100).similarity(0.89).confidence(0.4).build(), c);
        assertThat(keep.plan().models()).containsExactly("a");
        assertThat(fired(keep)).contains("models-pick-most-similar").doesNotContain("models-pick-confident-close-call");
        // the runner-up more confident than the leader takes it, whatever the third says
        var take = decide(a, profile().model("b").perClass(100).similarity(0.89).confidence(0.7).build(), c);
        assertThat(take.plan().models()).containsExactly("b");
        assertThat(fired(take)).contains("models-pick-confident-close-call").doesNotContain("models-pick-most-similar");
    }

    @Test
    void theConfidenceThatWouldFlipACloseCallIsNamedAndNothingPastIt() {
        java.util.function.Function<Recommender.Recommendation, List<Audit.Counterfactual>> byConfidence =
                d -> d.audit().counterfactuals().stream().filter(c -> c.change().equals("model confidence")).toList();
        // the runner-up taken on its confidence (0.72 against 0.55): the leader's classifier at 0.721 would take it back
        var taken = RuleTesting.recommender().recommend(List.of(profile().model("a").perClass(100).similarity(0.8973).confidence(0.55).build(),
                profile().model("b").perClass(100).similarity(0.8904).confidence(0.72).build()), Recommender.Request.defaults("d.yaml"));
        assertThat(byConfidence.apply(taken)).singleElement().satisfies(c -> {
            assertThat(c.from()).isEqualTo("0.550");
            assertThat(c.to()).isEqualTo("0.721");
            assertThat(c.text()).startsWith("if a's source classifier were more confident on the target (mean top probability 0.721 or higher, now 0.550; "
                    + "above b's 0.720) this becomes ").endsWith(" on a");
        });
        // the leader kept (0.72 against 0.55): the runner-up at 0.721 would take the call
        var kept = RuleTesting.recommender().recommend(List.of(profile().model("a").perClass(100).similarity(0.8973).confidence(0.72).build(),
                profile().model("b").perClass(100).similarity(0.8904).confidence(0.55).build()), Recommender.Request.defaults("d.yaml"));
        assertThat(byConfidence.apply(kept)).singleElement().satisfies(c -> assertThat(c.text()).startsWith("if b's source classifier").endsWith(" on b"));
        // past the close call no confidence flips the choice: nothing is said
        var apart = RuleTesting.recommender().recommend(List.of(profile().model("a").perClass(100).similarity(0.95).confidence(0.55).build(),
                profile().model("b").perClass(100).similarity(0.8904).confidence(0.72).build()), Recommender.Request.defaults("d.yaml"));
        assertThat(byConfidence.apply(apart)).isEmpty();
    }

    @Test
    void theExplanationSaysWhyAOverBAndWhatWouldFlipIt() {
        var d = RuleTesting.recommender().recommend(List.of(profile().model("a").perClass(100).similarity(0.90).build(),
                profile().model("b").perClass(100).similarity(0.75).accuracyOffset(+0.05).build()), Recommender.Request.defaults("d.yaml"));
        assertThat(d.plan().models()).containsExactly("a");
        double a = Recommender.bestScore(d.profiles().get(0))[0];
        double b = Recommender.bestScore(d.profiles().get(1))[0];
        assertThat(Explanation.of(d.audit()).reasons().get(0)).startsWith("a alone: the target reads as closest to its source domain, overall similarity "
                + Explanation.num(0.90) + " (probe " + Explanation.num(a) + ") against b's " + Explanation.num(0.75) + " (probe " + Explanation.num(b) + ")")
                .contains("[models-pick-most-similar");
        assertThat(Explanation.of(d.audit()).alternatives()).anySatisfy(x -> assertThat(x).startsWith("ENSEMBLE of models: ensembling the 2 models is not recommended"));
        assertThat(Explanation.of(d.audit()).alternatives()).anySatisfy(x -> assertThat(x).startsWith("model b: model not used: overall similarity 0.750, below a's 0.900"));
        // what would change it: b's similarity just above a's, found by a real rule evaluation, takes b
        assertThat(d.audit().counterfactuals()).anySatisfy(c -> {
            assertThat(c.change()).isEqualTo("model similarity");
            assertThat(c.becomes()).endsWith(" on b");
            assertThat(c.text()).isEqualTo("if b's overall similarity were 0.901 or higher (now 0.750; above a's 0.900) this becomes " + c.becomes());
        });
        // a lead of 0.15 is no close call, whatever LogME prefers (b's is the higher here)
        assertThat(d.audit().notes()).noneMatch(n -> n.contains("close call") || n.contains("LogME"));
        // moving the domain moves every model's similarity by as much: the choice of a stays
        assertThat(d.audit().counterfactuals()).filteredOn(c -> c.change().equals("similarity"))
                .allSatisfy(c -> assertThat(c.text()).contains("every model's moved by as much"))
                .noneSatisfy(c -> assertThat(c.becomes()).endsWith(" on b"));
    }

    @Test
    void theDomainCounterfactualMovesAndQuotesTheChosenModelsSimilarity() {
        double familiar = EnsemblePlansRulesTest.threshold("similarity.familiar");
        // b comes first, a is taken on its similarity: explain quotes a's similarity, so the domain counterfactual
        // must too (it once moved the first profile, and said "similarity >= 0.82, now 0.70" about b beside a's 0.80)
        var d = RuleTesting.recommender().recommend(List.of(profile().model("b").perClass(100).similarity(0.70).build(),
                profile().model("a").perClass(100).similarity(0.80).accuracyOffset(-0.01).build()), Recommender.Request.defaults("d.yaml"));
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
        assertThat(fired(d)).contains("models-single").doesNotContain("models-pick-most-similar", "models-reject-less-similar");
        assertThat(d.selection().all(Rejected.class)).extracting(Rejected::reason).noneMatch(r -> r.startsWith("ensembling"));
    }
}
