package io.transferadvisor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** explain (trace, what-if, diff, bad plans) through the real command line. */
class ExplainCliTest {

    static CliTestSupport.Result recommend(Path plan, String... extra) {
        return RulesCliTest.recommend(plan, extra);
    }

    @Test
    void explainPrintsTheWholeTraceAndWhatIfReruns(@TempDir Path dir) {
        Path plan = dir.resolve("plan.yaml");
        assertThat(recommend(plan).exitCode()).isZero();
        var r = CliTestSupport.run("explain", plan.toString(), "--full");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("note: fc1_relu is both LowShiftLayer", "not from your data", "values changed after a rule set them:",
                "max epochs 60 (schedule-small) -> 30: capped by the dataset's budget.max_epochs = 30");
        assertThat(r.out()).contains("observed facts (fmnist-cnn):", "LayerFacts(layer=b3_relu", "derived facts:", "SizeClass(level=SMALL",
                "rules fired, in order:", "why:", "when: DataFacts(", "thresholds: size.small.perClass, size.medium.perClass", "evidence:", "alternatives rejected:",
                "FINETUNE_ALL - by reject-finetune-all-new-labels", "what would change the decision:", "main reasons (your numbers");
        var w = CliTestSupport.run("explain", plan.toString(), "--what-if", "images=20000", "--what-if", "similarity=0.3");
        assertThat(w.exitCode()).as(w.err()).isZero();
        // 20,000 images on a far domain: MEDIUM, still the ensemble of the model's plans, at MEDIUM data's rates
        assertThat(w.out()).contains("was:  ENSEMBLE of FINETUNE_ABOVE b1_pool", "now:  ENSEMBLE of FINETUNE_ABOVE b1_pool", "changes:",
                "hyperparameters.headLearningRate: 0.01 -> 0.001");
        // shared labels (overlap >= 0.6): still the ensemble below LARGE data (guards.drl ensemble-plans outranks every matrix cell)
        var shared = CliTestSupport.run("explain", plan.toString(), "--what-if", "overlap=0.9");
        assertThat(shared.out()).as(shared.err()).contains("3. known labels: label overlap 0.9", "no change to the plan");
        // a change the rules do not care about gives the same plan (the dataset's epoch cap is kept from the audit)
        // train_per_class is the number the size rules compare (images= counts every labelled image: train, validation, test)
        var perClass = CliTestSupport.run("explain", plan.toString(), "--what-if", "train_per_class=2000");
        assertThat(perClass.exitCode()).as(perClass.err()).isZero();
        // LARGE data: the single plan of the matrix again
        assertThat(perClass.out()).contains("what if train_per_class=2000: 2000 training images per class", "now:  FINETUNE_ABOVE b4_relu",
                "strategy: ENSEMBLE -> FINETUNE_ABOVE");
        var justBelow = CliTestSupport.run("explain", plan.toString(), "--what-if", "train_per_class=1999");
        assertThat(justBelow.out()).as(justBelow.err()).contains("1999 training images per class", "now:  ENSEMBLE of FINETUNE_ABOVE b1_pool"); // the size boundary is 2,000
        var images = CliTestSupport.run("explain", plan.toString(), "--what-if", "images=1400");
        assertThat(images.out()).as(images.err()).contains("72 training images per class (1,400 labelled images in all)");
        var none = CliTestSupport.run("explain", plan.toString(), "--what-if", "overlap=0.2");
        assertThat(none.out()).as(none.err()).contains("no change to the plan");
        var bad = CliTestSupport.run("explain", plan.toString(), "--what-if", "pixels=3");
        assertThat(bad.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.err()).contains("--what-if key 'pixels' unknown");
        var typo = CliTestSupport.run("explain", plan.toString(), "--what-if", "imags=100");
        assertThat(typo.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(typo.err()).contains("did you mean 'images'?");
    }

    @Test
    void defaultViewIsShortAndInTheUsersNumbers(@TempDir Path dir) {
        Path plan = dir.resolve("plan.yaml");
        assertThat(recommend(plan).exitCode()).isZero();
        var r = CliTestSupport.run("explain", plan.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        String out = r.out();
        assertThat(out.lines().count()).as(out).isLessThanOrEqualTo(32);
        assertThat(out).contains("decision: ENSEMBLE", "of FINETUNE_ABOVE b1_pool + TRUNCATE_GROW b3_relu +1 block(s) + FROM_SCRATCH on fmnist-cnn",
                // the user's numbers next to the threshold each crossed
                "SMALL data: 36 training images per class", "[size-small: trainPerClass >= 20, trainPerClass < 200",
                "HIGH similarity to the source data: 0.890 overall", "[similarity-high: similarity >= 0.7",
                "new labels: label overlap 0.306", "[new-labels: labelOverlap < 0.5]",
                "so FINETUNE_ABOVE, outranking the same strategy from matrix-small-high", "[ensemble-plans: priority 3 > 1]",
                "cost: 3 networks to train and to run on every image",
                // a value a rule set and something later changed, with the reason
                "max epochs 60 (schedule-small) -> 30: capped by the dataset's budget.max_epochs = 30",
                "with 2,000 or more training images per class (now 36;",
                "LINEAR_FROZEN, LINEAR_EARLIER: label overlap 0.31 < 0.5", "docs/benchmarks/suite.md");
        // each alternative once; no calibration numbers quoted as if they were the user's data; no Java toString of facts
        assertThat(out.split("FINETUNE_ALL:", -1)).hasSize(2);
        assertThat(out).doesNotContain("examples/default.yaml", "0.922 vs", "DataFacts(", "LowShiftLayer(");
        var quiet = CliTestSupport.run("explain", plan.toString(), "--quiet");
        assertThat(quiet.out().lines().count()).isLessThanOrEqualTo(32);
    }

    @Test
    void explainDiffComparesTwoRecommendations(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a.yaml");
        Path b = dir.resolve("b.yaml");
        assertThat(recommend(a).exitCode()).isZero();
        assertThat(recommend(b).exitCode()).isZero();
        var same = CliTestSupport.run("explain", "--diff", a.toString(), b.toString());
        assertThat(same.out()).contains("same inputs, facts, firings and plan");
        // edit the rules: a threshold change shows up as a different rules hash and plan
        Path rules = Files.createDirectories(dir.resolve("rules"));
        try (var s = Files.list(Path.of("rules"))) {
            for (Path p : s.toList()) {
                Files.copy(p, rules.resolve(p.getFileName()));
            }
        }
        Path table = rules.resolve(io.transferadvisor.rules.Thresholds.FILE);
        Files.writeString(table, Files.readString(table).replace("size.small.perClass,20,", "size.small.perClass,50,"));
        assertThat(recommend(b, "--force", "--rules", rules.toString()).exitCode()).isZero();
        var d = CliTestSupport.run("explain", "--diff", a.toString(), b.toString());
        assertThat(d.exitCode()).as(d.err()).isZero();
        // 36/class becomes TINY: the same ensemble of three plans, on the TINY schedule (patience 15)
        assertThat(d.out()).contains("plan:", "ensembleMembers[0].hyperparameters.patience: 5 -> 15", "inputs:", "rulesHash", "fired only in B: size-tiny");
    }

    @Test
    void explainOfABadPlanExitsSix(@TempDir Path dir) throws Exception {
        Path plan = dir.resolve("plan.yaml");
        assertThat(recommend(plan).exitCode()).isZero();
        Files.writeString(plan, Files.readString(plan).replace("batchNorm: FROZEN", "batchNorm: MELTED"));
        var r = CliTestSupport.run("explain", plan.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_PLAN);
        assertThat(r.err()).contains("field 'hyperparameters.batchNorm' has bad value 'MELTED'");
        var missing = CliTestSupport.run("explain", dir.resolve("nope.yaml").toString());
        assertThat(missing.exitCode()).isEqualTo(ExitCodes.BAD_PLAN);
    }

}
