package io.transferadvisor.bench.suite;

import io.transferadvisor.synth.Glyphs;

import static io.transferadvisor.bench.suite.ImageChecks.assertDrawn;
import static io.transferadvisor.bench.suite.ImageChecks.meanAbsDiff;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.awt.Font;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GlyphsTest {
    private static final String DIGITS = "0123456789";
    private List<Path> files;

    @BeforeEach
    void fonts() {
        files = Glyphs.fontFiles();
        assumeFalse(files.isEmpty(), "no fonts under /usr/share/fonts");
    }

    @Test
    void fontFilesAreSortedTrueTypeFiles() {
        assertThat(files).isSorted();
        assertThat(files).allSatisfy(p -> assertThat(p.getFileName().toString().toLowerCase(java.util.Locale.ROOT)).matches(".*\\.(ttf|otf)"));
        assertThat(Glyphs.fontFiles()).isSameAs(files);
    }

    @Test
    void fontsDirPropertyOverridesTheRootAndUnloadableFilesAreDropped(@TempDir Path dir) throws IOException {
        Path real = files.stream().filter(f -> Glyphs.load(List.of(f), "A").size() == 1).findFirst().orElseThrow();
        Files.createDirectories(dir.resolve("sub"));
        Files.copy(real, dir.resolve("sub").resolve(real.getFileName()));
        Files.writeString(dir.resolve("broken.ttf"), "not a font");
        Files.writeString(dir.resolve("readme.txt"), "ignored");
        String old = System.getProperty(Glyphs.FONTS_DIR_PROPERTY);
        System.setProperty(Glyphs.FONTS_DIR_PROPERTY, dir.toString());
        try {
            List<Path> found = Glyphs.fontFiles();
            assertThat(found).extracting(p -> p.getFileName().toString())
                    .containsExactly("broken.ttf", real.getFileName().toString());
            // the broken file is skipped, the real one kept
            assertThat(Glyphs.load(found, "A")).hasSize(1);
        } finally {
            if (old == null) {
                System.clearProperty(Glyphs.FONTS_DIR_PROPERTY);
            } else {
                System.setProperty(Glyphs.FONTS_DIR_PROPERTY, old);
            }
        }
    }

    @Test
    void loadKeepsOnlyFontsThatRenderEveryCharAndCaches() {
        List<Font> fonts = Glyphs.load(files, DIGITS);
        assertThat(fonts).isNotEmpty();
        assertThat(fonts).allSatisfy(f -> assertThat(f.canDisplayUpTo(DIGITS)).isEqualTo(-1));
        assertThat(Glyphs.load(new ArrayList<>(files), DIGITS)).isSameAs(fonts);
        // a char no text font has leaves nothing
        assertThat(Glyphs.load(files, "\uFFFF")).isEmpty(); // a noncharacter (Linux Libertine draws private-use glyphs)
    }

    @Test
    void poolsAreDisjointAndMakeAll() {
        List<Path> a = Glyphs.pool(files, "A");
        List<Path> b = Glyphs.pool(files, "B");
        Set<Path> union = new HashSet<>(a);
        union.addAll(b);
        assertThat(a).doesNotContainAnyElementsOf(b);
        assertThat(union).containsExactlyInAnyOrderElementsOf(files);
        assertThat(Glyphs.pool(files, "all")).isEqualTo(files);
        // by file name, not path: the same name elsewhere lands in the same pool
        Path p = files.get(0);
        boolean inA = a.contains(p);
        assertThat(Glyphs.pool(List.of(Path.of("/elsewhere").resolve(p.getFileName())), "A")).hasSize(inA ? 1 : 0);
        if (files.size() >= 10) {
            assertThat(a).isNotEmpty();
            assertThat(b).isNotEmpty();
        }
    }

    @Test
    void unknownPoolIsNamed() {
        assertThatThrownBy(() -> Glyphs.pool(files, "C"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'C'").hasMessageContaining("A, B, all");
    }

    @Test
    void renderIsDeterministicPerSeedAndDrawsInk() {
        List<Font> fonts = Glyphs.load(files, DIGITS);
        float[] a = Glyphs.render('7', fonts, new Random(5));
        assertThat(Glyphs.render('7', fonts, new Random(5))).containsExactly(a);
        assertThat(Glyphs.render('7', fonts, new Random(6))).isNotEqualTo(a);
        for (int seed = 0; seed < 40; seed++) {
            assertDrawn(Glyphs.render(DIGITS.charAt(seed % 10), fonts, new Random(seed)), "digit seed " + seed);
        }
    }

    @Test
    void aAndBDifferInEveryFont() {
        List<Font> fonts = Glyphs.load(files, "AB");
        for (Font f : fonts) {
            assertThat(meanAbsDiff(Glyphs.upright('A', f), Glyphs.upright('B', f)))
                    .as(f.getFontName()).isGreaterThan(0.02);
        }
        float[] a = Glyphs.render('A', fonts, new Random(1));
        float[] b = Glyphs.render('B', fonts, new Random(1));
        assertThat(meanAbsDiff(a, b)).isGreaterThan(0.02);
    }

    @Test
    void noFontsIsAnError() {
        assertThatThrownBy(() -> Glyphs.render('X', List.of(), new Random(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no font can render 'X'")
                .hasMessageContaining("install fonts-");
    }
}
