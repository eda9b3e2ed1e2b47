package io.transferadvisor.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.transferadvisor.bench.PlanResults.TaskResult;
import io.transferadvisor.bench.PlanResults.Trial;
import io.transferadvisor.plan.Strategy;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Oracle, regret and table rendering of the plan benchmark, on made-up trials (no training). */
class PlanResultsTest {
    static TaskResult task() {
        return new TaskResult("t1", "36/class x5, sim 0.89, SMALL/HIGH", "matrix-small-high", 500, List.of(
                new Trial(Strategy.LINEAR_FROZEN, "b4_relu", 0, 0.852, 15, 3.0, true),
                new Trial(Strategy.FINETUNE_ABOVE, "b4_relu", 0, 0.874, 12, 20.0, false),
                new Trial(Strategy.FINETUNE_ALL, null, 0, 0.874, 15, 10.0, false),
                new Trial(Strategy.TRUNCATE_GROW, "b2_pool", 1, 0.80, 15, 5.0, false)));
    }

    @Test
    void oracleIsTheMostAccurateAndTheFasterOfATie() {
        TaskResult r = task();
        assertThat(r.oracle().strategy()).isEqualTo(Strategy.FINETUNE_ALL);
        assertThat(r.regretPoints()).isCloseTo(2.2, within(1e-9));
        assertThat(r.recommendedRank()).isEqualTo(3);
        assertThat(r.ranked()).extracting(Trial::label)
                .containsExactly("FINETUNE_ALL", "FINETUNE_ABOVE b4_relu", "LINEAR_FROZEN b4_relu", "TRUNCATE_GROW b2_pool +1");
    }

    @Test
    void aRecommendationThatIsBestHasNoRegret() {
        TaskResult r = new TaskResult("t2", "f", "c", 10, List.of(
                new Trial(Strategy.FROM_SCRATCH, null, 0, 0.9, 5, 1.0, true),
                new Trial(Strategy.LINEAR_EARLIER, "b2_pool", 0, 0.5, 5, 1.0, false)));
        assertThat(r.regretPoints()).isZero();
        assertThat(r.oracle()).isSameAs(r.recommended());
        assertThat(r.recommendedRank()).isEqualTo(1);
    }

    @Test
    void exactlyOneTrialIsTheRecommendation() {
        var a = new Trial(Strategy.FROM_SCRATCH, null, 0, 0.9, 5, 1.0, false);
        assertThatThrownBy(() -> new TaskResult("t", "f", "c", 10, List.of(a))).hasMessageContaining("0 recommended");
        var b = new Trial(Strategy.FINETUNE_ALL, null, 0, 0.9, 5, 1.0, true);
        assertThatThrownBy(() -> new TaskResult("t", "f", "c", 10, List.of(b, b))).hasMessageContaining("2 recommended");
        assertThatThrownBy(() -> new Trial(Strategy.FINETUNE_ALL, null, 0, 1.2, 5, 1.0, true)).hasMessageContaining("testAccuracy 1.2");
    }

    @Test
    void markdownHasTheSummaryRowAndEveryTrialBestFirst() {
        String md = PlanResults.markdown(List.of(task()));
        assertThat(md).contains("| t1 | 36/class x5, sim 0.89, SMALL/HIGH | matrix-small-high | LINEAR_FROZEN b4_relu | 0.8520 | FINETUNE_ALL | 0.8740 | 2.2 | 3/4 |");
        assertThat(md).contains("Mean regret over 1 tasks: 2.2 points.");
        assertThat(md).contains("### t1 (500 test images)");
        assertThat(md).contains("| LINEAR_FROZEN b4_relu **(recommended)** | 0.8520 | +0.0 | 15 | 3.0 |");
        assertThat(md).contains("| TRUNCATE_GROW b2_pool +1 | 0.8000 | -5.2 | 15 | 5.0 |");
        assertThat(md.indexOf("| FINETUNE_ALL | 0.8740")).isLessThan(md.indexOf("| FINETUNE_ABOVE b4_relu | 0.8740"));
    }
}
