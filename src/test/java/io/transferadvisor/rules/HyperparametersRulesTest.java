package io.transferadvisor.rules;

import static io.transferadvisor.rules.RuleTesting.decideSinglePlan;
import static io.transferadvisor.rules.RuleTesting.profile;
import static org.assertj.core.api.Assertions.assertThat;

import io.transferadvisor.plan.BatchNormPolicy;
import io.transferadvisor.plan.ClassWeighting;
import io.transferadvisor.plan.Strategy;
import io.transferadvisor.rules.facts.BatchNormChoice;
import io.transferadvisor.rules.facts.LearningRates;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** hyperparameters.drl: rates, schedule, batch, weight decay, batch norm, augmentation, class weights. */
class HyperparametersRulesTest {

    @ParameterizedTest(name = "{0}/class sim {1}: {2} lr {3}/{4} by {5}")
    @CsvSource({
        "100,  0.9, FINETUNE_ABOVE, 0.01,  0.001,  lr-finetune-small-data",  // the suite's recipe rates (issue 8)
        "10,   0.6, FINETUNE_ABOVE, 0.01,  0.001,  lr-finetune-small-data",
        "10,   0.2, FINETUNE_ABOVE, 0.01,  0.001,  lr-finetune-small-data",
        "100,  0.6, FINETUNE_ALL,   0.01,  0.001,  lr-finetune-small-data",  // the rates plans.md ran (inverted 0.920)
        "36,   0.6, FINETUNE_ALL,   0.01,  0.001,  lr-finetune-small-data",
        "100,  0.2, FINETUNE_ABOVE, 0.01,  0.001,  lr-finetune-small-data",
        "400,  0.9, FINETUNE_ABOVE, 0.001, 0.0001, lr-finetune-similar",
        "400,  0.6, FINETUNE_ABOVE, 0.001, 0.0003, lr-finetune-shifted",
        "400,  0.2, FINETUNE_ALL,   0.001, 0.0003, lr-finetune-shifted",
        "3000, 0.2, FROM_SCRATCH,   0.001, 0.0,    lr-from-scratch",
    })
    void backboneLearnsSlowerThanTheHead(int perClass, double sim, Strategy strategy, double head, double backbone, String rule) {
        var d = decideSinglePlan(profile().perClass(perClass).similarity(sim).build());
        assertThat(RuleTesting.primary(d).strategy()).isEqualTo(strategy);
        assertThat(RuleTesting.primary(d).hyperparameters().headLearningRate()).isEqualTo(head);
        assertThat(RuleTesting.primary(d).hyperparameters().backboneLearningRate()).isEqualTo(backbone);
        assertThat(RuleTesting.insertersOf(d, LearningRates.class)).containsExactly(rule);
    }

    @ParameterizedTest(name = "{0}/class -> {1} epochs, patience {2}, batch {3}, decay {4}")
    @CsvSource({
        "10,   100, 15, 16, 0.0005",
        "100,  60,  5,  32, 0.0005",  // patience halved on the calibration tasks (docs/benchmarks/recipe-calibration.md)
        "400,  30,  3,  32, 0.0001",
        "3000, 15,  3,  64, 0.0001",
    })
    void scheduleAndBatchFollowTheSize(int perClass, int epochs, int patience, int batch, double decay) {
        var hp = decideSinglePlan(profile().perClass(perClass).build()).plan().hyperparameters();
        assertThat(hp.maxEpochs()).isEqualTo(epochs);
        assertThat(hp.patience()).isEqualTo(patience);
        assertThat(hp.batchSize()).isEqualTo(batch);
        assertThat(hp.weightDecay()).isEqualTo(decay);
    }

    @ParameterizedTest(name = "{0}/class sim {1} -> BN {2} by {3}")
    @CsvSource({
        "100, 0.9, FROZEN,      bn-frozen",
        "400, 0.6, RECALIBRATE, bn-recalibrate-shifted",
        "100, 0.2, TRAIN,       bn-train",  // SMALL x LOW fine-tunes since the suite's calibration (was TRUNCATE_GROW)
        "400, 0.2, TRAIN,       bn-train",
    })
    void batchNormPolicyFollowsTheShift(int perClass, double sim, BatchNormPolicy policy, String rule) {
        var d = decideSinglePlan(profile().perClass(perClass).similarity(sim).build());
        if (rule.equals("bn-train") && perClass == 100) {
            // and the frozen-backbone policy, on the textbook cell the shipped matrix no longer has
            var t = RuleTesting.decideTextbook(profile().perClass(perClass).similarity(sim).build());
            assertThat(t.plan().hyperparameters().batchNorm()).isEqualTo(BatchNormPolicy.RECALIBRATE);
            assertThat(RuleTesting.insertersOf(t, BatchNormChoice.class)).containsExactly("bn-recalibrate-frozen-backbone");
        }
        assertThat(RuleTesting.primary(d).hyperparameters().batchNorm()).isEqualTo(policy);
        assertThat(RuleTesting.insertersOf(d, BatchNormChoice.class)).containsExactly(rule);
    }

