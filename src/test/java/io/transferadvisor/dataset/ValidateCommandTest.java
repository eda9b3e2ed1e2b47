package io.transferadvisor.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.transferadvisor.cli.CliTestSupport;
import io.transferadvisor.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * `advisor validate` on good and bad dataset.yaml files: exit code, and for errors the exact
 * "dataset.yaml:LINE: key: " prefix and the message's parts (bad value, allowed, did-you-mean).
 */
class ValidateCommandTest {
    @TempDir
    Path dir;

    /** What a case needs on disk besides the yaml. */
    interface Setup {
        void make(Path dir) throws IOException;
    }

    static final String GOOD = """
            version: 1
            train:
              format: folder
              path: pets
            split: {test: 0.2, validation: 0.2}
            seed: 1
            """;

    static final Setup PETS = d -> TestData.folders(d.resolve("pets"), "cat", 6, "dog", 6, "fox", 6);

    @BeforeEach
    void idx() throws IOException {
        TestData.writeIdx(dir.resolve("idx/images.gz"), dir.resolve("idx/labels.gz"), TestData.labels(3, 10), 4, 4, true);
    }

    static Stream<Arguments> badFiles() {
        return Stream.of(
            bad("unknown key with did-you-mean", PETS, GOOD.replace("path: pets\n", "path: pets\n  per_clas: 3\n"),
                5, "train.per_clas", "unknown key 'per_clas'", "allowed: format, images, labels, path, classes, rename, per_class",
                "did you mean 'per_class'?"),
            bad("wrong type", PETS, GOOD.replace("path: pets\n", "path: pets\n  per_class: forty\n"),
                5, "train.per_class", "'forty' is a string; expected an integer"),
            bad("per_class out of range", PETS, GOOD.replace("path: pets\n", "path: pets\n  per_class: 1\n"),
                5, "train.per_class", "1 is out of range; allowed 2..100000"),
            bad("bad enum with suggestion", PETS, GOOD.replace("format: folder", "format: foldr"),
                3, "train.format", "'foldr' is not allowed; allowed: idx, folder; did you mean 'folder'?"),
            bad("missing required train", PETS, "version: 1\nseed: 3\n",
                1, "train", "missing required key"),
            bad("missing file", PETS, """
                version: 1
                train:
                  format: idx
                  images: idx/nope.gz
                  labels: idx/labels.gz
                """, 4, "train.images", "file 'idx/nope.gz' not found", "resolved to"),
            bad("labels missing for idx", PETS, """
                version: 1
                train:
                  format: idx
                  images: idx/images.gz
                """, 2, "train.labels", "missing required key (format idx needs images and labels)"),
            bad("split sum >= 1", PETS, GOOD.replace("split: {test: 0.2, validation: 0.2}", "split: {test: 0.6, validation: 0.5}"),
                5, "split", "fractions add up to 1.1", "allowed < 1"),
            bad("version 2", PETS, GOOD.replace("version: 1", "version: 2"),
                1, "version", "2 is not supported; allowed: 1"),
            bad("empty class folder", d -> {
                    TestData.folders(d.resolve("pets"), "cat", 6, "dog", 6);
                    Files.createDirectories(d.resolve("pets/empty"));
                }, GOOD, 4, "train.path", "class folder 'empty' is empty", "add images or leave it out of train.classes"),
            bad("single class", d -> TestData.folders(d.resolve("pets"), "cat", 6), GOOD,
                4, "train.path", "only one class ('cat')", "needs at least 2 classes"),
            bad("class with 1 image", d -> TestData.folders(d.resolve("pets"), "cat", 6, "dog", 1), GOOD,
                4, "train.path", "class 'dog' has 1 image", "needs at least 2"),
            bad("class filter naming a missing class", PETS, GOOD.replace("path: pets\n", "path: pets\n  classes: [cat, dgo]\n"),
                5, "train.classes[1]", "class 'dgo' not found", "available: cat, dog, fox", "did you mean 'dog'?"),
            bad("too many corrupt images fail", d -> {
                    PETS.make(d);
                    for (String f : List.of("cat/cat_00.png", "dog/dog_01.png", "fox/fox_02.png")) {
                        Files.write(d.resolve("pets").resolve(f), new byte[] {1, 2, 3, 4, 5});
                    }
                }, GOOD, 4, "train.path", "3 of 18 image files are unusable", "(5%, at least 1)",
                "cat_00.png: not a PNG, JPEG, BMP or GIF image"),
            bad("oversize image headers rejected", d -> {
                    PETS.make(d);
                    TestData.oversizePngHeader(d.resolve("pets/cat/cat_00.png"), 10000, 10000);
                    TestData.oversizePngHeader(d.resolve("pets/dog/dog_00.png"), 9000, 20);
                }, GOOD, 4, "train.path", "2 of 18 image files are unusable",
                "cat_00.png: header claims 10000x10000 pixels, over the 8192x8192 limit"),
            bad("per_class above what a class has", PETS, GOOD.replace("path: pets\n", "path: pets\n  per_class: 9\n"),
                5, "train.per_class", "9 is more than the 6 images of class 'cat'; allowed 2..6"),
            bad("model object with a near-miss key", PETS, GOOD + "model: {nam: zoo:resnet50}\n",
                7, "model.nam", "unknown key 'nam'; allowed: name, file, weights, preprocessing; did you mean 'name'?"),
            bad("unknown preprocessing", PETS, GOOD + "model: {name: zoo:resnet50, preprocessing: imagenet}\n",
                7, "model.preprocessing", "'imagenet' is not allowed; allowed: none, caffe, tf, torch"),
            bad("YAML syntax error", PETS, "version: 1\ntrain:\n  format: [folder\n  path: pets\n",
                4, "", "not valid YAML"),
            bad("duplicate key", PETS, GOOD + "seed: 2\n",
                7, "", "not valid YAML", "Duplicate field 'seed'"),
            bad("rename of a missing class", PETS, GOOD.replace("path: pets\n", "path: pets\n  rename: {cta: kitty}\n"),
                5, "train.rename.cta", "renames class 'cta'", "did you mean 'cat'?"),
            bad("no test data", PETS, GOOD.replace("split: {test: 0.2, validation: 0.2}", "split: {test: 0}"),
                5, "split.test", "0 leaves no test data"),
            bad("class too small for the hold-outs", d -> TestData.folders(d.resolve("pets"), "cat", 6, "dog", 2), GOOD,
                5, "split", "class 'dog' has 2 images: too few to hold out 1 for validation and 1 for test and keep one to train"),
            bad("empty file", PETS, "# nothing yet\n", 1, "", "expected a mapping with at least 'version: 1' and 'train:'"),
            bad("negative seed", PETS, GOOD.replace("seed: 1", "seed: -1"), 6, "seed", "-1 is out of range; allowed >= 0"),
            bad("train of the wrong type", PETS, "version: 1\ntrain: pets\n",
                2, "train", "'pets' is a string; expected a mapping"),
            bad("input geometry out of range", PETS, GOOD + "input: {height: 28, width: 4, channels: 2}\n",
                7, "input.width", "4 is out of range; allowed 8..1024"),
            bad("idx class filter with a wrong label value", PETS, """
                version: 1
                train:
                  format: idx
                  images: idx/images.gz
                  labels: idx/labels.gz
                  classes: [0, 1, 7]
                """, 6, "train.classes[2]", "class '7' not found in labels.gz; available: 0, 1, 2"),
            bad("test classes differ from train", PETS, """
                version: 1
                train:
                  format: idx
                  images: idx/images.gz
                  labels: idx/labels.gz
                  classes: [0, 1]
                test:
                  format: idx
                  images: idx/images.gz
                  labels: idx/labels.gz
                  classes: [0, 2]
                """, 7, "test", "classes differ from train's: missing [1], extra [2]"));
    }

