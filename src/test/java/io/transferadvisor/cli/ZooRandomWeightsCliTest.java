package io.transferadvisor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.transferadvisor.dataset.DatasetSpec;
import io.transferadvisor.model.ModelProfile;
import io.transferadvisor.model.ModelRegistry;
import io.transferadvisor.plan.PlanIO;
import io.transferadvisor.util.Json;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 14's plumbing test on real zoo graphs, offline: `weights: random` builds zoo SqueezeNet and
 * ResNet50 with fresh weights, and profile -> recommend -> execute -> predict run on 24 generated
 * 224x224 RGB images (discs vs squares). It proves the path (input geometry, cut layers, the
 * batch-norm shift reference, the feature cache), not accuracy: random features cannot tell the
 * classes apart.
 */
@org.junit.jupiter.api.Tag("slow")
class ZooRandomWeightsCliTest {

    static Path images(Path dir) throws Exception {
        Random r = new Random(7);
        for (String c : new String[] {"disc", "square"}) {
            Path d = Files.createDirectories(dir.resolve("data").resolve(c));
            for (int i = 0; i < 12; i++) {
                BufferedImage img = new BufferedImage(224, 224, BufferedImage.TYPE_INT_RGB);
                Graphics2D g = img.createGraphics();
                g.setColor(new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256)));
                g.fillRect(0, 0, 224, 224);
                g.setColor(new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256)));
                int s = 60 + r.nextInt(80);
                int x = r.nextInt(224 - s);
                int y = r.nextInt(224 - s);
                if (c.equals("disc")) {
                    g.fillOval(x, y, s, s);
                } else {
                    g.fillRect(x, y, s, s);
                }
                g.dispose();
                ImageIO.write(img, "png", d.resolve(i + ".png").toFile());
            }
        }
        return dir.resolve("data");
    }

    @ParameterizedTest
    @ValueSource(strings = {"zoo:squeezenet", "zoo:resnet50"})
    void theWholePipelineRunsOnARandomlyInitialisedZooGraph(String model, @TempDir Path dir) throws Exception {
        Path data = images(dir);
        Path yaml = dir.resolve("dataset.yaml");
        Files.writeString(yaml, "version: 1\nname: shapes\ntrain: {format: folder, path: data}\nsplit: {test: 0.25, validation: 0.2}\n"
                + "model: {name: " + model + ", weights: random}\nseed: 42\nbudget: {minutes: 10, max_epochs: 1}\n");
        Path run = dir.resolve("run");
        Path cache = dir.resolve("cache");
        var r = CliTestSupport.run("run", yaml.toString(), "-o", run.toString(), "--cache", cache.toString(), "--no-trials");
        assertThat(r.exitCode()).as(r.err()).isZero();

        ModelProfile source = ModelRegistry.resolve(new DatasetSpec.ModelRef(model, null, null, true)).profile();
        assertThat(source.provenance().get("weights").toString()).startsWith("random");
        JsonNode profile = Json.json().readTree(Files.readString(run.resolve("profile.json")));
        assertThat(profile.path("layers").size()).isEqualTo(source.candidateCuts().size());
        for (JsonNode layer : profile.path("layers")) {
            assertThat(Double.isFinite(layer.path("logme").path("value").asDouble(Double.NaN))).as(layer.toString()).isTrue();
        }
        if (model.equals("zoo:resnet50")) {
            // the shift is measured against the graph's own batch-norm statistics, as for the project's models
            assertThat(profile.path("layers").get(0).path("shiftReference").asText()).startsWith("batchnorm:");
        }
        var plan = PlanIO.read(run.resolve("plan.yaml"));
        if (plan.cutoffLayer() != null) {
            assertThat(source.candidateCuts()).contains(plan.cutoffLayer());
        }
        JsonNode metrics = Json.json().readTree(Files.readString(run.resolve("metrics.json")));
        int test = metrics.path("test").path("images").asInt();
        assertThat(test).isEqualTo(6); // 0.25 of 24
        assertThat(metrics.path("epochsRun").asInt()).isEqualTo(1);

        var p = CliTestSupport.run("predict", run.toString(), data.resolve("disc").toString());
        assertThat(p.exitCode()).as(p.err()).isZero();
        assertThat(p.out().lines().filter(l -> l.contains(".png")).count()).isEqualTo(12);
        assertThat(p.out()).containsPattern("(disc|square) \\d\\.\\d{3}, (disc|square) \\d\\.\\d{3}");
    }
}
