package io.transferadvisor.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferadvisor.UsageException;
import io.transferadvisor.plan.PlanOverrides;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Typed plan edits: each with... changes one aspect, keeps the rest, and is validated like any plan. */
class PlanEditsTest {
    static final Hyperparameters HP = new Hyperparameters(1e-2, 1e-3, 30, 15, 16, 5e-4, BatchNormPolicy.FROZEN, Augmentation.NONE, ClassWeighting.NONE);

    static Plan plan(Strategy s, String cut, int grow) {
        return new Plan(Plan.SCHEMA_VERSION, "d.yaml", List.of("m"), s, cut, HeadType.SOFTMAX, grow, HP, null, List.of(), 7, 5, List.of("note"));
    }

    @Test
    void eachEditChangesOneThingAndKeepsTheRest() {
        Plan p = plan(Strategy.FINETUNE_ABOVE, "b2", 0);
        Plan g = p.withShape(Strategy.TRUNCATE_GROW, "b3", 1);
        assertThat(g.strategy()).isEqualTo(Strategy.TRUNCATE_GROW);
        assertThat(g.cutoffLayer()).isEqualTo("b3");
        assertThat(g.growBlocks()).isEqualTo(1);
        assertThat(g.withShape(p.strategy(), p.cutoffLayer(), p.growBlocks())).isEqualTo(p);
        assertThat(p.withDataset("/abs/d.yaml").dataset()).isEqualTo("/abs/d.yaml");
        assertThat(p.withBudgetMinutes(2).budgetMinutes()).isEqualTo(2.0);
        assertThat(p.withOverrides(List.of("x")).overrides()).containsExactly("x");
        assertThat(p.withDataset("/abs/d.yaml").withDataset("d.yaml")).isEqualTo(p);
        Hyperparameters h = HP.withMaxEpochs(10);
        assertThat(h.maxEpochs()).isEqualTo(10);
        assertThat(h.patience()).isEqualTo(10); // patience never above the cap
        assertThat(HP.withMaxEpochs(40).patience()).isEqualTo(15);
        assertThat(HP.withLearningRates(1e-3, 0).headLearningRate()).isEqualTo(1e-3);
        assertThat(HP.withLearningRates(1e-3, 0).withLearningRates(1e-2, 1e-3)).isEqualTo(HP);
    }

    @Test
    void aScheduleOverrideSetsOrRemovesTheScheduleAndSaysSo() {
        Plan p = plan(Strategy.FINETUNE_ABOVE, "b2", 0);
        Plan c = new PlanOverrides(null, null, null, null, null, null, "one-cycle:12:2").apply(p);
        assertThat(c.hyperparameters().learningRateSchedule()).isEqualTo(new LrSchedule(LrSchedule.Kind.ONE_CYCLE, 12, 2.0));
        assertThat(c.hyperparameters().withLearningRateSchedule(null)).isEqualTo(p.hyperparameters());
        assertThat(c.overrides()).contains("learningRateSchedule=one cycle of 12 epochs, x0.2 up to x2, down to x0.02 (was constant)");
        Plan back = new PlanOverrides(null, null, null, null, null, null, "Constant").apply(c);
        assertThat(back.hyperparameters()).isEqualTo(p.hyperparameters());
        assertThat(back.overrides()).last().isEqualTo("learningRateSchedule=constant (was one cycle of 12 epochs, x0.2 up to x2, down to x0.02)");
        assertThat(new PlanOverrides(null, null, null, null, null, null, "warmup:3").apply(p).hyperparameters().learningRateSchedule())
                .isEqualTo(new LrSchedule(LrSchedule.Kind.WARMUP, 3, 1.0));
        assertThat(new PlanOverrides(null, null, null, null, null, null, "constant").apply(p).overrides()).isEqualTo(p.overrides());
        assertThatThrownBy(() -> new PlanOverrides(null, null, null, null, null, null, "warmup")).isInstanceOf(UsageException.class)
                .hasMessageContaining("expected warmup:EPOCHS");
        assertThat(new PlanOverrides(null, null, null, null, null, null, "ONE_CYCLE:12").apply(p).hyperparameters().learningRateSchedule())
                .isEqualTo(new LrSchedule(LrSchedule.Kind.ONE_CYCLE, 12, 1.0)); // the plan file's spelling too
        assertThatThrownBy(() -> new PlanOverrides(null, null, null, null, null, null, "one-cycle:12:")).isInstanceOf(UsageException.class)
                .hasMessageContaining("PEAK '' is not a number");
    }

