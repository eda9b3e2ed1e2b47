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

/** A killed run resumes from its last checkpoint and finishes with the same epochs as an uninterrupted one. */
class ResumeTest {
    @TempDir
    Path tmp;

    @Test
    void killedRunResumesAndFinishes() throws Exception {
        Path zip = Tiny.sourceZip(tmp);
        Plan plan = Tiny.plan(Strategy.FINETUNE_ABOVE, "p1", HeadType.SOFTMAX, 0, Tiny.hp(3, BatchNormPolicy.TRAIN));
        PrintWriter quiet = new PrintWriter(new StringWriter());
        RunResult whole = Executor.run(plan, Tiny.inputs(zip, 0.8f, false), Tiny.options(tmp.resolve("whole"), tmp.resolve("c")), quiet);
        assertThat(whole.metrics().epochsRun()).isEqualTo(3);

        Path dir = tmp.resolve("killed");
        assertThatThrownBy(() -> Executor.run(plan, Tiny.inputs(zip, 0.8f, false),
                Tiny.options(dir, tmp.resolve("c")).withStopAfterEpochs(1), quiet))
                .isInstanceOf(ExecuteOptions.SimulatedKill.class);
        assertThat(dir.resolve("metrics.json")).doesNotExist();
        assertThat(new Checkpoints(dir.resolve("checkpoints")).readState("train").epochsDone()).isEqualTo(1);

        StringWriter log = new StringWriter();
        RunResult resumed = Executor.run(plan, Tiny.inputs(zip, 0.8f, false), Tiny.options(null, tmp.resolve("c")).withResume(dir),
                new PrintWriter(log, true));
        assertThat(log.toString()).contains("resuming after epoch 1 of 3");
        assertThat(resumed.metrics().epochsRun()).isEqualTo(3);
        assertThat(resumed.metrics().history().get("train")).extracting(r -> r.epoch()).containsExactly(1, 2, 3);
        for (int e = 0; e < 3; e++) {
            assertThat(resumed.metrics().history().get("train").get(e).trainLoss())
                    .as("epoch %d loss", e + 1)
                    .isCloseTo(whole.metrics().history().get("train").get(e).trainLoss(), org.assertj.core.api.Assertions.within(1e-3));
        }
        assertThat(dir.resolve("model.zip")).exists();
        assertThat(Files.readString(dir.resolve("run.json"))).contains("\"finished\"");

        // a finished run cannot be resumed again, and is not overwritten without --force
        assertThatThrownBy(() -> Executor.run(plan, Tiny.inputs(zip, 0.8f, false), Tiny.options(null, tmp.resolve("c")).withResume(dir), quiet))
                .isInstanceOf(OutputException.class).hasMessageContaining("already finished");
        assertThatThrownBy(() -> Executor.run(plan, Tiny.inputs(zip, 0.8f, false), Tiny.options(dir, tmp.resolve("c")), quiet))
                .isInstanceOf(OutputException.class).hasMessageContaining("--force");
        try (RunFolder replaced = RunFolder.create(dir, true)) {
            assertThat(replaced.dir()).isEqualTo(dir.toAbsolutePath().normalize());
        }
        assertThat(dir.resolve("model.zip")).doesNotExist();
    }

    @Test
    void betweenTimedCheckpointsAKilledRunReplaysTheEpochsSinceTheLastCommitExactly() throws Exception {
        Path zip = Tiny.sourceZip(tmp);
        Plan plan = Tiny.plan(Strategy.FINETUNE_ABOVE, "p1", HeadType.SOFTMAX, 0, Tiny.hp(3, BatchNormPolicy.TRAIN));
        PrintWriter quiet = new PrintWriter(new StringWriter());
        RunResult whole = Executor.run(plan, Tiny.inputs(zip, 0.8f, false), Tiny.options(tmp.resolve("every-epoch"), tmp.resolve("c")), quiet);

        // a long interval: no commit is due after epochs 1 and 2, so a kill there leaves nothing but the start to resume from
        Path dir = tmp.resolve("timed");
        assertThatThrownBy(() -> Executor.run(plan, Tiny.inputs(zip, 0.8f, false),
                Tiny.options(dir, tmp.resolve("c")).withCheckpointSeconds(1e6).withStopAfterEpochs(2), quiet))
                .isInstanceOf(ExecuteOptions.SimulatedKill.class);
        assertThat(new Checkpoints(dir.resolve("checkpoints")).readState("train")).isNull();
        StringWriter log = new StringWriter();
        RunResult resumed = Executor.run(plan, Tiny.inputs(zip, 0.8f, false),
                Tiny.options(null, tmp.resolve("c")).withResume(dir).withCheckpointSeconds(1e6), new PrintWriter(log, true));
        assertThat(log.toString()).doesNotContain("resuming after epoch");
        CrashResumeTest.assertSameMetrics(resumed.metrics(), whole.metrics(), "after a kill between timed checkpoints");
        assertThat(CrashResumeTest.params(resumed.runDir())).as("final weights").isEqualTo(CrashResumeTest.params(whole.runDir()));
    }
}
