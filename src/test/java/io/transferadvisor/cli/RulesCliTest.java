package io.transferadvisor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** recommend / explain / rules check through the real command line. */
class RulesCliTest {
    static final String DATASET = "examples/default.yaml";
    static final String PROFILE = "src/test/resources/rules/fmnist-default.profile.json";

    static CliTestSupport.Result recommend(Path plan, String... extra) {
        String[] base = {"recommend", DATASET, "--profile", PROFILE, "-o", plan.toString()};
        String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(base), java.util.Arrays.stream(extra)).toArray(String[]::new);
        return CliTestSupport.run(args);
    }

    @Test
    void recommendWritesPlanAuditAndProfileAndPrintsThreeReasons(@TempDir Path dir) {
        Path plan = dir.resolve("plan.yaml");
        var r = recommend(plan);
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(plan).exists();
        assertThat(dir.resolve("plan.audit.json")).exists();
        assertThat(dir.resolve("plan.profile.json")).exists();
        assertThat(r.out()).startsWith("plan: ENSEMBLE of FINETUNE_ABOVE b1_pool + TRUNCATE_GROW b3_relu +1 block(s) + FROM_SCRATCH")
                .contains("why:", "  1. SMALL data: 36 training images per class", "  4. ENSEMBLE of this model's plans: ", "[ensemble-plans]",
                        "  5. so FINETUNE_ABOVE, outranking the same strategy from matrix-small-high", "[ensemble-plans: priority 3 > 1]",
                        "would change: with 2,000 or more training images per class (now 36; 38,887 labelled images in all");
        var again = recommend(plan);
        assertThat(again.exitCode()).isEqualTo(ExitCodes.OUTPUT);
        assertThat(again.err()).contains("exists; pass --force");
        assertThat(recommend(plan, "--force").exitCode()).isZero();
    }

    @Test
    void theSecondRecommendReadsTheCompiledRulesBackAndSaysTheSame(@TempDir Path dir) throws Exception {
        Path cache = dir.resolve("cache");
        var first = recommend(dir.resolve("a/plan.yaml"), "--cache", cache.toString(), "-v");
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.err()).contains("waiting for the rules (compiled)");
        try (var s = Files.list(cache.resolve("rules"))) {
            assertThat(s.filter(p -> p.toString().endsWith(".kbase")).count()).isEqualTo(1);
        }
        var second = recommend(dir.resolve("b/plan.yaml"), "--cache", cache.toString(), "-v");
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(second.err()).contains("waiting for the rules (read back compiled)");
        assertThat(second.out()).isEqualTo(first.out().replace(dir.resolve("a").toString(), dir.resolve("b").toString()));
        // the plans differ only in the hash of their audits, whose run details (time, elapsed) differ
        java.util.function.Function<String, String> body = t -> t.substring(t.indexOf("\nschemaVersion:"));
        assertThat(body.apply(Files.readString(dir.resolve("b/plan.yaml")))).isEqualTo(body.apply(Files.readString(dir.resolve("a/plan.yaml"))));
    }

    @Test
    void brokenRulesDirectoryExitsFiveWithFileAndLine(@TempDir Path dir) throws Exception {
        Path rules = Files.createDirectories(dir.resolve("rules"));
        Files.writeString(rules.resolve("bad.drl"), "package t;\n\nrule \"x\" @id(\"x\") @rationale(\"y\")\nwhen\n  Nope(a > 1)\nthen\nend\n");
        var r = recommend(dir.resolve("plan.yaml"), "--rules", rules.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_RULES);
        assertThat(r.err()).startsWith("error: bad.drl:5: ");
        assertThat(r.err().strip().lines().count()).isEqualTo(1);
        var check = CliTestSupport.run("rules", "check", rules.toString());
        assertThat(check.exitCode()).isEqualTo(ExitCodes.BAD_RULES);
        assertThat(check.err()).contains("bad.drl:5: ");
    }

    @Test
    void rulesCheckPassesOnTheRepositoryRules() {
        var r = CliTestSupport.run("rules", "check");
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("grid shaped by fmnist-cnn: cuts b1_pool", "rules check: OK", "strategies chosen:");
    }

    @Test
    void rulesCheckListsTheProfilesOfAGap(@TempDir Path dir) throws Exception {
        Path rules = Files.createDirectories(dir.resolve("rules"));
        try (var s = Files.list(Path.of("rules"))) {
            // without the spreadsheet twin: the test edits matrix.drl.csv alone (a drifted twin is refused at load)
            for (Path p : s.filter(f -> !f.getFileName().toString().endsWith(".drl.xlsx")).toList()) {
                Files.copy(p, rules.resolve(p.getFileName()));
            }
        }
        Path csv = rules.resolve("matrix.drl.csv");
        Files.write(csv, Files.readAllLines(csv).stream().filter(l -> !l.startsWith("matrix-large-low,")).toList());
        var r = CliTestSupport.run("rules", "check", rules.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_RULES);
        assertThat(r.out()).contains("perClass=3000 similarity=0.10", "chose no strategy", "rules check: FAILED");
        assertThat(r.err()).startsWith("error: rules check failed");
    }

    @Test
    void severalProfilesAreComparedAndTheTopOneIsTakenEvenWhenClose(@TempDir Path dir) throws Exception {
        // a second model's profile: the same measurements under another name (so the scores tie)
        Path other = dir.resolve("other.profile.json");
        Files.writeString(other, Files.readString(Path.of(PROFILE)).replace("\"model\" : \"fmnist-cnn\"", "\"model\" : \"fmnist-twin\""));
        Path plan = dir.resolve("plan.yaml");
        // the twin is not in default.yaml: --models names both (without it the profile is refused, exit 6)
        var r = recommend(plan, "--profile", other.toString(), "--models", "fmnist-cnn,fmnist-twin");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).contains("warning: profile " + other, "model 'fmnist-twin' cannot be resolved here");
        // a tie in similarity and on the probe goes to the first name; the ensemble of both is rejected, its cost stated
        assertThat(r.out()).startsWith("plan: ENSEMBLE of FINETUNE_ABOVE").contains("member:  fmnist-cnn: FINETUNE_ABOVE",
                "1. fmnist-cnn alone: the target reads as closest to its source domain, overall similarity ", "against fmnist-twin's ",
                "[models-pick-most-similar").doesNotContain("member:  fmnist-twin");
        // a tie is the closest of close calls: recommend says so on a line of its own, explain as well
        assertThat(r.out()).contains("note: model-choice: a close call: fmnist-cnn's overall similarity leads fmnist-twin's by 0.000");
        var x = CliTestSupport.run("explain", plan.toString());
        assertThat(x.exitCode()).as(x.err()).isZero();
        assertThat(x.out()).contains("ENSEMBLE of models: ensembling the 2 models is not recommended: it trains every model's plans",
                "model fmnist-twin: model not used: overall similarity ", "note: model-choice: a close call");
        assertThat(dir.resolve("plan.profile.json")).exists();
        assertThat(dir.resolve("plan.profile-fmnist-twin.json")).exists();
        var w = CliTestSupport.run("explain", plan.toString(), "--what-if", "images=20000");
        assertThat(w.exitCode()).as(w.err()).isZero();
        assertThat(w.out()).contains("now:  ENSEMBLE of FINETUNE_ABOVE", "member:  fmnist-cnn: FINETUNE_ABOVE").doesNotContain("member:  fmnist-twin");
    }
}
