package io.transferadvisor.execute;

import static org.assertj.core.api.Assertions.assertThat;

import io.transferadvisor.plan.Strategy;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Executor dispatches by family: every strategy must be carried out by exactly one of them. */
class StrategyFamilyTest {

    @Test
    void everyStrategyBelongsToExactlyOneFamily() {
        Map<Strategy, Integer> owners = new EnumMap<>(Strategy.class);
        for (StrategyFamily f : StrategyFamily.all()) {
            for (Strategy s : f.strategies()) {
                owners.merge(s, 1, Integer::sum);
            }
        }
        for (Strategy s : Strategy.values()) {
            assertThat(owners.get(s)).as("families carrying out %s", s).isEqualTo(1);
            assertThat(StrategyFamily.of(s).strategies()).contains(s);
        }
    }

    @Test
    void ensembleIsNotASingleModelFamily() {
        assertThat(StrategyFamily.of(Strategy.ENSEMBLE)).isSameAs(EnsembleTraining.INSTANCE);
        assertThat(StrategyFamily.singleModel(Strategy.FINETUNE_ABOVE)).isSameAs(FineTuneTraining.INSTANCE);
        assertThat(StrategyFamily.singleModel(Strategy.TRUNCATE_GROW)).isSameAs(FrozenFeatureTraining.INSTANCE);
        assertThat(StrategyFamily.singleModel(Strategy.AUTOENCODER_TRANSFER)).isSameAs(AutoencoderTraining.INSTANCE);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> StrategyFamily.singleModel(Strategy.ENSEMBLE))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not a single-model");
    }
}
