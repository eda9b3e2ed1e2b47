package io.transferadvisor.execute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferadvisor.plan.Augmentation;
import io.transferadvisor.plan.BatchNormPolicy;
import io.transferadvisor.plan.ClassWeighting;
import io.transferadvisor.plan.HeadType;
import io.transferadvisor.plan.Hyperparameters;
import io.transferadvisor.plan.Plan;
import io.transferadvisor.plan.PlanException;
import io.transferadvisor.plan.PlanOverrides;
import io.transferadvisor.plan.Strategy;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A LINEAR_* plan has backboneLearningRate 0; overriding its strategy to one that fine-tunes the
 * backbone must not silently train only the head (the bug: FINETUNE_ALL, FINETUNE_ABOVE b4_relu and
 * FINETUNE_ABOVE b2_pool all gave exactly 0.8520 on examples/default.yaml).
 */
class BackboneRateTest {
    @TempDir
    Path tmp;

    static Plan linearPlan(double headLr) {
        Hyperparameters h = new Hyperparameters(headLr, 0.0, 3, 3, 16, 0.0, BatchNormPolicy.FROZEN, Augmentation.NONE,
                ClassWeighting.NONE);
        return Tiny.plan(Strategy.LINEAR_FROZEN, "r2", HeadType.SOFTMAX, 0, h);
    }

    @Test
    void strategyOverrideOnAZeroRatePlanIsLeftForTheExecutorToDefault() {
        Plan p = new PlanOverrides(Strategy.FINETUNE_ALL, null, null, null, null, null).apply(linearPlan(0.02));
        assertThat(p.hyperparameters().backboneLearningRate()).isZero();
        Plan fixed = PlanOverrides.withBackboneRate(p);
        assertThat(fixed.hyperparameters().backboneLearningRate()).isEqualTo(0.002, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(fixed.overrides()).containsExactly("strategy=FINETUNE_ALL (was LINEAR_FROZEN)",
                "cutoffLayer=none (was " + linearPlan(0.02).cutoffLayer() + "; FINETUNE_ALL takes none)",
                "backboneLearningRate=0.002 (strategy override; plan had 0)");
        assertThat(fixed.cutoffLayer()).isNull();
        assertThat(PlanOverrides.withBackboneRate(fixed)).isSameAs(fixed);
        assertThat(fixed.hyperparameters().headLearningRate()).isEqualTo(0.02);
    }

    @Test
    void frozenAndScratchStrategiesAndPositiveRatesAreUnchanged() {
        Plan linear = linearPlan(0.01);
        assertThat(PlanOverrides.withBackboneRate(linear)).isSameAs(linear);
        for (Strategy s : new Strategy[] {Strategy.LINEAR_EARLIER, Strategy.FROM_SCRATCH}) {
            Plan p = new PlanOverrides(s, null, null, null, null, null).apply(linear);
            assertThat(PlanOverrides.withBackboneRate(p)).as("%s", s).isSameAs(p);
        }
        Plan given = new PlanOverrides(Strategy.FINETUNE_ABOVE, null, null, null, 0.0005, null).apply(linear);
        assertThat(PlanOverrides.withBackboneRate(given)).isSameAs(given);
        assertThat(given.hyperparameters().backboneLearningRate()).isEqualTo(0.0005);
    }

    @Test
    void explicitZeroWithAFineTuningStrategyIsAPlanError() {
        for (Strategy s : new Strategy[] {Strategy.FINETUNE_ALL, Strategy.FINETUNE_ABOVE, Strategy.AUTOENCODER_TRANSFER}) {
            assertThatThrownBy(() -> new PlanOverrides(s, null, null, null, 0.0, null).apply(linearPlan(0.01)))
                    .isInstanceOf(PlanException.class)
                    .hasMessageContaining("backbone would not train").hasMessageContaining("LINEAR_FROZEN")
                    .hasMessageNotContaining("\n");
        }
        // explicit 0 with a frozen strategy is fine
        Plan ok = new PlanOverrides(null, null, null, null, 0.0, null).apply(linearPlan(0.01));
        assertThat(ok.hyperparameters().backboneLearningRate()).isZero();
    }

    @Test
    void finetuneAllFromALinearPlanChangesTheBackbone() throws Exception {
        Path zip = Tiny.sourceZip(tmp);
        ComputationGraph source = ModelSerializer.restoreComputationGraph(zip.toFile(), false);
        Plan p = new PlanOverrides(Strategy.FINETUNE_ALL, null, null, null, null, 3).apply(linearPlan(0.01));
        StringWriter log = new StringWriter();
        RunResult r = Executor.run(p, Tiny.inputs(zip, 0.8f, false), Tiny.options(tmp.resolve("run"), tmp.resolve("cache")),
                new PrintWriter(log, true));
        assertThat(log.toString()).containsOnlyOnce("backbone learning rate: the plan has 0").contains("0.001");
        assertThat(r.plan().hyperparameters().backboneLearningRate()).isEqualTo(0.001, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(r.plan().overrides()).contains("backboneLearningRate=0.001 (strategy override; plan had 0)");
        assertThat(java.nio.file.Files.readString(r.runDir().resolve("plan.yaml"))).contains("strategy override; plan had 0");
        ComputationGraph trained = ModelSerializer.restoreComputationGraph(r.runDir().resolve("model.zip").toFile(), false);
        for (String l : new String[] {"c1", "c2"}) {
            assertThat(trained.getLayer(l).params().equalsWithEps(source.getLayer(l).params(), 1e-7)).as("backbone layer %s changed", l)
                    .isFalse();
        }
    }
}
