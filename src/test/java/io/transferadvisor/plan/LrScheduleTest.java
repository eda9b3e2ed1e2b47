package io.transferadvisor.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The learning-rate schedules' multipliers, their validation, and the plan file without and with one. */
class LrScheduleTest {
    @Test
    void warmUpClimbsLinearlyToThePeakAndStays() {
        LrSchedule w = new LrSchedule(LrSchedule.Kind.WARMUP, 2, 2.0);
        assertThat(w.factor(0)).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(w.factor(1)).isCloseTo(4.0 / 3, within(1e-12));
        assertThat(w.factor(2)).isEqualTo(2.0);
        assertThat(w.factor(50)).isEqualTo(2.0);
    }

    @Test
    void oneCycleRisesOverThirtyPercentThenFallsToAHundredthOfThePeak() {
        LrSchedule c = new LrSchedule(LrSchedule.Kind.ONE_CYCLE, 10, 1.0);
        assertThat(c.factor(0)).isCloseTo(0.1, within(1e-12));
        assertThat(c.factor(1)).isCloseTo(0.4, within(1e-12));
        assertThat(c.factor(3)).isCloseTo(1.0, within(1e-12)); // the peak, after round(0.3 * 10) = 3 epochs
        for (int e = 4; e < 10; e++) {
            assertThat(c.factor(e)).as("epoch %d", e).isLessThan(c.factor(e - 1));
        }
        assertThat(c.factor(9)).isCloseTo(0.01, within(1e-12));
        assertThat(c.factor(20)).isCloseTo(0.01, within(1e-12));
        assertThat(new LrSchedule(LrSchedule.Kind.ONE_CYCLE, 3, 2.0).factor(1)).isCloseTo(2.0, within(1e-12));
    }

    @Test
    void badValuesAreOneLinePlanErrors() {
        assertThatThrownBy(() -> new LrSchedule(null, 3, 1)).isInstanceOf(PlanException.class).hasMessageContaining("kind missing");
        assertThatThrownBy(() -> new LrSchedule(LrSchedule.Kind.ONE_CYCLE, 1, 1)).isInstanceOf(PlanException.class)
                .hasMessageContaining("learningRateSchedule.epochs 1 out of range for ONE_CYCLE; allowed 3..10000");
        assertThatThrownBy(() -> new LrSchedule(LrSchedule.Kind.ONE_CYCLE, 2, 1)).isInstanceOf(PlanException.class).hasMessageContaining("3..10000");
        assertThatThrownBy(() -> new LrSchedule(LrSchedule.Kind.WARMUP, 0, 1)).isInstanceOf(PlanException.class).hasMessageContaining("1..10000");
        assertThatThrownBy(() -> new LrSchedule(LrSchedule.Kind.WARMUP, 2, 0)).isInstanceOf(PlanException.class).hasMessageContaining("peak");
        assertThatThrownBy(() -> new LrSchedule(LrSchedule.Kind.WARMUP, 2, Double.NaN)).isInstanceOf(PlanException.class).hasMessageContaining("peak");
    }

    @Test
    void aPlanWithoutAScheduleWritesNoLineAndOneWithItReadsBackEqual() throws Exception {
        Plan p = PlanEditsTest.plan(Strategy.FINETUNE_ABOVE, "b2", 0);
        String text = PlanIO.toYaml(p);
        assertThat(text).doesNotContain("learningRateSchedule");
        assertThat(PlanIO.parse(text, "plan.yaml")).isEqualTo(p);
        Plan s = p.withHyperparameters(p.hyperparameters().withLearningRateSchedule(new LrSchedule(LrSchedule.Kind.ONE_CYCLE, 12, 1.5)));
        String st = PlanIO.toYaml(s);
        assertThat(st).contains("learningRateSchedule").contains("ONE_CYCLE");
        assertThat(PlanIO.parse(st, "plan.yaml")).isEqualTo(s);
        // the typed edits keep it
        assertThat(s.hyperparameters().withMaxEpochs(5).learningRateSchedule()).isEqualTo(s.hyperparameters().learningRateSchedule());
        assertThat(s.hyperparameters().withLearningRates(0.1, 0.01).learningRateSchedule()).isNotNull();
        assertThat(s.hyperparameters().withTraining(5, 2, 8).learningRateSchedule()).isNotNull();
        assertThatThrownBy(() -> PlanIO.parse(st.replace("ONE_CYCLE", "ZIGZAG"), "plan.yaml")).isInstanceOf(PlanException.class)
                .hasMessageContaining("ZIGZAG");
    }
}
