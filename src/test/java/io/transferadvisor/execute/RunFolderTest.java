package io.transferadvisor.execute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferadvisor.plan.BatchNormPolicy;
import io.transferadvisor.plan.HeadType;
import io.transferadvisor.plan.Plan;
import io.transferadvisor.plan.Strategy;
import io.transferadvisor.util.OutputException;
import io.transferadvisor.util.SafeReplace;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What --force may replace, and how an unfinished run directory is treated by a rerun. */
class RunFolderTest {
    @TempDir
    Path tmp;

    @Test
    void aFolderWithoutTheMarkerIsNeverReplacedEvenWithForce() throws Exception {
        Path mine = tmp.resolve("thesis");
        Files.createDirectories(mine);
        Files.writeString(mine.resolve("chapter1.tex"), "years of work");
        assertThatThrownBy(() -> RunFolder.create(mine, true)).isInstanceOf(OutputException.class)
                .hasMessageContaining(mine.toString()).hasMessageContaining("not a run made by advisor")
                .hasMessageContaining("even with --force").hasMessageNotContaining("\n");
        assertThat(Files.readString(mine.resolve("chapter1.tex"))).isEqualTo("years of work");
        assertThat(mine.resolve(RunOwnership.LOCK)).doesNotExist();
    }

    @Test
    void aFolderTheToolMadeCarriesTheMarkerAndIsReplacedOnlyWithForceOnceFinished() throws Exception {
        Path run = tmp.resolve("run");
        try (RunFolder f = RunFolder.create(run, false)) {
            assertThat(Files.readString(f.dir().resolve(RunOwnership.MARKER))).contains("\"tool\" : \"transfer-advisor\"").contains("created");
            writeRunJson(run, "finished");
        }
        assertThatThrownBy(() -> RunFolder.create(run, false)).isInstanceOf(OutputException.class)
                .hasMessageContaining("finished run").hasMessageContaining("--force");
        try (RunFolder f = RunFolder.create(run, true)) {
            assertThat(run.resolve(RunFolder.RUN)).doesNotExist();
            assertThat(run.resolve(RunOwnership.MARKER)).exists();
        }
    }

    @Test
    void runsFromBeforeTheMarkerAreRecognisedByRunJsonAndPlanYaml() throws Exception {
        Path old = tmp.resolve("old-run");
        Files.createDirectories(old.resolve("checkpoints"));
        writeRunJson(old, "finished");
        Files.writeString(old.resolve(RunFolder.PLAN), "schemaVersion: 1\n");
        assertThatThrownBy(() -> RunFolder.create(old, false)).isInstanceOf(OutputException.class).hasMessageContaining("--force");
        try (RunFolder f = RunFolder.create(old, true)) {
            assertThat(old.resolve("checkpoints")).doesNotExist();
        }
    }

    @Test
    void protectedFoldersAreRefusedEvenWhenTheyLookLikeRuns() throws Exception {
        assertThat(SafeReplace.protectedReason(Path.of("."))).isEqualTo("it is the current directory");
        assertThat(SafeReplace.protectedReason(Path.of("").toAbsolutePath().getParent())).isEqualTo("it contains the current directory");
        assertThat(SafeReplace.protectedReason(Path.of("/"))).isEqualTo("it is the file system root");
        assertThat(SafeReplace.protectedReason(tmp.resolve("runs/x"))).isNull();

        Path fakeHome = tmp.resolve("home");
        Path fakeInstall = tmp.resolve("install");
        for (Path p : new Path[] {fakeHome, fakeInstall}) {
            Files.createDirectories(p);
            Files.writeString(p.resolve(RunOwnership.MARKER), "{}");
            writeRunJson(p, "finished");
        }
        String home = System.getProperty("user.home");
        String install = System.getProperty("advisor.home");
        try {
            System.setProperty("user.home", fakeHome.toString());
            System.setProperty("advisor.home", fakeInstall.toString());
            assertThatThrownBy(() -> RunFolder.create(fakeHome, true)).isInstanceOf(OutputException.class)
                    .hasMessageContaining("refusing to replace " + fakeHome).hasMessageContaining("home folder");
            assertThatThrownBy(() -> RunFolder.create(fakeInstall, true)).isInstanceOf(OutputException.class)
                    .hasMessageContaining("advisor installation");
            assertThatThrownBy(() -> RunFolder.create(tmp, true)).isInstanceOf(OutputException.class)
                    .hasMessageContaining("not a run made by advisor");
        } finally {
            System.setProperty("user.home", home);
            if (install == null) {
                System.clearProperty("advisor.home");
            } else {
                System.setProperty("advisor.home", install);
            }
        }
        assertThat(fakeHome.resolve(RunFolder.RUN)).exists();
        assertThat(fakeInstall.resolve(RunFolder.RUN)).exists();
    }