    @ParameterizedTest(name = "{0}/class sim {1}: augmentation {2}")
    @CsvSource({
        "100, 0.9, false",  // small data fine-tuned: no augmentation, as the suite measured it
        "10,  0.2, false",  // tiny data fine-tuned: no augmentation either
        "400, 0.9, false",  // enough data
    })
    void augmentationOnlyForSmallDataThatTrainsOnImages(int perClass, double sim, boolean enabled) {
        var aug = decideSinglePlan(profile().perClass(perClass).similarity(sim).build()).plan().hyperparameters().augmentation();
        assertThat(aug.enabled()).isEqualTo(enabled);
        assertThat(aug.horizontalFlip()).isFalse();
    }

    @ParameterizedTest(name = "imbalance {0} -> {1}")
    @CsvSource({"1.0, NONE", "2.9, NONE", "3.0, INVERSE_FREQUENCY", "8.0, INVERSE_FREQUENCY"})
    void classWeightsForImbalance(double ratio, ClassWeighting weighting) {
        var d = decideSinglePlan(ProfileEdits.withImbalance(profile().build(), ratio));
        assertThat(RuleTesting.primary(d).hyperparameters().classWeighting()).isEqualTo(weighting);
    }

    @ParameterizedTest(name = "dataset.yaml max_epochs {0} caps the schedule")
    @CsvSource({"5, 5, 5", "0, 60, 5", "200, 60, 5", "4, 4, 4"})
    void epochCapFromTheDatasetBudget(int cap, int epochs, int patience) {
        var req = new Recommender.Request("d.yaml", 10, cap, 1, null, null);
        var plan = RuleTesting.singlePlanRecommender().decide(java.util.List.of(profile().perClass(100).build()), req).plan();
        assertThat(plan.hyperparameters().maxEpochs()).isEqualTo(epochs);
        assertThat(plan.hyperparameters().patience()).isEqualTo(patience);
    }

    @ParameterizedTest(name = "{0}/class sim {1} overlap {2}: {3} lr {4}/{5} by {6}")
    @CsvSource({
        "100, 0.9, 0.1, FINETUNE_ABOVE, 0.01,  0.001,  lr-finetune-small-data",  // the calibrated cell (examples/default.yaml)
        "100, 0.9, 0.9, FINETUNE_ABOVE, 0.01,  0.001,  lr-finetune-small-data",  // shared labels fine-tune too since the suite
        "400, 0.9, 0.1, FINETUNE_ABOVE, 0.001, 0.0001, lr-finetune-similar",           // medium data: the generic rates
    })
    void smallDataWithNewLabelsFineTunesAtTheMeasuredRates(int perClass, double sim, double overlap, Strategy strategy, double head, double backbone, String rule) {
        var d = decideSinglePlan(profile().perClass(perClass).similarity(sim).overlap(overlap).build());
        assertThat(RuleTesting.primary(d).strategy()).isEqualTo(strategy);
        var hp = RuleTesting.primary(d).hyperparameters();
        assertThat(hp.headLearningRate()).isEqualTo(head);
        assertThat(hp.backboneLearningRate()).isEqualTo(backbone);
        assertThat(RuleTesting.insertersOf(d, LearningRates.class)).containsExactly(rule);
        if (perClass == 100) {
            // early stopping on the validation split; no augmentation (measured: shift + crop cost 1.4-2.2 points on two seeds)
            assertThat(hp.patience()).isEqualTo(5);
            assertThat(hp.augmentation().enabled()).isFalse();
            assertThat(RuleTesting.insertersOf(d, io.transferadvisor.rules.facts.AugmentationChoice.class)).containsExactly(
                    strategy == Strategy.FINETUNE_ABOVE ? "augment-none-small-fine-tuning" : "augment-none-linear");
        }
    }
}
