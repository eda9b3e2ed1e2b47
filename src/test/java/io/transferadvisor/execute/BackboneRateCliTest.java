package io.transferadvisor.execute;

import io.transferadvisor.testing.MemoryImageSet;

import static org.assertj.core.api.Assertions.assertThat;

import io.transferadvisor.cli.CliTestSupport;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The backbone-rate default and `advisor run PLAN.yaml`, through the real command line. */
class BackboneRateCliTest {
    @TempDir
    static Path tmp;
    static Path plan;

    @BeforeAll
    static void files() throws Exception {
        Path zip = Tiny.sourceZip(tmp, 16);
        MemoryImageSet images = Tiny.images(10, 21, 0.8f, 16);
        for (int i = 0; i < images.size(); i++) {
            float[] px = images.pixels(i, new io.transferadvisor.dataset.InputGeometry(16, 16, 1));
            BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
            for (int y = 0; y < 16; y++) {
                for (int x = 0; x < 16; x++) {
                    img.getRaster().setSample(x, y, 0, Math.round(px[y * 16 + x] * 255));
                }
            }
            Path dir = tmp.resolve("data/" + images.classNames().get(images.label(i)));
            Files.createDirectories(dir);
            ImageIO.write(img, "png", dir.resolve(String.format(java.util.Locale.ROOT, "%03d.png", i)).toFile());
        }
        Files.writeString(tmp.resolve("dataset.yaml"), String.format(java.util.Locale.ROOT, """
                version: 1
                name: tiny-cli
                train: {format: folder, path: data}
                split: {test: 0.25, validation: 0.2}
                model: {file: %s}
                seed: 3
                budget: {minutes: 2, max_epochs: 2}
                """, zip.getFileName()));
        plan = tmp.resolve("plan.yaml");
        Files.writeString(plan, """
                schemaVersion: 1
                dataset: dataset.yaml
                models: [tiny-source-16.zip]
                strategy: LINEAR_FROZEN
                cutoffLayer: r2
                head: SOFTMAX
                growBlocks: 0
                hyperparameters:
                  headLearningRate: 0.01
                  backboneLearningRate: 0.0
                  maxEpochs: 2
                  patience: 2
                  batchSize: 8
                  weightDecay: 0.0
                  batchNorm: FROZEN
                seed: 3
                budgetMinutes: 2
                """);
    }

    @Test
    void finetuneAllOnALinearPlanUsesATenthOfTheHeadRateAndSaysSo() throws Exception {
        Path run = tmp.resolve("runs/ft");
        var r = CliTestSupport.run("execute", plan.toString(), "--strategy", "FINETUNE_ALL", "-o", run.toString(),
                "--cache", tmp.resolve("cache").toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err().lines().filter(l -> l.startsWith("backbone learning rate: the plan has 0")).count()).isEqualTo(1); // a progress note: stderr
        assertThat(r.out()).contains("overrides  strategy=FINETUNE_ALL (was LINEAR_FROZEN); cutoffLayer=none (was r2; FINETUNE_ALL takes none); "
                + "backboneLearningRate=0.001 (strategy override; plan had 0)");
        assertThat(r.out()).contains("strategy   FINETUNE_ALL\n"); // no cut the run did not use
        assertThat(Files.readString(run.resolve("plan.yaml"))).contains("backboneLearningRate: 0.001");
    }

    @Test
    void explicitZeroBackboneRateWithFineTuningExitsSix() {
        var r = CliTestSupport.run("execute", plan.toString(), "--strategy", "FINETUNE_ABOVE", "--cutoff", "p1", "--backbone-lr", "0",
                "-o", tmp.resolve("runs/zero").toString(), "--cache", tmp.resolve("cache").toString());
        assertThat(r.exitCode()).isEqualTo(6);
        assertThat(r.err()).contains("backbone would not train").contains("LINEAR_FROZEN");
        assertThat(r.err().strip().lines().count()).isEqualTo(1);
        assertThat(tmp.resolve("runs/zero")).doesNotExist();
    }

    @Test
    void runAcceptsAPlanFile() throws Exception {
        Path run = tmp.resolve("runs/viarun");
        var r = CliTestSupport.run("run", plan.toString(), "-o", run.toString(), "--cache", tmp.resolve("cache").toString(), "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).contains("is a plan: executing it");
        var json = io.transferadvisor.util.Json.json().readTree(r.out());
        assertThat(json.get("strategy").asText()).isEqualTo("LINEAR_FROZEN");
        assertThat(json.get("epochsRun").asInt()).isEqualTo(2);
        assertThat(run.resolve("model.zip")).exists();
        assertThat(Files.readString(run.resolve("plan.yaml"))).contains("cutoffLayer: r2");
        // a dataset.yaml is profiled, recommended and trained, each step announced on stderr (stdout: the result only)
        var full = CliTestSupport.run("run", tmp.resolve("dataset.yaml").toString(), "-o", tmp.resolve("runs/full").toString(),
                "--cache", tmp.resolve("cache").toString(), "--json");
        assertThat(full.exitCode()).as(full.err()).isZero();
        assertThat(full.err()).contains("run step 1/3: profiling tiny-cli", "run step 2/3: recommending", "run step 3/3: training");
        assertThat(full.err().indexOf("step 1/3")).isLessThan(full.err().indexOf("step 2/3"));
        assertThat(full.err().indexOf("step 2/3")).isLessThan(full.err().indexOf("step 3/3"));
        assertThat(io.transferadvisor.util.Json.json().readTree(full.out()).has("strategy")).isTrue();
        // a missing file is still a dataset error
        var missing = CliTestSupport.run("run", tmp.resolve("nope.yaml").toString());
        assertThat(missing.exitCode()).isEqualTo(3);
    }

    @Test
    void freezeIsAPlanFieldAndKeepsExactlyThoseLayersAtTheirSourceWeights() throws Exception {
        Path run = tmp.resolve("runs/frozen-c2");
        var r = CliTestSupport.run("execute", plan.toString(), "--strategy", "FINETUNE_ALL", "--freeze", "c2", "-o", run.toString(),
                "--cache", tmp.resolve("cache").toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        io.transferadvisor.plan.Plan ran = io.transferadvisor.plan.PlanIO.read(run.resolve("plan.yaml"));
        assertThat(ran.freeze()).containsExactly("c2");
        assertThat(ran.overrides()).contains("freeze=c2 (was none)");
        var source = org.deeplearning4j.util.ModelSerializer.restoreComputationGraph(tmp.resolve("tiny-source-16.zip").toFile(), false);
        var trained = org.deeplearning4j.util.ModelSerializer.restoreComputationGraph(run.resolve("model.zip").toFile(), false);
        assertThat(trained.getLayer("c2").params()).isEqualTo(source.getLayer("c2").params());
        // the backbone trained everywhere else (FINETUNE_ALL), so the check above could fail
        assertThat(trained.getLayer("c1").params()).isNotEqualTo(source.getLayer("c1").params());
    }

    @Test
    void freezeOfALayerTheModelLacksIsABadPlanNamingTheValidOnes() throws Exception {
        var r = CliTestSupport.run("execute", plan.toString(), "--strategy", "FINETUNE_ALL", "--freeze", "nope", "-o",
                tmp.resolve("runs/frozen-nope").toString(), "--cache", tmp.resolve("cache").toString());
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.err()).contains("--freeze layer 'nope' not found").contains("c2");
    }
}
