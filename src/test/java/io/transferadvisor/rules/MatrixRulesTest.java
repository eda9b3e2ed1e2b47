package io.transferadvisor.rules;

import static io.transferadvisor.rules.RuleTesting.decideSinglePlan;
import static io.transferadvisor.rules.RuleTesting.profile;
import static org.assertj.core.api.Assertions.assertThat;

import io.transferadvisor.plan.HeadType;
import io.transferadvisor.plan.Strategy;
import io.transferadvisor.rules.facts.Proposal;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** matrix.drl.csv: each size x similarity cell, its rule id and the plan it leads to. */
class MatrixRulesTest {

    @ParameterizedTest(name = "{0} per class, similarity {1} -> {3} {4}")
    @CsvSource({
        // TINY x HIGH/MEDIUM and SMALL x HIGH: the textbook's linear classifiers, changed by the suite's calibration (issue 8)
        "10,   0.9, matrix-tiny-high,     FINETUNE_ABOVE, SOFTMAX, 0",
        "10,   0.6, matrix-tiny-medium,   FINETUNE_ABOVE, SOFTMAX, 0",
        "10,   0.2, matrix-tiny-low,      FINETUNE_ABOVE, SOFTMAX, 0",  // unmeasured: the best fixed policy on calibration
        "100,  0.9, matrix-small-high,    FINETUNE_ABOVE, SOFTMAX, 0",
        "100,  0.6, matrix-small-medium,  FINETUNE_ALL,   SOFTMAX, 0",  // calibrated: docs/benchmarks/plans.md inverted/glyphs
        "20,   0.6, matrix-small-medium,  FINETUNE_ALL,   SOFTMAX, 0",
        "19,   0.6, matrix-tiny-medium,   FINETUNE_ABOVE, SOFTMAX, 0",
        "100,  0.2, matrix-small-low,     FINETUNE_ABOVE, SOFTMAX, 0",  // unmeasured: the best fixed policy on calibration
        "400,  0.9, matrix-medium-high,   FINETUNE_ABOVE, SOFTMAX, 0",
        "400,  0.6, matrix-medium-medium, FINETUNE_ABOVE, SOFTMAX, 0",
        "400,  0.2, matrix-medium-low,    FINETUNE_ALL,   SOFTMAX, 0",
        "3000, 0.9, matrix-large-high,    FINETUNE_ABOVE, SOFTMAX, 0",
        "3000, 0.6, matrix-large-medium,  FINETUNE_ALL,   SOFTMAX, 0",
        "3000, 0.2, matrix-large-low,     FROM_SCRATCH,   SOFTMAX, 0",
    })
    void eachCellChoosesItsStrategy(int perClass, double sim, String rule, Strategy strategy, HeadType head, int grow) {
        var d = decideSinglePlan(profile().perClass(perClass).similarity(sim).build());
        assertThat(RuleTesting.insertersOf(d, Proposal.class)).containsExactly(rule);
        assertThat(RuleTesting.primary(d).strategy()).isEqualTo(strategy);
        assertThat(RuleTesting.primary(d).head()).isEqualTo(head);
        assertThat(RuleTesting.primary(d).growBlocks()).isEqualTo(grow);
        assertThat(RuleTesting.fired(d)).contains("select-strategy");
    }
}
