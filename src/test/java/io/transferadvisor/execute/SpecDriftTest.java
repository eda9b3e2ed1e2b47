package io.transferadvisor.execute;

import static org.assertj.core.api.Assertions.assertThat;

import io.transferadvisor.dataset.DatasetSpec;
import io.transferadvisor.plan.BatchNormPolicy;
import io.transferadvisor.plan.HeadType;
import io.transferadvisor.plan.Plan;
import io.transferadvisor.plan.Strategy;
import java.util.List;
import org.junit.jupiter.api.Test;

/** dataset.yaml edited after the plan was written: what the run will not follow is said before it starts. */
class SpecDriftTest {
    static Plan plan(long seed, double minutes, int epochs) {
        Plan p = Tiny.plan(Strategy.FINETUNE_ALL, null, HeadType.SOFTMAX, 0, Tiny.hp(epochs, BatchNormPolicy.TRAIN));
        return new Plan(p.schemaVersion(), p.dataset(), p.models(), p.strategy(), p.cutoffLayer(), p.head(), p.growBlocks(), p.hyperparameters(),
                p.collectMore(), p.ensembleMembers(), seed, minutes, p.overrides());
    }

    @Test
    void seedBudgetAndALowerEpochCapAreNamed() {
        DatasetSpec spec = Tiny.data(0.8f, false).spec(); // seed 3, 5 minutes, at most 10 epochs
        assertThat(Executor.specDrift(spec, plan(3, 5, 10))).isEmpty();
        assertThat(Executor.specDrift(spec, plan(3, 5, 4))).isEmpty(); // a lower plan cap is the plan's business
        List<String> all = Executor.specDrift(spec, plan(7, 9, 20));
        assertThat(all).hasSize(3);
        assertThat(all.get(0)).startsWith("dataset.yaml's seed 3 is not the plan's 7: the splits follow dataset.yaml");
        assertThat(all.get(1)).startsWith("dataset.yaml's budget.minutes 5.0 is not the plan's budgetMinutes 9.0");
        assertThat(all.get(2)).isEqualTo("dataset.yaml's budget.max_epochs 10 is below the plan's maxEpochs 20: the plan's is used (--epochs 10 applies it)");
        // asked for on the command line: not a drift
        assertThat(Executor.specDrift(spec, plan(3, 5, 20).withOverrides(List.of("maxEpochs=20 (was 10)")))).isEmpty();
    }
}