    static Arguments bad(String name, Setup setup, String yaml, int line, String key, String... parts) {
        return Arguments.of(name, setup, yaml, line, key, parts);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void badFileExits3WithKeyLineAndMessage(String name, Setup setup, String yaml, int line, String key, String[] parts)
            throws IOException {
        setup.make(dir);
        Path f = TestData.yaml(dir, "dataset.yaml", yaml);
        CliTestSupport.Result r = CliTestSupport.run("validate", f.toString());
        assertThat(r.exitCode()).as(r.err()).isEqualTo(3);
        String prefix = "dataset.yaml:" + line + ": " + (key.isEmpty() ? "" : key + ": ");
        String lineText = r.err().lines().filter(l -> l.contains(prefix)).findFirst().orElse(null);
        assertThat(lineText).as("a line starting with '%s' in:%n%s", prefix, r.err()).isNotNull();
        for (String part : parts) {
            assertThat(lineText).contains(part);
        }
        assertThat(r.out()).isEmpty();
    }

    @Test
    void severalProblemsAreReportedTogetherOnePerLine() throws IOException {
        PETS.make(dir);
        Path f = TestData.yaml(dir, "dataset.yaml", """
                version: 1
                train:
                  format: folder
                  path: pets
                  per_class: 0
                budget: {minutes: 5, max_epoch: 3}
                """);
        CliTestSupport.Result r = CliTestSupport.run("validate", f.toString());
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.err()).contains("2 problems in dataset.yaml")
                .contains("dataset.yaml:5: train.per_class: 0 is out of range; allowed 2..100000")
                .contains("dataset.yaml:6: budget.max_epoch: unknown key 'max_epoch'; allowed: minutes, max_epochs; did you mean 'max_epochs'?");
    }

