package io.transferadvisor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.transferadvisor.plan.PlanIO;
import io.transferadvisor.rules.PlanFiles;
import io.transferadvisor.rules.RecommendationFiles;
import io.transferadvisor.testing.CrashAt;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** recommend's plan + audit + profile are one unit: all or none, one writer at a time, --force only over files of ours. */
@org.junit.jupiter.api.Tag("slow") // trains or runs DL4J for seconds: `mvn test -DexcludedGroups=slow` skips it
class RecommendUnitTest {
    @TempDir
    Path dir;

    private static CliTestSupport.Result recommend(Path plan, String... extra) {
        return RulesCliTest.recommend(plan, extra);
    }

    /** All or none: no plan, or a plan whose audit (and profile) are the ones it was written with. */
    private static void assertAllOrNone(Path plan, String where) throws Exception {
        if (Files.exists(plan)) {
            assertThat(PlanIO.auditSha256(Files.readString(plan))).as("plan names its audit " + where).isNotNull();
            PlanIO.checkAudit(plan, PlanFiles.auditOf(plan)); // throws when missing or from another recommendation
            assertThat(PlanFiles.profileOf(plan)).as("profile " + where).exists();
            assertThat(PlanFiles.readProfile(PlanFiles.profileOf(plan)).model()).isEqualTo("fmnist-cnn");
        }
    }

