package io.transferadvisor.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.transferadvisor.cli.CliTestSupport;
import io.transferadvisor.dataset.DatasetSpec;
import io.transferadvisor.synth.Glyphs;
import io.transferadvisor.util.Hashing;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `advisor pretrain --model glyphs-cnn` on a tiny budget: a loadable model with a profile, reproducible bit for bit. */
@org.junit.jupiter.api.Tag("slow") // trains DL4J for seconds
class GlyphsPretrainTest {
    @TempDir
    Path tmp;

    static boolean fontsInstalled() {
        return Glyphs.pool(Glyphs.fontFiles(), GlyphsCnn.FONT_POOL).size() >= GlyphCorpus.MIN_FONTS;
    }

    @Test
    void tinyPretrainWritesAProfileListingItsFontsAndTheSameSeedGivesTheSameBytes() throws Exception {
        assumeTrue(fontsInstalled(), "fonts not installed (scripts/install-deps --test)");
        String[] args = {"pretrain", "--model", "glyphs-cnn", "--per-class", "4", "--epochs", "1", "--batch", "64", "--stats-samples", "120",
            "--seed", "9"};
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        var ra = CliTestSupport.run(concat(args, "-o", a.toString()));
        assertThat(ra.exitCode()).as(ra.err()).isZero();
        var rb = CliTestSupport.run(concat(args, "-o", b.toString()));
        assertThat(rb.exitCode()).as(rb.err()).isZero();
        assertThat(Hashing.sha256(b.resolve("glyphs-cnn.zip"))).isEqualTo(Hashing.sha256(a.resolve("glyphs-cnn.zip")));

        SourceModel m = new ModelRegistry(a, null).find(new DatasetSpec.ModelRef("glyphs-cnn", null, null));
        ModelProfile p = m.profile();
        assertThat(p.sourceClasses()).hasSize(62).startsWith("0", "1").endsWith("y", "z");
        assertThat(p.provenance()).containsEntry("trainImages", 62 * 4).containsEntry("statsImages", 120).containsEntry("testImages", 62 * 40);
        @SuppressWarnings("unchecked")
        List<Map<String, String>> fonts = (List<Map<String, String>>) p.provenance().get("fonts");
        assertThat(fonts).hasSizeGreaterThanOrEqualTo(GlyphCorpus.MIN_FONTS);
        assertThat(fonts.get(0).get("sha256")).isEqualTo(Hashing.sha256(Path.of(fonts.get(0).get("file"))));
        ComputationGraph g = m.load();
        assertThat(g.getConfiguration().getNetworkOutputs()).containsExactly("output");
        assertThat(p.candidateCuts()).containsExactly("b1_pool", "b2_pool", "b3_relu", "gap", "fc1_relu");
        assertThat(p.activationStats().get("gap").mean()).hasSize(96);
        assertThat(p.input()).isEqualTo(GlyphsCnn.INPUT);
    }

    @Test
    void anUnknownModelIsAUsageErrorThatNamesTheValidOnes() throws Exception {
        var r = CliTestSupport.run("pretrain", "--model", "glyph-cnn", "-o", tmp.resolve("x").toString());
        assertThat(r.exitCode()).isEqualTo(io.transferadvisor.cli.ExitCodes.USAGE);
        assertThat(r.err()).contains("fmnist-cnn, glyphs-cnn").contains("glyphs-cnn");
    }

    @Test
    void withoutFontsItSaysWhichScriptInstallsThemAndWritesNothing() throws Exception {
        Path empty = java.nio.file.Files.createDirectories(tmp.resolve("no-fonts"));
        String before = System.getProperty(Glyphs.FONTS_DIR_PROPERTY);
        System.setProperty(Glyphs.FONTS_DIR_PROPERTY, empty.toString());
        try {
            Path out = tmp.resolve("out");
            var r = CliTestSupport.run("pretrain", "--model", "glyphs-cnn", "--per-class", "2", "--epochs", "1", "-o", out.toString());
            assertThat(r.exitCode()).isEqualTo(io.transferadvisor.cli.ExitCodes.BAD_DATASET);
            assertThat(r.err().strip().lines().count()).isEqualTo(1);
            assertThat(r.err()).contains("only 0 font files").contains("scripts/install-deps --fonts");
            assertThat(out.resolve("glyphs-cnn.zip")).doesNotExist();
        } finally {
            if (before == null) {
                System.clearProperty(Glyphs.FONTS_DIR_PROPERTY);
            } else {
                System.setProperty(Glyphs.FONTS_DIR_PROPERTY, before);
            }
        }
    }

    static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void renderingIsDeterministicAndCoversEveryCharacterEqually() {
        assumeTrue(fontsInstalled(), "fonts not installed (scripts/install-deps --test)");
        var fonts = Glyphs.load(Glyphs.pool(Glyphs.fontFiles(), GlyphsCnn.FONT_POOL).subList(0, 12), GlyphsCnn.CHARS);
        var x = GlyphCorpus.render(fonts, 2, new java.util.Random(3));
        var y = GlyphCorpus.render(fonts, 2, new java.util.Random(3));
        assertThat(x.pixels()).isEqualTo(y.pixels());
        int[] per = new int[62];
        for (int c : x.classes()) {
            per[c]++;
        }
        assertThat(per).containsOnly(2);
        for (float v : x.pixels()) {
            assertThat(v).isBetween(0f, 1f);
        }
    }
}