    @Test
    void anEditThatMakesAnInvalidPlanIsRefusedLikeAnyPlan() {
        Plan p = plan(Strategy.FINETUNE_ABOVE, "b2", 0);
        assertThatThrownBy(() -> p.withShape(Strategy.TRUNCATE_GROW, "b3", 0)).isInstanceOf(PlanException.class).hasMessageContaining("growBlocks");
        assertThatThrownBy(() -> p.withShape(Strategy.LINEAR_FROZEN, null, 0)).isInstanceOf(PlanException.class).hasMessageContaining("cutoffLayer");
        assertThatThrownBy(() -> p.withBudgetMinutes(0)).isInstanceOf(PlanException.class).hasMessageContaining("budgetMinutes");
    }

    @Test
    void anOverrideCanTakeAnEnsembleApartIntoOneStrategy() {
        Plan a = plan(Strategy.FINETUNE_ABOVE, "b2", 0);
        Plan b = plan(Strategy.FINETUNE_ALL, null, 0);
        Plan ens = plan(Strategy.FINETUNE_ALL, null, 0).withEnsembleMembers(List.of(a, b)).withShape(Strategy.ENSEMBLE, null, 0);
        Plan one = new PlanOverrides(Strategy.FINETUNE_ABOVE, "b3", null, null, null, 12).apply(ens);
        assertThat(one.strategy()).isEqualTo(Strategy.FINETUNE_ABOVE);
        assertThat(one.ensembleMembers()).isEmpty();
        assertThat(one.hyperparameters().maxEpochs()).isEqualTo(12);
        assertThat(one.overrides()).contains("strategy=FINETUNE_ABOVE (was ENSEMBLE)", "maxEpochs=12 (was 30)");
    }

    @Test
    void anOverrideTheStrategyWouldNotReadIsRefusedAndAStaleCutIsDropped() {
        Plan above = plan(Strategy.FINETUNE_ABOVE, "b2", 0);
        Plan all = new PlanOverrides(Strategy.FINETUNE_ALL, null, null, null, null, null).apply(above);
        assertThat(all.cutoffLayer()).isNull(); // the run's record must not show a cut nothing used
        assertThat(all.overrides()).contains("cutoffLayer=none (was b2; FINETUNE_ALL takes none)");
        assertThatThrownBy(() -> new PlanOverrides(Strategy.FINETUNE_ALL, "b3", null, null, null, null).apply(above))
                .isInstanceOf(UsageException.class).hasMessageContaining("--cutoff b3: strategy FINETUNE_ALL takes no cutoff layer");
        Plan ens = plan(Strategy.FINETUNE_ALL, null, 0).withEnsembleMembers(List.of(above, plan(Strategy.FINETUNE_ALL, null, 0)))
                .withShape(Strategy.ENSEMBLE, null, 0);
        assertThatThrownBy(() -> new PlanOverrides(null, "b3", null, null, null, null).apply(ens))
                .isInstanceOf(UsageException.class).hasMessageContaining("each member has its own");
        Plan linear = plan(Strategy.LINEAR_FROZEN, "b3", 0).withHyperparameters(HP.withLearningRates(0.01, 0));
        assertThatThrownBy(() -> new PlanOverrides(null, null, null, null, 0.001, null).apply(linear))
                .isInstanceOf(UsageException.class).hasMessageContaining("LINEAR_FROZEN trains no pretrained backbone layer (it stays frozen)");
        assertThatThrownBy(() -> new PlanOverrides(Strategy.FROM_SCRATCH, null, null, null, 0.001, null).apply(linear))
                .isInstanceOf(UsageException.class).hasMessageContaining("learns at the head rate");
        assertThat(new PlanOverrides(Strategy.FINETUNE_ABOVE, null, null, null, 0.001, null).apply(linear).hyperparameters()
                .backboneLearningRate()).isEqualTo(0.001);
        assertThatThrownBy(() -> new PlanOverrides(null, null, List.of("b1_conv"), null, null, null).apply(linear))
                .isInstanceOf(UsageException.class).hasMessageContaining("--freeze: strategy LINEAR_FROZEN trains no layer of the model");
        assertThatThrownBy(() -> new PlanOverrides(null, null, List.of("b1_conv"), null, null, null).apply(ens))
                .isInstanceOf(UsageException.class).hasMessageContaining("runs its members' own plans");
        // AUTOENCODER_TRANSFER reads a cut (where its encoder ends): taken, and kept through other overrides
        Plan ae = plan(Strategy.AUTOENCODER_TRANSFER, "b3", 0);
        assertThat(new PlanOverrides(null, "b2", null, null, null, null).apply(ae).cutoffLayer()).isEqualTo("b2");
        assertThat(new PlanOverrides(null, null, null, null, null, 3).apply(ae).cutoffLayer()).isEqualTo("b3");
        assertThat(new PlanOverrides(Strategy.AUTOENCODER_TRANSFER, null, null, null, null, null).apply(above).cutoffLayer()).isEqualTo("b2");
    }