    @Test
    void aBadValueInsideAModelObjectIsOneProblemNotOnePerAlternative() throws IOException {
        PETS.make(dir);
        Path f = TestData.yaml(dir, "dataset.yaml", GOOD + "model: {name: zoo:resnet50, preprocessing: imagenet}\n");
        CliTestSupport.Result r = CliTestSupport.run("validate", f.toString());
        assertThat(r.exitCode()).isEqualTo(3);
        // the object is neither a string nor a list either, but that is not what is wrong with it
        assertThat(r.err().lines().filter(l -> l.contains("dataset.yaml:"))).as(r.err()).hasSize(1);
        assertThat(r.err()).doesNotContain("expected a string");
    }

    @Test
    void missingDatasetFileIsExit3() {
        CliTestSupport.Result r = CliTestSupport.run("validate", dir.resolve("nope.yaml").toString());
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.err()).contains("nope.yaml: dataset file not found");
    }

    @Test
    void goodFolderSpecPrintsResolvedSpecAndCountTable() throws IOException {
        PETS.make(dir);
        Path f = TestData.yaml(dir, "dataset.yaml", GOOD);
        CliTestSupport.Result r = CliTestSupport.run("validate", f.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("dataset     dataset  (" + f.toAbsolutePath())
                .contains("train       folder  " + dir.resolve("pets").toAbsolutePath())
                .contains("input       model default")
                .contains("model       fmnist-cnn")
                .contains("seed        1")
                .containsPattern("cat\\s+4\\s+1\\s+1")
                .containsPattern("fox\\s+4\\s+1\\s+1")
                .containsPattern("total\\s+12\\s+3\\s+3")
                .doesNotContain("skipped");
    }

    @Test
    void oneCorruptAndOneOversizeFileAmongManyAreSkippedAndListed() throws IOException {
        TestData.folders(dir.resolve("pets"), "cat", 20, "dog", 20);
        Files.write(dir.resolve("pets/cat/cat_03.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0});
        TestData.oversizePngHeader(dir.resolve("pets/dog/dog_05.png"), 8193, 8);
        Path f = TestData.yaml(dir, "dataset.yaml", GOOD);
        CliTestSupport.Result r = CliTestSupport.run("validate", f.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("skipped 2 unusable file(s)")
                .contains("cat_03.png: ")
                .contains("dog_05.png: header claims 8193x8 pixels, over the 8192x8192 limit")
                // 19 readable cats: round(19 * 0.2) = 4 validation, 4 test, 11 train
                .containsPattern("cat\\s+11\\s+4\\s+4")
                .containsPattern("total\\s+22\\s+8\\s+8");
    }

    @Test
    void jsonOutputHasCountsHashAndResolvedDefaults() throws IOException {
        PETS.make(dir);
        Path f = TestData.yaml(dir, "dataset.yaml", GOOD);
        CliTestSupport.Result r = CliTestSupport.run("validate", f.toString(), "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode j = Json.json().readTree(r.out());
        assertThat(j.get("valid").asBoolean()).isTrue();
        assertThat(j.at("/spec/train/path").asText()).isEqualTo(dir.resolve("pets").toAbsolutePath().toString());
        assertThat(j.at("/spec/budget/max_epochs").asInt()).isEqualTo(SpecReader.DEFAULT_MAX_EPOCHS);
        assertThat(j.at("/spec/input/geometry").asText()).isEqualTo("model default");
        assertThat(j.at("/classes/1/class").asText()).isEqualTo("dog");
        assertThat(j.at("/classes/1/train").asInt()).isEqualTo(4);
        assertThat(j.at("/totals/test").asInt()).isEqualTo(3);
        assertThat(j.get("content_hash").asText()).matches("[0-9a-f]{64}");
        List<String> order = new java.util.ArrayList<>();
        j.get("totals").fieldNames().forEachRemaining(order::add);
        assertThat(order).containsExactly("train", "validation", "test", "unlabelled");
    }

    @Test
    void helpShowsExamples() {
        CliTestSupport.Result r = CliTestSupport.run("validate", "--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("advisor validate examples/default.yaml").contains("Exit codes:");
    }
}
