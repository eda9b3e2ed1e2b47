package io.transferadvisor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.transferadvisor.dataset.DatasetSpec;
import io.transferadvisor.model.ModelProfile;
import io.transferadvisor.model.ModelRegistry;
import io.transferadvisor.plan.PlanIO;
import io.transferadvisor.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        return io.transferadvisor.testing.ShapeImages.write(dir, 224, true, 12, 7, 60, 80);
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
        var r = CliTestSupport.run("run", yaml.toString(), "-o", run.toString(), "--cache", cache.toString());
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
        if (plan.strategy() == io.transferadvisor.plan.Strategy.ENSEMBLE) {
            // TINY data: the model's plans averaged, each trained for the one epoch the budget allows
            assertThat(metrics.path("members").size()).isEqualTo(plan.ensembleMembers().size());
            for (var m : plan.ensembleMembers()) {
                assertThat(m.models()).containsExactly(model);
            }
        } else {
            assertThat(metrics.path("epochsRun").asInt()).isEqualTo(1);
        }

        var p = CliTestSupport.run("predict", run.toString(), data.resolve("disc").toString());
        assertThat(p.exitCode()).as(p.err()).isZero();
        assertThat(p.out().lines().filter(l -> l.contains(".png")).count()).isEqualTo(12);
        assertThat(p.out()).containsPattern("(disc|square) \\d\\.\\d{3}, (disc|square) \\d\\.\\d{3}");
    }

    /**
     * Exact resume on a real zoo graph: SqueezeNet (random weights) crashed right after its first
     * checkpoint commit, then `execute --resume`, ends with the weights of an uninterrupted run,
     * bit for bit, reading the frozen layers' feature maps that run cached.
     */
    @org.junit.jupiter.api.Test
    void aCrashedZooRunResumesToTheUninterruptedWeights(@TempDir Path dir) throws Exception {
        images(dir);
        Path yaml = dir.resolve("dataset.yaml");
        Files.writeString(yaml, "version: 1\nname: shapes\ntrain: {format: folder, path: data}\nsplit: {test: 0.25, validation: 0.2}\n"
                + "model: {name: zoo:squeezenet, weights: random}\nseed: 42\nbudget: {minutes: 10, max_epochs: 2}\n");
        Path whole = dir.resolve("whole");
        // one network, fine-tuned above the first cut (the TINY data would get an ensemble of three plans)
        String firstCut = ModelRegistry.resolve(new DatasetSpec.ModelRef("zoo:squeezenet", null, null, true)).profile().candidateCuts().get(0);
        String[] single = {"--strategy", "FINETUNE_ABOVE", "--cutoff", firstCut};
        var w = CliTestSupport.run(concat(new String[] {"run", yaml.toString(), "-o", whole.toString(), "--cache", dir.resolve("c1").toString(),
                "--checkpoint-every", "0"}, single));
        assertThat(w.exitCode()).as(w.err()).isZero();
        JsonNode metrics = Json.json().readTree(Files.readString(whole.resolve("metrics.json")));
        assertThat(metrics.path("epochsRun").asInt()).isEqualTo(2);

        Path crashed = dir.resolve("crashed");
        java.util.List<String> seen = new java.util.ArrayList<>();
        io.transferadvisor.util.WriteHooks.install(point -> {
            seen.add(point);
            if (point.startsWith("checkpoint committed")) {
                throw new io.transferadvisor.util.WriteHooks.SimulatedCrash(point);
            }
        });
        CliTestSupport.Result c;
        try {
            c = CliTestSupport.run(concat(new String[] {"run", yaml.toString(), "-o", crashed.toString(), "--cache", dir.resolve("c1").toString(),
                    "--checkpoint-every", "0"}, single));
        } finally {
            io.transferadvisor.util.WriteHooks.clear();
        }
        assertThat(c.exitCode()).as("the simulated crash stops the run: " + seen).isNotZero();
        assertThat(seen).anyMatch(p -> p.startsWith("checkpoint committed"));
        assertThat(crashed.resolve("model.zip")).doesNotExist();
        var r = CliTestSupport.run("execute", "--resume", crashed.toString(), "--cache", dir.resolve("c1").toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode cache = Json.json().readTree(Files.readString(crashed.resolve("metrics.json"))).path("cache");
        if (cache.has("layer")) {
            // frozen layers below the cut: the resumed run reads the feature maps the first run cached
            assertThat(cache.path("reused").asInt()).as(cache.toString()).isPositive();
            assertThat(cache.path("computed").asInt()).as(cache.toString()).isZero();
        }
        float[] expected = params(whole);
        float[] resumed = params(crashed);
        assertThat(java.util.Arrays.mismatch(resumed, expected)).as("first differing parameter").isEqualTo(-1);
    }

    /**
     * dataset.yaml's input: reaches the probe as it reaches the executor: SqueezeNet (fully convolutional)
     * profiled and trained at 96x96 instead of its own 227x227, the probe's cached rows keyed by 96x96x3 and
     * read back by the frozen-feature run.
     */
    @org.junit.jupiter.api.Test
    void theProbeFitsImagesToTheDatasetsInputAsTheRunDoes(@TempDir Path dir) throws Exception {
        images(dir);
        Path yaml = dir.resolve("dataset.yaml");
        Files.writeString(yaml, "version: 1\nname: shapes\ntrain: {format: folder, path: data}\nsplit: {test: 0.25, validation: 0.2}\n"
                + "model: {name: zoo:squeezenet, weights: random}\ninput: {height: 96, width: 96, channels: 3}\nseed: 42\n"
                + "budget: {minutes: 10, max_epochs: 1}\n");
        Path run = dir.resolve("run");
        Path cache = dir.resolve("cache");
        var r = CliTestSupport.run("run", yaml.toString(), "-o", run.toString(), "--cache", cache.toString(),
                "--strategy", "LINEAR_FROZEN", "--cutoff", "drop9");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).contains("(input 96x96x3)");
        JsonNode profile = Json.json().readTree(Files.readString(run.resolve("profile.json")));
        assertThat(profile.path("size").path("modelInput").asText()).isEqualTo("96x96x3");
        List<String> stores;
        try (var s = Files.list(Files.list(cache).filter(p -> !p.getFileName().toString().equals("parts")).findFirst().orElseThrow())) {
            stores = s.map(p -> p.getFileName().toString()).toList();
        }
        assertThat(stores).isNotEmpty().allMatch(n -> n.endsWith(".96x96x3"));
        JsonNode metrics = Json.json().readTree(Files.readString(run.resolve("metrics.json")));
        assertThat(metrics.path("cache").path("reused").asInt()).as("the run reads the probe's rows").isPositive();
    }

    static float[] params(Path runDir) throws Exception {
        return org.deeplearning4j.util.ModelSerializer.restoreComputationGraph(runDir.resolve("model.zip").toFile(), false).params()
                .castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).dup('c').data().asFloat();
    }

    static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