    @Test
    void aRunDirectoryInUseIsLockedAgainstASecondWriter() throws Exception {
        Path run = tmp.resolve("busy");
        try (RunFolder first = RunFolder.create(run, false)) {
            assertThatThrownBy(() -> RunFolder.create(run, true)).isInstanceOf(OutputException.class)
                    .hasMessageContaining("another advisor is writing run directory " + first.dir());
        }
        try (RunFolder again = RunFolder.create(run, false)) {
            assertThat(again.note()).contains("interrupted before it started");
        }
    }

    @Test
    void aKilledRunIsNotReplacedWithoutForceAndTheSuggestedResumeWorks() throws Exception {
        Path zip = Tiny.sourceZip(tmp);
        Plan plan = Tiny.plan(Strategy.LINEAR_FROZEN, "r2", HeadType.SOFTMAX, 0, Tiny.hp(2, BatchNormPolicy.FROZEN));
        PrintWriter quiet = new PrintWriter(new StringWriter());
        Path dir = tmp.resolve("killed");
        assertThatThrownBy(() -> Executor.run(plan, Tiny.inputs(zip, 0.8f, false), Tiny.options(dir, tmp.resolve("c")).withStopAfterEpochs(1), quiet))
                .isInstanceOf(ExecuteOptions.SimulatedKill.class);
        assertThat(RunFolder.readInfo(dir).status()).isEqualTo("running");
        assertThatThrownBy(() -> Executor.run(plan, Tiny.inputs(zip, 0.8f, false), Tiny.options(dir, tmp.resolve("c")), quiet))
                .isInstanceOf(OutputException.class).hasMessageContaining("interrupted run")
                .hasMessageContaining("advisor execute --resume " + dir);
        RunResult resumed = Executor.run(plan, Tiny.inputs(zip, 0.8f, false), Tiny.options(null, tmp.resolve("c")).withResume(dir), quiet);
        assertThat(resumed.metrics().epochsRun()).isEqualTo(2);
        assertThat(RunFolder.readInfo(dir).status()).isEqualTo("finished");
    }

    @Test
    void aFailedRunIsMarkedFailedAndARerunReplacesItWithoutForce() throws Exception {
        Path zip = Tiny.sourceZip(tmp);
        Plan bad = Tiny.plan(Strategy.LINEAR_FROZEN, "nope", HeadType.SOFTMAX, 0, Tiny.hp(2, BatchNormPolicy.FROZEN));
        Plan good = Tiny.plan(Strategy.LINEAR_FROZEN, "r2", HeadType.SOFTMAX, 0, Tiny.hp(2, BatchNormPolicy.FROZEN));
        PrintWriter quiet = new PrintWriter(new StringWriter());
        Path dir = tmp.resolve("failed");
        assertThatThrownBy(() -> Executor.run(bad, Tiny.inputs(zip, 0.8f, false), Tiny.options(dir, tmp.resolve("c")), quiet))
                .hasMessageContaining("'nope'");
        RunFolder.RunInfo info = RunFolder.readInfo(dir);
        assertThat(info.status()).isEqualTo("failed");
        assertThat(info.reason()).contains("'nope'");
        assertThatThrownBy(() -> Executor.run(good, Tiny.inputs(zip, 0.8f, false), Tiny.options(null, tmp.resolve("c")).withResume(dir), quiet))
                .isInstanceOf(OutputException.class).hasMessageContaining("failed (").hasMessageContaining("replaced without --force");
        StringWriter log = new StringWriter();
        RunResult rerun = Executor.run(good, Tiny.inputs(zip, 0.8f, false), Tiny.options(dir, tmp.resolve("c")), new PrintWriter(log, true));
        assertThat(log.toString()).contains("replacing failed run " + dir);
        assertThat(rerun.metrics().epochsRun()).isEqualTo(2);
        assertThat(RunFolder.readInfo(dir).status()).isEqualTo("finished");
    }

    private static void writeRunJson(Path dir, String status) throws Exception {
        Files.writeString(dir.resolve(RunFolder.RUN), String.format(java.util.Locale.ROOT, """
                {"schemaVersion":1,"datasetFile":null,"dataset":"d","classNames":["a","b"],"input":null,"fit":null,"head":"SOFTMAX",
                 "strategy":"LINEAR_FROZEN","models":["m"],"status":"%s","started":"2026-01-01T00:00:00Z","finished":null,"java":"17"}
                """, status));
    }
}
