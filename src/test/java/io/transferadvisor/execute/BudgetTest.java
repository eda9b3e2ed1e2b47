package io.transferadvisor.execute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferadvisor.plan.BatchNormPolicy;
import io.transferadvisor.plan.HeadType;
import io.transferadvisor.plan.Plan;
import io.transferadvisor.plan.Strategy;
import io.transferadvisor.util.OutputException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The budget in minutes is respected: training stops cleanly between epochs and keeps the best one. */
@org.junit.jupiter.api.Tag("slow") // trains or runs DL4J for seconds: `mvn test -DexcludedGroups=slow` skips it
class BudgetTest {
    @TempDir
    Path tmp;

    @Test
    void budgetStopsCleanlyKeepingTheBestEpoch() throws Exception {
        Path zip = Tiny.sourceZip(tmp);
        Plan p = Tiny.plan(Strategy.FINETUNE_ALL, null, HeadType.SOFTMAX, 0, Tiny.hp(10_000, BatchNormPolicy.TRAIN));
        Plan tight = new Plan(1, p.dataset(), p.models(), p.strategy(), null, p.head(), 0, p.hyperparameters(), null, p.ensembleMembers(),
                p.seed(), 0.2, p.overrides()); // 12 seconds
        long t0 = System.nanoTime();
        RunResult r = Executor.run(tight, Tiny.inputs(zip, 0.8f, false), Tiny.options(tmp.resolve("budget"), tmp.resolve("c")),
                new PrintWriter(new StringWriter()));
        double secs = (System.nanoTime() - t0) / 1e9;
        assertThat(r.metrics().stopReason()).startsWith("budget");
        assertThat(r.metrics().epochsRun()).isBetween(1, 9_999);
        assertThat(r.metrics().bestEpoch()).isBetween(1, r.metrics().epochsRun());
        assertThat(secs).isLessThan(25);
    }
}