    @Test
    void anEnsemblesBackboneRateGoesToTheMembersThatFineTuneAndIsRefusedWhereNoneDoes() {
        Plan above = plan(Strategy.FINETUNE_ABOVE, "b2", 0);
        Plan linear = plan(Strategy.LINEAR_FROZEN, "b3", 0).withHyperparameters(HP.withLearningRates(0.01, 0));
        Plan ens = plan(Strategy.FINETUNE_ALL, null, 0).withEnsembleMembers(List.of(above, linear)).withShape(Strategy.ENSEMBLE, null, 0);
        Plan o = new PlanOverrides(null, null, null, null, 0.0005, null).apply(ens);
        assertThat(o.ensembleMembers().get(0).hyperparameters().backboneLearningRate()).isEqualTo(0.0005);
        assertThat(o.ensembleMembers().get(1).hyperparameters().backboneLearningRate()).isEqualTo(0.0); // frozen: not shown as trained
        assertThat(o.hyperparameters()).isEqualTo(o.ensembleMembers().get(0).hyperparameters()); // the copy still matches its member
        assertThatThrownBy(() -> new PlanOverrides(null, null, null, null, 0.0, null).apply(ens)).isInstanceOf(UsageException.class)
                .hasMessageContaining("members that fine-tune their backbone");
        Plan linears = plan(Strategy.FINETUNE_ALL, null, 0).withHyperparameters(linear.hyperparameters())
                .withEnsembleMembers(List.of(linear, linear)).withShape(Strategy.ENSEMBLE, null, 0);
        assertThatThrownBy(() -> new PlanOverrides(null, null, null, null, 0.001, null).apply(linears)).isInstanceOf(UsageException.class)
                .hasMessageContaining("no member of this ensemble trains a pretrained backbone layer");
    }

