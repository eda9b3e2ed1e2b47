package io.transferadvisor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `advisor bench suite`: the --quick harness end to end (CI runs it), resume, and bad input. */
@org.junit.jupiter.api.Tag("slow") // trains or runs DL4J for seconds: `mvn test -DexcludedGroups=slow` skips it
class BenchSuiteCliTest {
    @Test
    void quickRunsScoresAndResumesWithoutTrainingAgain(@TempDir Path dir) throws Exception {
        Path results = dir.resolve("results.jsonl");
        Path md = dir.resolve("quick.md");
        CliTestSupport.Result r = CliTestSupport.run("bench", "suite", "--quick", "--results", results.toString(), "-o", md.toString(),
                "--cache", dir.resolve("cache").toString());
        assertThat(r.exitCode()).as(r.err()).isEqualTo(0);
        String report = Files.readString(md);
        assertThat(report).contains("3 tasks x 1 seeds").contains("3 complete runs").contains("## Held-out tasks").contains("## Calibration tasks")
                .contains("| **the advisor** |").contains("textbook matrix").contains("best fixed on calibration")
                .contains("![heat map](quick-heatmap.png)");
        // all three quick tasks have 4 images per class: TINY, where the rules average three plans of the model
        assertThat(report).doesNotContain("## Measured plan trials").contains("*reference: the task's best trial on its other seeds");
        assertThat(Files.size(dir.resolve("quick-heatmap.png"))).isGreaterThan(10_000);
        // so each run trains the four one-model ensembles with each model, scored in their own section (2 calibration runs, 1 held-out)
        assertThat(r.out()).containsPattern("\\[digits-4 s42\\]  ?\\d+/\\d+ ENSEMBLE of FINETUNE_ABOVE b1_pool \\+ TRUNCATE_GROW b3_relu \\+1 \\+ FROM_SCRATCH +test [01]\\.\\d{4}")
                .containsPattern("\\[digits-4 on glyphs-cnn s42\\]  ?\\d+/\\d+ ENSEMBLE of FINETUNE_ABOVE");
        assertThat(report).contains("## Ensembling one model's plans instead of choosing").contains("| calibration | under 20 | oracle per run | 2 |")
                .contains("| held-out | under 20 | oracle per task | 1 |").contains("Training time of each ensemble per run")
                .doesNotContain("| 20 and more |");
        // every regret in the tables is a number of points between 0 and 100
        Matcher m = Pattern.compile("\\| ([0-9.]+) \\| ([0-9.]+)-([0-9.]+) \\|").matcher(report);
        int rows = 0;
        while (m.find()) {
            double mean = Double.parseDouble(m.group(1));
            assertThat(mean).isBetween(0.0, 100.0);
            rows++;
        }
        assertThat(rows).isGreaterThanOrEqualTo(20);
        long lines = Files.readAllLines(results).size();
        // 3 tasks x (1 probe + 20 oracle trials + 6 ensembles) with each of fmnist-cnn and glyphs-cnn, the suite's other model
        // (the advisor's pick is one of the ensembles, or a single plan of the oracle)
        assertThat(lines).isGreaterThanOrEqualTo(162);
        assertThat(Files.readAllLines(results).stream().filter(l -> l.contains("\"key\":\"ENSEMBLE|")).count())
                // the plan ensembles and, since stop 42, the familiar pair (TrialKey#familiarPair) on every run of each model
                .isEqualTo(3 * 2 * (io.transferadvisor.bench.suite.TrialKey.planEnsembles(java.util.List.of("a", "b", "c", "d", "e")).size() + 1));
        assertThat(r.out()).contains("[digits-4 on glyphs-cnn s42] probed in");
        // the model choice is scored on every run both models finished: 2 calibration tasks, 1 held-out
        assertThat(report).contains("## Model choice and ensembles (issue 9)").contains("### The whole plan with several models in play")
                .contains("| **the advisor** (the rules' model or ensemble, with its plan) |")
                .contains("| always fmnist-cnn | always glyphs-cnn | always the ensemble | probe's top model | the rules' choice |");
        // every complete run trains its ensemble, so none is left unscored
        Matcher choice = Pattern.compile("\\| (held-out|calibration) \\| (\\d) \\| (\\d) \\| ([0-9.]+) \\| ([0-9.]+) \\| ([0-9.]+) \\| ([0-9.]+) \\| \\*\\*([0-9.]+)\\*\\* \\| (\\d) of (\\d) \\| (\\d) \\| 0 \\|")
                .matcher(report);
        java.util.Map<String, Integer> tasksBySplit = new java.util.HashMap<>();
        while (choice.find()) {
            tasksBySplit.put(choice.group(1), Integer.parseInt(choice.group(2)));
            if (choice.group(1).equals("held-out")) {
                // one task at one seed: one of the two models is its better model and loses nothing
                assertThat(Math.min(Double.parseDouble(choice.group(4)), Double.parseDouble(choice.group(5)))).isZero();
            }
        }
        assertThat(tasksBySplit).containsEntry("calibration", 2).containsEntry("held-out", 1);
        assertThat(r.out()).containsPattern("\\[digits-4 s42\\] ensemble \\(best\\) test [01]\\.\\d{4} .* members: fmnist-cnn ")
                .containsPattern("\\[digits-4 s42\\] ensemble \\(advised\\) test [01]\\.\\d{4} .* members: fmnist-cnn ");
        // each member, trained again inside the ensemble, scores exactly what its own trial scored (training is deterministic)
        Matcher member = Pattern.compile(" ([01]\\.\\d{4}) \\(trial ([01]\\.\\d{4})\\)").matcher(r.out());
        int members = 0;
        while (member.find()) {
            assertThat(member.group(1)).isEqualTo(member.group(2));
            members++;
        }
        // 3 runs x 2 to 12 members of the best trials (a model's best may be an ensemble of up to six of its plans, which joins as
        // its plans; six on TINY data since stop 46), plus the advised members (2) and the whole advised plans (up to 12) that are
        // oracle trials too
        assertThat(members).isBetween(6, 3 * (12 + 2 + 12));

        CliTestSupport.Result again = CliTestSupport.run("bench", "suite", "--quick", "--results", results.toString(), "-o", md.toString(),
                "--cache", dir.resolve("cache").toString());
        assertThat(again.exitCode()).isEqualTo(0);
        assertThat(again.out()).doesNotContain("probed in").doesNotContain(" epochs ").doesNotContain("ensemble (");
        assertThat(Files.readAllLines(results)).hasSize((int) lines);
        assertThat(Files.readString(md)).contains("3 complete runs");

        // an ensemble recorded by no call yet (here: one run's plan ensembles, deleted) is scored from its members trained once
        // again for their test probabilities: the same accuracies, no member trial recorded twice, no warning
        java.util.function.Predicate<String> dropped = l -> l.contains("\"task\":\"digits-4\"") && l.contains("\"seed\":42,")
                && l.contains("\"key\":\"ENSEMBLE|");
        Pattern hashKeyCorrect = Pattern.compile("\"taskHash\":\"([^\"]+)\",\"key\":\"([^\"]+)\",.*\"testCorrect\":(\\d+)");
        java.util.Map<String, String> before = new java.util.HashMap<>();
        List<String> kept = new java.util.ArrayList<>();
        for (String l : Files.readAllLines(results)) {
            if (dropped.test(l)) {
                Matcher x = hashKeyCorrect.matcher(l);
                assertThat(x.find()).as(l).isTrue();
                before.put(x.group(1) + " " + x.group(2), x.group(3));
            } else {
                kept.add(l);
            }
        }
        assertThat(before).hasSize(2 * (io.transferadvisor.bench.suite.TrialKey.planEnsembles(java.util.List.of("a", "b", "c", "d", "e")).size() + 1));
        Files.write(results, kept);
        CliTestSupport.Result added = CliTestSupport.run("bench", "suite", "--quick", "--results", results.toString(), "-o", md.toString(),
                "--cache", dir.resolve("cache").toString());
        assertThat(added.exitCode()).as(added.err()).isEqualTo(0);
        assertThat(added.out()).contains("members' trials averaged").doesNotContain("warning").doesNotContain(" epochs ");
        java.util.Map<String, String> after = new java.util.HashMap<>();
        for (String l : Files.readAllLines(results)) {
            if (dropped.test(l)) {
                Matcher x = hashKeyCorrect.matcher(l);
                assertThat(x.find()).as(l).isTrue();
                after.put(x.group(1) + " " + x.group(2), x.group(3));
            }
        }
        assertThat(after).isEqualTo(before);
        assertThat(Files.readAllLines(results)).hasSize((int) lines);

        // --model-trials adds each run's short trial of every model (3 runs x 2 models), trains nothing else, and scores the
        // pre-registered candidates that read it; a second call finds them recorded
        CliTestSupport.Result trials = CliTestSupport.run("bench", "suite", "--quick", "--model-trials", "--results", results.toString(), "-o",
                md.toString(), "--cache", dir.resolve("cache").toString());
        assertThat(trials.exitCode()).as(trials.err()).isEqualTo(0);
        assertThat(trials.out()).doesNotContain(" epochs ").doesNotContain("probed in")
                .containsPattern("\\[digits-4 s42\\] short trial FINETUNE_ABOVE b1_pool, 3 folds: out-of-fold accuracy [01]\\.\\d{4}, log loss \\d+\\.\\d{4}")
                .containsPattern("\\[digits-4 on glyphs-cnn s42\\] short trial FINETUNE_ABOVE b1_pool, 3 folds");
        assertThat(Files.readAllLines(results).stream().filter(l -> l.startsWith("{\"kind\":\"foldtrial\"")).count()).isEqualTo(6);
        assertThat(Files.readAllLines(results)).hasSize((int) lines + 6);
        String withTrials = Files.readString(md);
        assertThat(withTrials).contains("The short trial's cost (3 runs with every model's trial)")
                .containsPattern("\\| the lower short-trial log loss \\| [0-9]+\\.[0-9]{2} \\(");
        CliTestSupport.Result resumed = CliTestSupport.run("bench", "suite", "--quick", "--model-trials", "--results", results.toString(), "-o",
                md.toString(), "--cache", dir.resolve("cache").toString());
        assertThat(resumed.exitCode()).isEqualTo(0);
        assertThat(resumed.out()).doesNotContain("] short trial");
        assertThat(Files.readAllLines(results)).hasSize((int) lines + 6);

        // --decisions: each complete run's decision, one JSON line, the rules' plan accuracy read from its own trial record
        Path decisions = dir.resolve("decisions.jsonl");
        CliTestSupport.Result dec = CliTestSupport.run("bench", "suite", "--quick", "--report-only", "--results", results.toString(), "-o",
                md.toString(), "--decisions", decisions.toString());
        assertThat(dec.exitCode()).as(dec.err()).isEqualTo(0);
        List<String> decided = Files.readAllLines(decisions);
        assertThat(decided).hasSize(3);
        var json = io.transferadvisor.util.Json.json();
        List<String> records = Files.readAllLines(results);
        for (String l : decided) {
            var d = json.readTree(l);
            assertThat(d.get("split").asText()).isIn("calibration", "held-out");
            assertThat(d.get("pick").asText()).isIn("fmnist-cnn", "glyphs-cnn");
            for (String model : List.of("fmnist-cnn", "glyphs-cnn")) {
                double oracle = d.get("oracle").get(model).asDouble();
                double advised = d.get("advised").get(model).asDouble();
                String key = d.get("advisedKey").get(model).asText();
                assertThat(advised).as(l).isBetween(0.0, oracle);
                // the very trial the key names, on this task and seed, with this model's task hash
                assertThat(records.stream().filter(rec -> rec.startsWith("{\"kind\":\"trial\"") && rec.contains("\"task\":\"" + d.get("task").asText() + "\"")
                        && rec.contains("\"seed\":" + d.get("seed").asLong() + ",") && rec.contains("\"key\":\"" + key + "\"")
                        && rec.contains("\"testAccuracy\":" + advised + ","))).as(key).isNotEmpty();
            }
        }
    }

