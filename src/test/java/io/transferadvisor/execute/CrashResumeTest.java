package io.transferadvisor.execute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferadvisor.plan.BatchNormPolicy;
import io.transferadvisor.plan.HeadType;
import io.transferadvisor.plan.Plan;
import io.transferadvisor.plan.Strategy;
import io.transferadvisor.report.RunMetrics;
import io.transferadvisor.testing.CrashAt;
import io.transferadvisor.util.WriteHooks;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash injection (util/WriteHooks, not timing-based kills): a Tiny run is crashed at every crash
 * point of a run in turn (run directory creation, plan/run/metrics/report writes, every checkpoint
 * file and commit, every feature-cache append, model.zip), then resumed (or, when it crashed before
 * run.json existed, rerun to the same folder without --force). Each time the final weights are
 * bit-identical and the metrics equal to an uninterrupted run's.
 */
@org.junit.jupiter.api.Tag("slow") // trains or runs DL4J for seconds: `mvn test -DexcludedGroups=slow` skips it
class CrashResumeTest {
    @TempDir
    Path tmp;

    private static final PrintWriter QUIET = new PrintWriter(new StringWriter());

    @Test
    void crashAtEveryWritePointThenResumeGivesTheUninterruptedResult() throws Exception {
        Path zip = Tiny.sourceZip(tmp);
        Plan plan = Tiny.plan(Strategy.FINETUNE_ABOVE, "p1", HeadType.SOFTMAX, 0, Tiny.hp(3, BatchNormPolicy.TRAIN));
        CrashAt counting = new CrashAt(0);
        RunResult whole = counting.during(() -> Executor.run(plan, Tiny.inputs(zip, 0.8f, false),
                Tiny.options(tmp.resolve("whole"), tmp.resolve("cache-whole")), QUIET));
        float[] expected = params(whole.runDir());
        List<String> points = counting.points();
        assertThat(points).as("crash points of a run").hasSizeGreaterThan(15)
                .anyMatch(p -> p.startsWith("checkpoint committed")).anyMatch(p -> p.startsWith("cache rows appended"))
                .anyMatch(p -> p.equals("rename model.zip")).anyMatch(p -> p.equals("rename .advisor-run"));

        for (int i = 1; i <= points.size(); i++) {
            int at = i;
            Path dir = tmp.resolve("crash-" + i);
            Path cache = tmp.resolve("cache-" + i);
            assertThatThrownBy(() -> new CrashAt(at).during(() -> Executor.run(plan, Tiny.inputs(zip, 0.8f, false),
                    Tiny.options(dir, cache), QUIET))).as("crash %d at %s", i, points.get(i - 1))
                    .isInstanceOf(WriteHooks.SimulatedCrash.class);
            boolean started = Files.exists(dir.resolve(RunFolder.RUN));
            RunResult after = started
                    ? Executor.run(plan, Tiny.inputs(zip, 0.8f, false), Tiny.options(null, cache).withResume(dir), QUIET)
                    : Executor.run(plan, Tiny.inputs(zip, 0.8f, false), Tiny.options(dir, cache), QUIET);
            String where = "after a crash at " + points.get(i - 1) + " (#" + i + ", " + (started ? "resumed" : "rerun") + ")";
            assertBitIdentical(params(after.runDir()), expected, "weights " + where);
            assertSameMetrics(after.metrics(), whole.metrics(), where);
            assertThat(RunFolder.readInfo(dir).status()).as(where).isEqualTo("finished");
            try (Stream<Path> s = Files.walk(dir)) {
                assertThat(s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp") || n.contains(".last.")))
                        .as("temporaries and superseded checkpoints " + where).isEmpty();
            }
        }
    }

    static void assertBitIdentical(float[] actual, float[] expected, String what) {
        int first = java.util.Arrays.mismatch(actual, expected);
        assertThat(first).as("%s: first differing parameter (of %d) at %d: %s vs %s", what, expected.length, first,
                first >= 0 && first < actual.length ? actual[first] : "-", first >= 0 && first < expected.length ? expected[first] : "-")
                .isEqualTo(-1);
    }

    static float[] params(Path runDir) throws Exception {
        return ModelSerializer.restoreComputationGraph(runDir.resolve(Executor.MODEL_FILE).toFile(), false).params()
                .castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).dup('c').data().asFloat();
    }

    static void assertSameMetrics(RunMetrics actual, RunMetrics expected, String where) {
        assertThat(actual.epochsRun()).as("epochs " + where).isEqualTo(expected.epochsRun());
        assertThat(actual.bestEpoch()).as("best epoch " + where).isEqualTo(expected.bestEpoch());
        assertThat(actual.stopReason()).as("stop reason " + where).isEqualTo(expected.stopReason());
        assertThat(actual.test().accuracy()).as("test accuracy " + where).isEqualTo(expected.test().accuracy());
        assertThat(actual.test().macroF1()).as("test macro-F1 " + where).isEqualTo(expected.test().macroF1());
        assertThat(actual.validation().accuracy()).as("validation accuracy " + where).isEqualTo(expected.validation().accuracy());
        assertThat(actual.history().keySet()).isEqualTo(expected.history().keySet());
        for (String phase : expected.history().keySet()) {
            List<RunMetrics.EpochRow> a = actual.history().get(phase);
            List<RunMetrics.EpochRow> e = expected.history().get(phase);
            assertThat(a).hasSameSizeAs(e);
            for (int k = 0; k < e.size(); k++) {
                assertThat(a.get(k).trainLoss()).as("%s epoch %d train loss %s", phase, k + 1, where).isEqualTo(e.get(k).trainLoss());
                assertThat(a.get(k).validationLoss()).as("%s epoch %d val loss %s", phase, k + 1, where).isEqualTo(e.get(k).validationLoss());
                assertThat(a.get(k).validationAccuracy()).as("%s epoch %d val acc %s", phase, k + 1, where)
                        .isEqualTo(e.get(k).validationAccuracy());
            }
        }
    }
}