    @Test
    void anEnsemblesMembersGetTheHyperparameterOverridesTheyTrainWith() {
        Plan a = plan(Strategy.FINETUNE_ABOVE, "b2", 0);
        Plan b = plan(Strategy.LINEAR_FROZEN, "b3", 0).withHyperparameters(HP.withLearningRates(0.05, 0));
        Plan ens = plan(Strategy.FINETUNE_ALL, null, 0).withEnsembleMembers(List.of(a, b)).withShape(Strategy.ENSEMBLE, null, 0);
        Plan o = new PlanOverrides(null, null, null, 0.002, null, 7, "warmup:2").apply(ens);
        assertThat(o.strategy()).isEqualTo(Strategy.ENSEMBLE);
        assertThat(o.ensembleMembers()).hasSize(2).allSatisfy(m -> {
            assertThat(m.hyperparameters().maxEpochs()).isEqualTo(7);
            assertThat(m.hyperparameters().headLearningRate()).isEqualTo(0.002);
            assertThat(m.hyperparameters().learningRateSchedule()).isEqualTo(new LrSchedule(LrSchedule.Kind.WARMUP, 2, 1.0));
        });
        assertThat(o.ensembleMembers().get(1).hyperparameters().backboneLearningRate()).isEqualTo(0.0); // not overridden: kept per member
        assertThat(o.ensembleMembers().get(0).hyperparameters().backboneLearningRate()).isEqualTo(1e-3);
        assertThat(o.overrides()).contains("headLearningRate=0.002 (was 0.01)", "maxEpochs=7 (was 30)");
    }

    @Test
    void aStrategyOverrideThatNeedsACutOnAPlanWithoutOneAsksForCutoff() {
        Plan all = plan(Strategy.FINETUNE_ALL, null, 0);
        assertThatThrownBy(() -> new PlanOverrides(Strategy.LINEAR_FROZEN, null, null, null, null, null).apply(all))
                .isInstanceOf(UsageException.class)
                .hasMessage("--strategy LINEAR_FROZEN needs a cutoff layer and the plan (FINETUNE_ALL) has none; add --cutoff LAYER"
                        + " (the candidate layers are in the profile and in 'advisor models')");
        assertThat(new PlanOverrides(Strategy.LINEAR_FROZEN, "b3", null, null, null, null).apply(all).cutoffLayer()).isEqualTo("b3");
    }

    @Test
    void freezeIsWrittenOnlyWhenSetAndReadBack() {
        Plan p = plan(Strategy.FINETUNE_ALL, null, 0);
        assertThat(PlanIO.toYaml(p)).doesNotContain("freeze");
        assertThat(p.withFreeze(List.of()).freeze()).isNull();
        Plan f = p.withFreeze(List.of("b1_conv", "b2_conv"));
        assertThat(f.frozenLayers()).containsExactly("b1_conv", "b2_conv");
        assertThat(PlanIO.toYaml(f)).contains("freeze:");
        assertThat(PlanIO.parse(PlanIO.toYaml(f), "test")).isEqualTo(f);
        assertThat(f.withShape(Strategy.FINETUNE_ABOVE, "b1", 0).freeze()).containsExactly("b1_conv", "b2_conv");
    }

    @Test
    void aPlanFromBeforeTheFieldKeepsItsFreezeListFromTheOverrideNote() {
        Plan old = new Plan(Plan.SCHEMA_VERSION, "d.yaml", List.of("m"), Strategy.FINETUNE_ALL, null, HeadType.SOFTMAX, 0, HP, null,
                List.of(), 7, 5, List.of("strategy=FINETUNE_ALL (was LINEAR_FROZEN)", "freeze=b1_conv, b2_conv"));
        assertThat(old.freeze()).containsExactly("b1_conv", "b2_conv");
        // a note written since (with its "(was ...)") is a record for people, never parsed
        Plan now = plan(Strategy.FINETUNE_ALL, null, 0).withOverrides(List.of("freeze=x (was none)"));
        assertThat(now.freeze()).isNull();
    }

    @Test
    void overridesSetTheFieldAndSayWhatChanged() {
        Plan p = plan(Strategy.FINETUNE_ALL, null, 0);
        Plan o = new PlanOverrides(null, null, List.of("b1_conv"), null, null, null).apply(p);
        assertThat(o.freeze()).containsExactly("b1_conv");
        assertThat(o.overrides()).containsExactly("note", "freeze=b1_conv (was none)");
        assertThatThrownBy(() -> p.withFreeze(List.of(" "))).isInstanceOf(PlanException.class).hasMessageContaining("empty layer name");
    }
}