    private static List<String> temporaries(Path folder) throws Exception {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList();
        }
    }

    @Test
    void aCrashAtAnyWritePointLeavesAllOrNoneAndTheRerunSucceeds() throws Exception {
        CrashAt fresh = new CrashAt(0);
        Path first = dir.resolve("count/plan.yaml");
        assertThat(fresh.during(() -> recommend(first)).exitCode()).isZero();
        CrashAt replacing = new CrashAt(0);
        assertThat(replacing.during(() -> recommend(first, "--force")).exitCode()).isZero();
        assertThat(fresh.points()).containsExactly("rename plan.profile.json", "rename plan.audit.json", "rename plan.yaml");
        assertThat(replacing.points()).containsExactly("withdrew old plan.yaml", "rename plan.profile.json", "rename plan.audit.json",
                "rename plan.yaml");

        for (int i = 1; i <= fresh.seen(); i++) {
            Path plan = dir.resolve("fresh-" + i + "/plan.yaml");
            var crashed = new CrashAt(i).during(() -> recommend(plan));
            assertThat(crashed.exitCode()).as(crashed.err()).isNotZero();
            assertThat(plan).as("a crash before the last rename leaves no plan").doesNotExist();
            assertAllOrNone(plan, "after crash " + i);
            var rerun = recommend(plan);
            assertThat(rerun.exitCode()).as("rerun without --force after crash %d: %s", i, rerun.err()).isZero();
            assertAllOrNone(plan, "after rerun " + i);
            assertThat(temporaries(plan.getParent())).isEmpty();
            assertThat(CliTestSupport.run("explain", plan.toString()).exitCode()).isZero();
        }
        for (int i = 1; i <= replacing.seen(); i++) {
            Path plan = dir.resolve("force-" + i + "/plan.yaml");
            assertThat(recommend(plan).exitCode()).isZero();
            String old = Files.readString(plan);
            var crashed = new CrashAt(i).during(() -> recommend(plan, "--force"));
            assertThat(crashed.exitCode()).isNotZero();
            assertAllOrNone(plan, "after crash " + i + " of a --force rewrite");
            if (Files.exists(plan)) {
                assertThat(Files.readString(plan)).isEqualTo(old);
            }
            var rerun = recommend(plan, "--force");
            assertThat(rerun.exitCode()).as(rerun.err()).isZero();
            assertAllOrNone(plan, "after the --force rerun " + i);
            assertThat(temporaries(plan.getParent())).isEmpty();
        }
    }

    @Test
    void explainAndExecuteRefuseAPlanWhoseAuditIsMissingOrFromAnotherRecommendation() throws Exception {
        Path plan = dir.resolve("plan.yaml");
        Path other = dir.resolve("other.yaml");
        assertThat(recommend(plan).exitCode()).isZero();
        assertThat(recommend(other).exitCode()).isZero();
        Path audit = PlanFiles.auditOf(plan);
        Files.move(audit, dir.resolve("saved.json"));
        var missing = CliTestSupport.run("explain", plan.toString());
        assertThat(missing.exitCode()).isEqualTo(ExitCodes.BAD_PLAN);
        assertThat(missing.err()).contains("is missing").contains("delete the '# audit-sha256:' line");
        assertThat(missing.err().strip().lines().count()).isEqualTo(1);
        assertThat(CliTestSupport.run("execute", plan.toString(), "-o", dir.resolve("run").toString()).exitCode()).isEqualTo(ExitCodes.BAD_PLAN);

        Files.copy(PlanFiles.auditOf(other), audit);
        var mismatched = CliTestSupport.run("explain", plan.toString());
        assertThat(mismatched.exitCode()).isEqualTo(ExitCodes.BAD_PLAN);
        assertThat(mismatched.err()).contains("are from different recommendations");
        var run = CliTestSupport.run("execute", plan.toString(), "-o", dir.resolve("run").toString());
        assertThat(run.exitCode()).isEqualTo(ExitCodes.BAD_PLAN);
        assertThat(run.err()).contains("different recommendations");
        assertThat(dir.resolve("run")).doesNotExist();

        Files.move(dir.resolve("saved.json"), audit, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThat(CliTestSupport.run("explain", plan.toString()).exitCode()).isZero();
    }

    @Test
    void forceReplacesOnlyFilesTheToolWroteAndLeftoversWithoutAPlanAreReplaced() throws Exception {
        Path plan = dir.resolve("plan.yaml");
        Files.writeString(plan, "my notes, not a plan\n");
        var r = recommend(plan, "--force");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.OUTPUT);
        assertThat(r.err()).contains(plan.toString()).contains("was not written by advisor").contains("even with --force");
        assertThat(Files.readString(plan)).isEqualTo("my notes, not a plan\n");

        Files.delete(plan);
        Files.writeString(PlanFiles.auditOf(plan), "{\"mine\": true}");
        var foreignAudit = recommend(plan, "--force");
        assertThat(foreignAudit.exitCode()).isEqualTo(ExitCodes.OUTPUT);
        assertThat(foreignAudit.err()).contains("plan.audit.json was not written by advisor");
        Files.delete(PlanFiles.auditOf(plan));

        // an audit and profile of ours without their plan: leftovers of an interrupted write, replaced without --force
        assertThat(recommend(plan).exitCode()).isZero();
        Files.delete(plan);
        Files.writeString(dir.resolve(".plan.audit.json.123.tmp"), "half");
        var again = recommend(plan);
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(temporaries(dir)).isEmpty();
        assertAllOrNone(plan, "after replacing leftovers");
    }

    @Test
    void aSecondWriterOfTheSamePlanFailsWithExit8() throws Exception {
        Path plan = dir.resolve("plan.yaml");
        try (RecommendationFiles held = RecommendationFiles.lock(plan)) {
            var r = recommend(plan);
            assertThat(r.exitCode()).isEqualTo(ExitCodes.OUTPUT);
            assertThat(r.err()).contains("another advisor is writing " + plan);
        }
        assertThat(plan).doesNotExist();
        assertThat(recommend(plan).exitCode()).isZero();
    }

    /** Two JVMs (the test classpath, Main) recommending to the same plan at once: exactly one wins, the other exits 8. */
    @Test
    void twoProcessesWritingTheSamePlanExactlyOneWins() throws Exception {
        Path plan = dir.resolve("plan.yaml");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> ps = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            ps.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "io.transferadvisor.cli.Main",
                    "recommend", RulesCliTest.DATASET, "--profile", RulesCliTest.PROFILE, "-o", plan.toString(), "--quiet")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("proc-" + i + ".log").toFile()).start());
        }
        List<Integer> codes = new ArrayList<>();
        for (Process p : ps) {
            assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("process finished").isTrue();
            codes.add(p.exitValue());
        }
        String logs = Files.readString(dir.resolve("proc-0.log")) + Files.readString(dir.resolve("proc-1.log"));
        assertThat(codes).as(logs).containsExactlyInAnyOrder(ExitCodes.OK, ExitCodes.OUTPUT);
        assertThat(logs).containsAnyOf("another advisor is writing", "exists; pass --force");
        assertAllOrNone(plan, "after two writers");
        assertThat(plan).exists();
        assertThat(temporaries(dir)).isEmpty();
        assertThat(CliTestSupport.run("explain", plan.toString()).exitCode()).isZero();
    }
}