    @Test
    void badInputIsAOneLineErrorWithItsExitCode(@TempDir Path dir) throws Exception {
        CliTestSupport.Result task = CliTestSupport.run("bench", "suite", "--tasks", "new-5cls-5", "--report-only", "--results", dir.resolve("r").toString());
        assertThat(task.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(task.err()).contains("--tasks new-5cls-5").contains("new-5cls-4");
        // a seed the suite does not list would mix into the suite's records: only into a results file of its own
        CliTestSupport.Result seed = CliTestSupport.run("bench", "suite", "--seeds", "7", "--report-only", "-o", dir.resolve("s.md").toString());
        assertThat(seed.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(seed.err()).contains("--seeds 7").contains("--results");
        assertThat(dir.resolve("s.md")).doesNotExist();
        CliTestSupport.Result fresh = CliTestSupport.run("bench", "suite", "--seeds", "7", "--tasks", "new-5cls-4", "--report-only",
                "--results", dir.resolve("fresh.jsonl").toString(), "-o", dir.resolve("fresh.md").toString());
        assertThat(fresh.exitCode()).as(fresh.err()).isEqualTo(ExitCodes.OK);
        assertThat(Files.readString(dir.resolve("fresh.md"))).contains("1 tasks x 1 seeds");
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "version: 1\nmodel: fmnist-cnn\n");
        CliTestSupport.Result suite = CliTestSupport.run("bench", "suite", "--suite", bad.toString(), "--report-only", "--results", dir.resolve("r").toString());
        assertThat(suite.exitCode()).isEqualTo(ExitCodes.BAD_DATASET);
        assertThat(suite.err()).contains(bad.toString()).contains("required");
        Path notOurs = dir.resolve("notes.md");
        Files.writeString(notOurs, "# notes\n");
        CliTestSupport.Result res = CliTestSupport.run("bench", "suite", "--report-only", "--results", notOurs.toString(), "-o", dir.resolve("o.md").toString());
        assertThat(res.exitCode()).isEqualTo(ExitCodes.BAD_DATASET);
        assertThat(Files.readString(notOurs)).isEqualTo("# notes\n");
    }
}
