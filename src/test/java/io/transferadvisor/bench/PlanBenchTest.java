package io.transferadvisor.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.transferadvisor.plan.Augmentation;
import io.transferadvisor.plan.BatchNormPolicy;
import io.transferadvisor.plan.ClassWeighting;
import io.transferadvisor.plan.HeadType;
import io.transferadvisor.plan.Hyperparameters;
import io.transferadvisor.plan.Plan;
import io.transferadvisor.plan.Strategy;
import io.transferadvisor.probe.DatasetProfile;
import io.transferadvisor.probe.DatasetProfile.Estimate;
import io.transferadvisor.probe.DatasetProfile.LayerProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which trials the plan benchmark builds from a recommendation, and the generated task yaml (no training). */
class PlanBenchTest {
    @TempDir
    Path tmp;

    static final List<String> CUTS = List.of("b1_pool", "b2_pool", "b3_relu", "b4_relu", "fc1_relu");

    static Plan linear(String cut) {
        Hyperparameters h = new Hyperparameters(0.01, 0.0, 30, 5, 32, 0.0, BatchNormPolicy.FROZEN, Augmentation.NONE, ClassWeighting.NONE);
        return new Plan(1, "d.yaml", List.of("m"), Strategy.LINEAR_FROZEN, cut, HeadType.SOFTMAX, 0, h, null, List.of(), 42, 5, List.of());
    }

    static DatasetProfile profile(int unlabelled) {
        List<LayerProbe> layers = new java.util.ArrayList<>();
        double[] acc = {0.6, 0.7, 0.88, 0.87, 0.86};
        for (int i = 0; i < CUTS.size(); i++) {
            layers.add(new LayerProbe(CUTS.get(i), i, i / 4.0, 10, 0.1, 0.9, "model-profile", new Estimate(1, 1, 1),
                    new Estimate(acc[i], acc[i] - 0.05, acc[i] + 0.05)));
        }
        return new DatasetProfile(1, "d", "h", "m", null, layers, 0.9, null, null, unlabelled, null);
    }

    @Test
    void everyStrategyOnceWithTheRecommendationsSettingsAndATrainableBackbone() {
        Plan rec = linear("b4_relu");
        List<Plan> c = PlanBench.candidates(rec, profile(0), CUTS);
        assertThat(c).extracting(p -> p.strategy() + " " + p.cutoffLayer() + " " + p.growBlocks()).containsExactly(
                "LINEAR_FROZEN b4_relu 0", "LINEAR_EARLIER b2_pool 0", "TRUNCATE_GROW b2_pool 1", "FINETUNE_ABOVE b4_relu 0",
                "FINETUNE_ABOVE b2_pool 0", "FINETUNE_ALL null 0", "FROM_SCRATCH null 0");
        for (Plan p : c) {
            assertThat(p.seed()).isEqualTo(42);
            assertThat(p.hyperparameters().headLearningRate()).isEqualTo(0.01);
            assertThat(p.hyperparameters().maxEpochs()).isEqualTo(30);
            boolean ft = p.strategy() == Strategy.FINETUNE_ABOVE || p.strategy() == Strategy.FINETUNE_ALL;
            assertThat(p.hyperparameters().backboneLearningRate()).as("%s", p.strategy()).isEqualTo(ft ? 0.001 : 0.0, org.assertj.core.api.Assertions.within(1e-12));
        }
        assertThat(PlanBench.key(c.get(0))).isEqualTo(PlanBench.key(rec));
    }

    @Test
    void aNonLinearRecommendationPutsLinearFrozenAtTheBestProbedLayerAndUnlabelledAddsTheAutoencoder() {
        Plan rec = linear("b4_relu");
        Plan ft = new Plan(1, "d.yaml", List.of("m"), Strategy.FINETUNE_ALL, null, HeadType.SOFTMAX, 0, rec.hyperparameters(), null,
                List.of(), 42, 5, List.of());
        List<Plan> c = PlanBench.candidates(ft, profile(200), CUTS);
        assertThat(c.get(0).cutoffLayer()).isEqualTo("b3_relu");
        assertThat(c).extracting(Plan::strategy).endsWith(Strategy.AUTOENCODER_TRANSFER);
    }

    @Test
    void capsEpochsAndMinutes() {
        PlanBench b = new PlanBench(null, new PlanBench.Settings(15, 2, tmp, tmp));
        Plan p = b.capped(linear("b4_relu"));
        assertThat(p.hyperparameters().maxEpochs()).isEqualTo(15);
        assertThat(p.hyperparameters().patience()).isEqualTo(5);
        assertThat(p.budgetMinutes()).isEqualTo(2.0);
    }

    @Test
    void fashion200IsTheDefaultTaskWith222TrainImagesPerClass() throws Exception {
        Path yaml = tmp.resolve("d.yaml");
        Files.writeString(yaml, "version: 1\nname: x\ntrain:\n  format: idx\n  per_class: 40\ntest:\n  per_class: 100\n");
        Path out = BenchTasks.perClass(yaml, 222, "fashion-200", tmp.resolve("g/f.yaml"));
        String text = Files.readString(out);
        assertThat(text).contains("name: fashion-200").contains("  per_class: 222\n").contains("  per_class: 100\n").doesNotContain("per_class: 40");
    }

    @Test
    void benchPlansIsWiredAndRejectsAnUnknownTask() {
        var r = io.transferadvisor.cli.CliTestSupport.run("bench", "plans", "--tasks", tmp.resolve("nope.yaml").toString(),
                "-o", tmp.resolve("p.md").toString());
        // a bad --tasks value is a usage error, found before any task runs (was exit 3 when the task was reached)
        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains("neither a built-in task").contains("fashion200");
        assertThat(tmp.resolve("p.md")).doesNotExist();
    }
}
