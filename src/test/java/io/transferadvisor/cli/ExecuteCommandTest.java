package io.transferadvisor.cli;

import io.transferadvisor.testing.MemoryImageSet;

import static org.assertj.core.api.Assertions.assertThat;

import io.transferadvisor.execute.Tiny;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `advisor execute` and `advisor predict` through the real command line, with their exit codes. */
class ExecuteCommandTest {
    @TempDir
    static Path tmp;
    static Path plan;

    @BeforeAll
    static void files() throws Exception {
        Path zip = Tiny.sourceZip(tmp, 16);
        MemoryImageSet images = Tiny.images(12, 21, 0.8f, 16);
        for (int i = 0; i < images.size(); i++) {
            float[] px = images.pixels(i, new io.transferadvisor.dataset.InputGeometry(16, 16, 1));
            BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
            for (int y = 0; y < 16; y++) {
                for (int x = 0; x < 16; x++) {
                    int v = Math.round(px[y * 16 + x] * 255);
                    img.getRaster().setSample(x, y, 0, v);
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
                budget: {minutes: 2, max_epochs: 3}
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
                  maxEpochs: 3
                  patience: 3
                  batchSize: 8
                  weightDecay: 0.0
                  batchNorm: FROZEN
                seed: 3
                budgetMinutes: 2
                """);
    }

    @Test
    void executeWritesARunThatPredictUses() throws Exception {
        Path run = tmp.resolve("runs/one");
        var r = CliTestSupport.run("execute", plan.toString(), "-o", run.toString(), "--cache", tmp.resolve("cache").toString(),
                "--epochs", "2");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("test       accuracy").contains("maxEpochs=2 (was 3)");
        // progress on stderr with the step's ETA; stdout carries the result only
        assertThat(r.err()).contains("epoch 1/2", "ETA <= ", "run finished");
        assertThat(r.out()).containsPattern("validation accuracy [0-9.]+ on \\d+ images");
        assertThat(r.out()).doesNotContain("epoch 1/2").doesNotContain("ETA");
        var metrics = io.transferadvisor.util.Json.json().readTree(run.resolve("metrics.json").toFile());
        assertThat(metrics.path("schemaVersion").asInt()).isEqualTo(2);
        // the content hash of the images dataset.yaml selects, loaded here on their own
        String dataHash = io.transferadvisor.dataset.DatasetLoader.load(io.transferadvisor.dataset.SpecReader.read(tmp.resolve("dataset.yaml")))
                .contentHash();
        assertThat(metrics.path("provenance").path("datasetHash").asText()).isEqualTo(dataHash);
        assertThat(metrics.path("provenance").path("trainedModelSha256").asText())
                .isEqualTo(io.transferadvisor.util.Hashing.sha256(run.resolve("model.zip")));
        assertThat(metrics.path("provenance").path("planSha256").asText()).isEqualTo(io.transferadvisor.util.Hashing.sha256(run.resolve("plan.yaml")));
        var runJson = io.transferadvisor.util.Json.json().readTree(run.resolve("run.json").toFile());
        assertThat(runJson.path("schemaVersion").asInt()).isEqualTo(2);
        assertThat(runJson.path("provenance").path("plan").asText()).isEqualTo("LINEAR_FROZEN r2"); // strategy and cut of the plan above
        for (String f : new String[] {"model.zip", "plan.yaml", "metrics.json", "report.html", "run.json"}) {
            assertThat(run.resolve(f)).exists();
        }
        assertThat(Files.readString(run.resolve("plan.yaml"))).contains("maxEpochs=2 (was 3)").contains(tmp.resolve("dataset.yaml").toString());
        String html = Files.readString(run.resolve("report.html"));
        assertThat(html).contains("data:image/png;base64,").doesNotContain("http://").doesNotContain("https://");

        var again = CliTestSupport.run("execute", plan.toString(), "-o", run.toString(), "--cache", tmp.resolve("cache").toString());
        assertThat(again.exitCode()).isEqualTo(ExitCodes.OUTPUT);
        assertThat(again.err()).contains("--force");

        var p = CliTestSupport.run("predict", run.toString(), tmp.resolve("data/vertical").toString(), "--top", "2");
        assertThat(p.exitCode()).as(p.err()).isZero();
        assertThat(p.out().lines().count()).isEqualTo(12);
        assertThat(p.out()).contains("vertical");
        var pj = CliTestSupport.run("predict", run.toString(), tmp.resolve("data/vertical/001.png").toString(), "--json");
        assertThat(pj.exitCode()).isZero();
        assertThat(pj.out()).contains("\"probability\"");

        var resume = CliTestSupport.run("execute", "--resume", run.toString());
        assertThat(resume.exitCode()).isEqualTo(ExitCodes.OUTPUT);
        assertThat(resume.err()).contains("already finished");
    }

    @Test
    void unknownCutoffIsABadModelListingValidLayers() {
        var r = CliTestSupport.run("execute", plan.toString(), "-o", tmp.resolve("runs/bad").toString(), "--cutoff", "nope",
                "--cache", tmp.resolve("cache").toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_MODEL);
        assertThat(r.err()).contains("'nope' not found").contains("valid:").contains("p1").contains("fc_relu");
    }

    @Test
    void missingPlanIsABadPlanAndMissingArgumentsAUsageError() {
        var r = CliTestSupport.run("execute", tmp.resolve("nope.yaml").toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_PLAN);
        assertThat(r.err()).contains("not found");
        assertThat(CliTestSupport.run("execute").exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(CliTestSupport.run("predict", tmp.toString()).exitCode()).isEqualTo(ExitCodes.USAGE);
    }
}
