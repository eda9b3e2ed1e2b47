package io.transferadvisor.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.transferadvisor.cli.CliTestSupport;
import io.transferadvisor.cli.ExitCodes;
import io.transferadvisor.dataset.DatasetSpec;
import io.transferadvisor.util.Hashing;
import java.nio.file.Files;
import java.nio.file.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `advisor pretrain` on a tiny budget and `advisor models`, through the real command line. */
@org.junit.jupiter.api.Tag("slow") // trains or runs DL4J for seconds: `mvn test -DexcludedGroups=slow` skips it
class PretrainAndModelsCommandTest {
    @TempDir
    Path tmp;

    @Test
    void tinyPretrainWritesALoadableZipAndAValidProfile() throws Exception {
        assumeTrue(Files.isRegularFile(PretrainOptions.DEFAULT_DATA.resolve(Pretrainer.TRAIN_IMAGES)),
                "Fashion-MNIST not installed (apt-get install dataset-fashion-mnist)");
        Path out = tmp.resolve("profiles");
        Path data = smallCopyOfFashionMnist(tmp.resolve("data"), 600, 400);
        CliTestSupport.Result r = CliTestSupport.run("pretrain", "--per-class", "40", "--epochs", "1", "--stats-samples", "100",
                "--seed", "5", "--data", data.toString(), "-o", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).contains("epoch 1/1").contains("images/s"); // progress on stderr
        assertThat(r.out()).contains("test accuracy").doesNotContain("epoch 1/1");

        SourceModel m = new ModelRegistry(out, null).find(new DatasetSpec.ModelRef("fmnist-cnn", null, null));
        ModelProfile p = m.profile();
        assertThat(p.sha256()).isEqualTo(Hashing.sha256(out.resolve("fmnist-cnn.zip")));
        assertThat(p.provenance()).containsEntry("trainImages", 200).containsEntry("perClass", 40).containsEntry("statsImages", 100)
                .containsEntry("testImages", testImagesOfClasses0to4(data));
        @SuppressWarnings("unchecked")
        java.util.Map<String, String> hashes = (java.util.Map<String, String>) p.provenance().get("dataSha256Decompressed");
        assertThat(hashes.get(Pretrainer.TRAIN_LABELS)).isEqualTo(Hashing.sha256(gunzip(data.resolve(Pretrainer.TRAIN_LABELS))));
        double acc = ((Number) p.provenance().get("testAccuracy")).doubleValue();
        assertThat(acc).isGreaterThan(0.2).isLessThanOrEqualTo(1.0); // 5 classes: better than chance after one tiny epoch
        ComputationGraph g = m.load();
        assertThat(g.getUpdater()).isNotNull();
        assertThat(p.candidateCuts()).allSatisfy(c -> assertThat(g.getVertex(c)).isNotNull());
        assertThat(p.activationStats().get("b2_pool").mean()).hasSize(32);
        assertThat(p.activationStats().get("fc1_relu").samples()).isEqualTo(100);

        // no overwrite without --force: exit 8 and the file is untouched
        String sha = Hashing.sha256(out.resolve("fmnist-cnn.zip"));
        CliTestSupport.Result again = CliTestSupport.run("pretrain", "--per-class", "40", "--epochs", "1", "--data", data.toString(),
                "-o", out.toString());
        assertThat(again.exitCode()).isEqualTo(ExitCodes.OUTPUT);
        assertThat(again.err()).contains("already exists").contains("--force");
        assertThat(Hashing.sha256(out.resolve("fmnist-cnn.zip"))).isEqualTo(sha);
        // --force replaces only files pretrain wrote: a folder holding someone's fmnist-cnn.json is refused, untouched
        Path foreign = Files.createDirectories(tmp.resolve("foreign"));
        Files.writeString(foreign.resolve("fmnist-cnn.json"), "{\"my\": \"notes\"}");
        CliTestSupport.Result forced = CliTestSupport.run("pretrain", "--per-class", "40", "--epochs", "1", "--data", data.toString(),
                "-o", foreign.toString(), "--force");
        assertThat(forced.exitCode()).isEqualTo(ExitCodes.OUTPUT);
        assertThat(forced.err()).contains("fmnist-cnn.json was not written by advisor (not a model profile JSON)");
        assertThat(Files.readString(foreign.resolve("fmnist-cnn.json"))).isEqualTo("{\"my\": \"notes\"}");
        assertThat(io.transferadvisor.util.OwnFiles.dl4jModel(out.resolve("fmnist-cnn.zip"))).isTrue();
        assertThat(io.transferadvisor.util.OwnFiles.jsonWithFields(out.resolve("fmnist-cnn.json"), "schemaVersion", "name", "layers",
                "candidateCuts", "sha256")).isTrue();

        // the same seed again: identical weights and updater state, and no timestamps in the zip, so an identical file
        Path out2 = tmp.resolve("again");
        CliTestSupport.Result rerun = CliTestSupport.run("pretrain", "--per-class", "40", "--epochs", "1", "--stats-samples", "100",
                "--seed", "5", "--data", data.toString(), "-o", out2.toString(), "-q");
        assertThat(rerun.exitCode()).as(rerun.err()).isZero();
        assertThat(Hashing.sha256(out2.resolve("fmnist-cnn.zip"))).isEqualTo(sha);
        assertThat(ProfileFiles.read(out2.resolve("fmnist-cnn.json")).activationStats().get("b3_relu").mean())
                .containsExactly(p.activationStats().get("b3_relu").mean());
    }

