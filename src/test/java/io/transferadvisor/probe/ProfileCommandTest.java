package io.transferadvisor.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.transferadvisor.cli.CliTestSupport;
import io.transferadvisor.cli.CliTestSupport.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `advisor profile` as a user runs it, on the committed glyphs example. */
class ProfileCommandTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void check() {
        Assumptions.assumeTrue(Files.exists(Path.of("profiles/fmnist-cnn.zip")), "profiles/fmnist-cnn.zip not built yet");
    }

    @Test
    void withSeveralModelsItSaysWhichOneItProfiled() throws Exception {
        Path glyphs = Path.of("examples/glyphs").toAbsolutePath();
        Path yaml = dir.resolve("two-models.yaml");
        Files.writeString(yaml, "version: 1\nname: two\ntrain: {format: folder, path: " + glyphs.resolve("labelled") + "}\n"
                + "split: {test: 0.25, validation: 0.15}\nmodel: [fmnist-cnn, glyphs-cnn]\nseed: 42\n");
        Result r = CliTestSupport.run("profile", yaml.toString(), "--json", "--quiet", "--cache", dir.resolve("cache").toString(),
                "--bootstrap", "20");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).contains("warning: profiled fmnist-cnn only, the first of the 2 models in two-models.yaml");
        assertThat(ProfileIO.parse(r.out(), "stdout").model()).isEqualTo("fmnist-cnn");
    }

    @Test
    void writesJsonAndPlotAndPrintsTheSummaryThatMatchesIt() throws Exception {
        Path json = dir.resolve("glyphs.profile.json");
        Path png = dir.resolve("glyphs.png");
        Result r = CliTestSupport.run("profile", "examples/glyphs.yaml", "-o", json.toString(), "--plot", png.toString(),
                "--cache", dir.resolve("cache").toString(), "--bootstrap", "50");
        assertThat(r.exitCode()).as(r.err()).isZero();
        DatasetProfile p = ProfileIO.read(json);
        assertThat(r.out()).isEqualTo(ProfileSummary.render(p) + "profile written to " + json + "\nplot written to " + png + "\n");
        assertThat(r.out()).contains("Size", "Layers", "Transferability", "Source classifier view", "Data sufficiency", "labels per class");
        assertThat(r.err()).contains("probe: sampled");
        assertThat(Files.size(png)).isGreaterThan(1000);
        assertThat(p.dataset()).isEqualTo("glyphs");
        // glyphs.yaml's unlabelled pool: every image in glyphs/unlabelled, up to its limit of 200
        long pool;
        try (java.util.stream.Stream<Path> files = Files.list(Path.of("examples/glyphs/unlabelled"))) {
            pool = files.filter(Files::isRegularFile).count();
        }
        assertThat(p.unlabelledImages()).isEqualTo((int) Math.min(pool, 200));
        assertThat(p.size().geometryMatches()).isTrue();

        // the same seed from a warm cache: the same numbers, printed as JSON
        Result again = CliTestSupport.run("profile", "examples/glyphs.yaml", "--json", "--quiet", "--cache", dir.resolve("cache").toString(),
                "--bootstrap", "50");
        assertThat(again.exitCode()).as(again.err()).isZero();
        DatasetProfile q = ProfileIO.parse(again.out(), "stdout");
        assertThat(q.layers()).isEqualTo(p.layers());
        assertThat(q.sufficiency()).isEqualTo(p.sufficiency());
        assertThat(q.similarity()).isEqualTo(p.similarity());

        // an existing output is not overwritten without --force
        Result refused = CliTestSupport.run("profile", "examples/glyphs.yaml", "-o", json.toString());
        assertThat(refused.exitCode()).isEqualTo(8);
        assertThat(refused.err()).contains("already exists").contains("--force");

        // --force replaces only outputs of ours: the plot is signed (a PNG tEXt chunk) and still a valid PNG
        assertThat(io.transferadvisor.util.OwnFiles.signedPlot(png)).isTrue();
        assertThat(javax.imageio.ImageIO.read(png.toFile()).getWidth()).isGreaterThan(100);
        Path photo = dir.resolve("holiday.png");
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(4, 4, java.awt.image.BufferedImage.TYPE_INT_RGB), "png", photo.toFile());
        byte[] before = Files.readAllBytes(photo);
        Result foreignPlot = CliTestSupport.run("profile", "examples/glyphs.yaml", "--plot", photo.toString(), "--force");
        assertThat(foreignPlot.exitCode()).isEqualTo(8);
        assertThat(foreignPlot.err()).contains(photo + " was not written by advisor").contains("even with --force");
        assertThat(Files.readAllBytes(photo)).isEqualTo(before);
        Path notes = dir.resolve("notes.json");
        Files.writeString(notes, "{\"todo\": 1}");
        Result foreignJson = CliTestSupport.run("profile", "examples/glyphs.yaml", "-o", notes.toString(), "--force");
        assertThat(foreignJson.exitCode()).isEqualTo(8);
        assertThat(foreignJson.err()).contains("was not written by advisor (not a dataset profile JSON)");
        assertThat(io.transferadvisor.util.OwnFiles.jsonWithFields(json, "schemaVersion", "datasetHash", "model", "layers")).isTrue();
    }

    @Test
    void badInputGetsTheSameErrorsAsValidate() throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "version: 1\nname: bad\ntrain:\n  format: folder\n  path: does-not-exist\n");
        Result v = CliTestSupport.run("validate", bad.toString());
        Result p = CliTestSupport.run("profile", bad.toString());
        assertThat(p.exitCode()).isEqualTo(3).isEqualTo(v.exitCode());
        assertThat(p.err()).isEqualTo(v.err());

        Result plot = CliTestSupport.run("profile", "examples/glyphs.yaml", "--plot", dir.resolve("x.gif").toString());
        assertThat(plot.exitCode()).isEqualTo(2);
        assertThat(plot.err()).contains(".png or .svg");
        Result cap = CliTestSupport.run("profile", "examples/glyphs.yaml", "--sample-cap", "5");
        assertThat(cap.exitCode()).isEqualTo(2);
        assertThat(cap.err()).contains("sample cap 5 out of range");
    }
}
