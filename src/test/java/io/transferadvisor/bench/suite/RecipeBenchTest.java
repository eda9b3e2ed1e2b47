package io.transferadvisor.bench.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferadvisor.plan.Augmentation;
import io.transferadvisor.plan.BatchNormPolicy;
import io.transferadvisor.plan.ClassWeighting;
import io.transferadvisor.plan.Hyperparameters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecipeBenchTest {
    static RecipeBench.Row row(String task, long seed, String variant, String size, double secs, double acc, int epochs) {
        return new RecipeBench.Row("recipe", task, seed, "h", variant, variant + task + seed, "FINETUNE_ABOVE", "b1_pool", size, 16, 30, 15, epochs,
                epochs / 2, secs, acc, 300);
    }

    @Test
    void variantsChangeOnlyTheScheduleOrTheBatch() {
        Hyperparameters h = new Hyperparameters(1e-2, 1e-3, 30, 15, 16, 5e-4, BatchNormPolicy.TRAIN, new Augmentation(true, 2, 0.0), ClassWeighting.NONE);
        SuiteSpec.Task task = new SuiteSpec.Task("t", "f", "fashion", List.of("0", "1"), null, null, 4, 25, 0);
        Hyperparameters half = RecipeBench.VARIANTS.get(1).edit().apply(h, task);
        assertThat(half).isEqualTo(new Hyperparameters(1e-2, 1e-3, 30, 7, 16, 5e-4, BatchNormPolicy.TRAIN, new Augmentation(true, 2, 0.0), ClassWeighting.NONE));
        Hyperparameters x2 = RecipeBench.VARIANTS.get(2).edit().apply(h, task);
        assertThat(x2.batchSize()).isEqualTo(32);
        assertThat(x2.patience()).isEqualTo(15);
        Hyperparameters suite = RecipeBench.VARIANTS.get(3).edit().apply(h, task);
        assertThat(suite.maxEpochs()).isEqualTo(25);
        assertThat(suite.patience()).isEqualTo(8);
        assertThat(suite.augmentation()).isEqualTo(new Augmentation(true, 2, 0.0));
        // patience never exceeds the cap, never drops below 2 when halved
        Hyperparameters small = new Hyperparameters(1e-2, 1e-3, 3, 3, 16, 5e-4, BatchNormPolicy.TRAIN, null, null);
        assertThat(RecipeBench.VARIANTS.get(1).edit().apply(small, task).patience()).isEqualTo(2);
    }

    @Test
    void theReportPairsEachRecipeWithTheRulesPlanOfTheSameRun() {
        List<RecipeBench.Row> rows = List.of(
                row("a", 42, "rules", "TINY", 4.0, 0.80, 30), row("a", 42, "half-patience", "TINY", 1.0, 0.70, 10),
                row("b", 42, "rules", "SMALL", 6.0, 0.90, 20), row("b", 42, "half-patience", "SMALL", 3.0, 0.92, 12),
                row("c", 42, "half-patience", "SMALL", 1.0, 0.10, 5)); // no rules run: not paired, not counted
        List<RecipeBench.Variant> v = List.of(RecipeBench.VARIANTS.get(0), RecipeBench.VARIANTS.get(1));
        String md = RecipeBench.report("advisor bench recipe", 1.0, v, rows, "abcdef0123456789");
        assertThat(md).contains("## Size class TINY\n\n1 runs", "## Size class SMALL\n\n1 runs", "## All runs\n\n2 runs");
        String all = md.substring(md.indexOf("## All runs"));
        // half-patience over a and b: 4 of 10 seconds, accuracy -10 and +2 points: mean -4, worst -10
        assertThat(all).contains("| half-patience | 2 | 11.0 | 4.0 | 0.40x | 0.8100 | -4.00 |");
        assertThat(all).contains("| -10.00 |");
        assertThat(all).contains("| rules | 2 | 25.0 | 10.0 | 1.00x | 0.8500 | +0.00 |");
    }

    @Test
    void resultsResumeAndACutLastLineIsSkippedButDamageElsewhereIsNot(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("r.jsonl");
        var json = io.transferadvisor.util.Json.json().copy().disable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);
        String a = json.writeValueAsString(row("a", 42, "rules", "TINY", 4.0, 0.8, 30));
        String b = json.writeValueAsString(row("a", 43, "rules", "TINY", 4.0, 0.8, 30));
        Files.writeString(f, a + "\n" + b + "\n" + "{\"kind\":\"rec");
        assertThat(RecipeBench.read(f)).hasSize(2).containsKey("a|42|h|rulesa42");
        Files.writeString(f, a + "\n{\"kind\":\"rec\n" + b + "\n");
        assertThatThrownBy(() -> RecipeBench.read(f)).hasMessageContaining("line 2");
        assertThat(RecipeBench.read(dir.resolve("none.jsonl"))).isEmpty();
    }

    @Test
    void anEnsemblesTrainSecondsAndEpochsAreItsMembersSummed(@TempDir Path dir) throws Exception {
        // the ensemble's own metrics hold no train phase and 0 epochs (it trains nothing itself): the members' metrics.json do
        Files.createDirectories(dir.resolve("member-1"));
        Files.createDirectories(dir.resolve("member-2"));
        Files.writeString(dir.resolve("member-1/metrics.json"), "{\"epochsRun\": 12, \"phases\": {\"features\": 0.5, \"train\": 1.25}}");
        Files.writeString(dir.resolve("member-2/metrics.json"), "{\"epochsRun\": 30, \"phases\": {\"train\": 2.5, \"evaluate\": 0.1}}");
        var members = List.of(new io.transferadvisor.report.RunMetrics.Member("member-1", "m", "FINETUNE_ABOVE", 0.5, 0.6),
                new io.transferadvisor.report.RunMetrics.Member("member-2", "m", "FROM_SCRATCH", 0.5, 0.6));
        assertThat(RecipeBench.memberTraining(dir, members)).isEqualTo(new RecipeBench.MemberTraining(3.75, 42));
        var missing = List.of(new io.transferadvisor.report.RunMetrics.Member("member-3", "m", "FROM_SCRATCH", 0.5, 0.6));
        assertThatThrownBy(() -> RecipeBench.memberTraining(dir, missing)).hasMessageContaining("member-3");
    }

    @Test
    void aRecipeReachesEveryEnsembleMember() {
        Hyperparameters h = new Hyperparameters(1e-2, 1e-3, 30, 15, 16, 5e-4, BatchNormPolicy.TRAIN, Augmentation.NONE, ClassWeighting.NONE);
        Hyperparameters other = new Hyperparameters(1e-2, 0.0, 40, 20, 16, 5e-4, BatchNormPolicy.FROZEN, Augmentation.NONE, ClassWeighting.NONE);
        io.transferadvisor.plan.Plan a = new io.transferadvisor.plan.Plan(io.transferadvisor.plan.Plan.SCHEMA_VERSION, "d", List.of("m"),
                io.transferadvisor.plan.Strategy.FINETUNE_ABOVE, "b1_pool", io.transferadvisor.plan.HeadType.SOFTMAX, 0, h, null, List.of(), 42, 10,
                List.of());
        io.transferadvisor.plan.Plan b = new io.transferadvisor.plan.Plan(io.transferadvisor.plan.Plan.SCHEMA_VERSION, "d", List.of("m"),
                io.transferadvisor.plan.Strategy.LINEAR_FROZEN, "fc1_relu", io.transferadvisor.plan.HeadType.SOFTMAX, 0, other, null, List.of(), 42, 10,
                List.of());
        io.transferadvisor.plan.Plan ens = new io.transferadvisor.plan.Plan(io.transferadvisor.plan.Plan.SCHEMA_VERSION, "d", List.of("m"),
                io.transferadvisor.plan.Strategy.ENSEMBLE, null, io.transferadvisor.plan.HeadType.SOFTMAX, 0, h, null, List.of(a, b), 42, 10, List.of());
        SuiteSpec.Task task = new SuiteSpec.Task("t", "f", "fashion", List.of("0", "1"), null, null, 4, 25, 0);
        io.transferadvisor.plan.Plan edited = RecipeBench.withRecipe(ens, RecipeBench.VARIANTS.get(3), task); // suite-schedule: cap 25, patience 8
        assertThat(edited.hyperparameters().maxEpochs()).isEqualTo(25);
        assertThat(edited.ensembleMembers()).extracting(m -> m.hyperparameters().maxEpochs()).containsExactly(25, 25);
        assertThat(edited.ensembleMembers()).extracting(m -> m.hyperparameters().patience()).containsExactly(8, 8);
        // what the recipe does not change stays each member's own
        assertThat(edited.ensembleMembers().get(1).hyperparameters().batchNorm()).isEqualTo(BatchNormPolicy.FROZEN);
        assertThat(RecipeBench.withRecipe(a, RecipeBench.VARIANTS.get(0), task)).isEqualTo(a);
    }
}