    /** The first n training and m test images of the real Fashion-MNIST, as gzipped IDX files (keeps the test fast). */
    static Path smallCopyOfFashionMnist(Path dir, int n, int m) throws Exception {
        Files.createDirectories(dir);
        Path src = PretrainOptions.DEFAULT_DATA;
        copyIdx(src.resolve(Pretrainer.TRAIN_IMAGES), dir.resolve(Pretrainer.TRAIN_IMAGES), 16, 784, n);
        copyIdx(src.resolve(Pretrainer.TRAIN_LABELS), dir.resolve(Pretrainer.TRAIN_LABELS), 8, 1, n);
        copyIdx(src.resolve(Pretrainer.TEST_IMAGES), dir.resolve(Pretrainer.TEST_IMAGES), 16, 784, m);
        copyIdx(src.resolve(Pretrainer.TEST_LABELS), dir.resolve(Pretrainer.TEST_LABELS), 8, 1, m);
        return dir;
    }

    private static void copyIdx(Path from, Path to, int header, int itemBytes, int items) throws Exception {
        byte[] all = gunzip(from);
        byte[] part = java.util.Arrays.copyOf(all, header + itemBytes * items);
        java.nio.ByteBuffer.wrap(part).putInt(4, items); // the count follows the magic number
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(to))) {
            out.write(part);
        }
    }

    static byte[] gunzip(Path gz) throws Exception {
        try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(gz))) {
            return in.readAllBytes();
        }
    }

    private static int testImagesOfClasses0to4(Path data) throws Exception {
        byte[] labels = gunzip(data.resolve(Pretrainer.TEST_LABELS));
        int n = 0;
        for (int i = 8; i < labels.length; i++) {
            if (labels[i] >= 0 && labels[i] <= 4) {
                n++;
            }
        }
        return n;
    }

    @Test
    void badOptionsAreUsageErrors() {
        CliTestSupport.Result r = CliTestSupport.run("pretrain", "--epochs", "0", "-o", tmp.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("epochs 0 out of range");
    }

    @Test
    void modelsListsTheProjectModelAsAvailableAndZooModelsWithTheirWeightsState() {
        assumeTrue(Files.isRegularFile(Path.of("profiles", "fmnist-cnn.json")), "profiles/fmnist-cnn.json not committed yet");
        CliTestSupport.Result r = CliTestSupport.run("models");
        assertThat(r.exitCode()).as(r.err()).isZero();
        String fm = r.out().lines().filter(l -> l.startsWith("fmnist-cnn ")).findFirst().orElseThrow();
        assertThat(fm).contains("28x28x1").contains("T-shirt/top").contains("b1_pool").endsWith("available");
        for (ZooSourceModel.Entry e : ZooSourceModel.ENTRIES) {
            ZooSourceModel z = new ZooSourceModel(e, null, null);
            String line = r.out().lines().filter(l -> l.startsWith(e.name() + " ")).findFirst().orElseThrow();
            assertThat(line).endsWith(z.available() ? "available" : "missing");
            if (!z.available()) {
                assertThat(r.out()).contains(e.name() + ": " + z.weightsLocation() + " (Adler32 " + z.expectedChecksum());
            }
        }
    }

    @Test
    void modelsJsonIsMachineReadable() throws Exception {
        CliTestSupport.Result r = CliTestSupport.run("models", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        var tree = io.transferadvisor.util.Json.json().readTree(r.out());
        assertThat(tree.isArray()).isTrue();
        assertThat(tree.findValuesAsText("name")).contains("zoo:resnet50", "zoo:lenet");
        var resnet = java.util.stream.StreamSupport.stream(tree.spliterator(), false)
                .filter(n -> n.get("name").asText().equals("zoo:resnet50")).findFirst().orElseThrow();
        assertThat(resnet.get("input").asText()).isEqualTo("224x224x3");
        assertThat(resnet.get("parameters").asLong()).isEqualTo(25_636_712L);
    }
}
