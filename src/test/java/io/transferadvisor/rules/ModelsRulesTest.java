package io.transferadvisor.rules;

import static io.transferadvisor.rules.RuleTesting.decide;
import static io.transferadvisor.rules.RuleTesting.fired;
import static io.transferadvisor.rules.RuleTesting.profile;
import static org.assertj.core.api.Assertions.assertThat;

import io.transferadvisor.plan.Strategy;
import io.transferadvisor.rules.facts.RejectedModel;
import org.junit.jupiter.api.Test;

/** models.drl: several models are ensembled when no one is clearly best, else the best is used. */
class ModelsRulesTest {

    @Test
    void closeScoresAreEnsembled() {
        var d = decide(profile().model("a").perClass(100).similarity(0.9).build(),
                profile().model("b").perClass(100).similarity(0.9).accuracyOffset(-0.01).build(),
                profile().model("c").perClass(100).similarity(0.9).accuracyOffset(-0.2).build());
        assertThat(d.plan().strategy()).isEqualTo(Strategy.ENSEMBLE);
        assertThat(d.plan().models()).containsExactly("a", "b");
        assertThat(d.plan().ensembleMembers()).extracting(p -> p.models().get(0)).containsExactly("a", "b");
        assertThat(d.plan().ensembleMembers()).allSatisfy(p -> assertThat(p.strategy()).isEqualTo(Strategy.FINETUNE_ABOVE));
        assertThat(fired(d)).contains("models-ensemble", "models-ensemble-member", "models-reject-outscored");
        assertThat(d.selection().all(RejectedModel.class)).extracting(RejectedModel::model).containsExactly("c");
    }

    @Test
    void aClearWinnerIsUsedAlone() {
        var d = decide(profile().model("a").perClass(100).similarity(0.9).accuracyOffset(-0.2).build(),
                profile().model("b").perClass(100).similarity(0.9).build());
        assertThat(d.plan().strategy()).isEqualTo(Strategy.FINETUNE_ABOVE);
        assertThat(d.plan().models()).containsExactly("b");
        assertThat(fired(d)).contains("models-pick-best").doesNotContain("models-ensemble");
    }

    @Test
    void oneModelIsTheModel() {
        var d = decide(profile().model("solo").build());
        assertThat(d.plan().models()).containsExactly("solo");
        assertThat(fired(d)).contains("models-single");
    }
}
