package io.transferadvisor.bench.suite;

import io.transferadvisor.synth.Glyphs;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Font;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * Writes target/suite-contact-sheet.png for a person to look at: rows 0-9 = the digits 0-9 in ten
 * fonts (one font per column), rows 10-11 = every shape kind twice, row 12 = one shape under every
 * shift of ShiftsTest.ALL, row 13 = a glyph under the same shifts. Scaled 3x.
 */
class SuiteContactSheetTest {
    private static final int CELL = 28;
    private static final int ZOOM = 3;

    @Test
    void writesContactSheet() throws IOException {
        int cols = Math.max(Math.max(10, Shapes.KINDS.size()), ShiftsTest.ALL.size());
        List<float[][]> rows = new ArrayList<>();
        List<Font> fonts = Glyphs.load(Glyphs.fontFiles(), "0123456789");
        if (!fonts.isEmpty()) {
            for (int d = 0; d < 10; d++) {
                float[][] row = new float[cols][];
                for (int f = 0; f < Math.min(10, fonts.size()); f++) {
                    int pick = f * fonts.size() / Math.min(10, fonts.size());
                    row[f] = Glyphs.render((char) ('0' + d), List.of(fonts.get(pick)), new Random(100L * d + f));
                }
                rows.add(row);
            }
        }
        for (int r = 0; r < 2; r++) {
            float[][] row = new float[cols][];
            for (int k = 0; k < Shapes.KINDS.size(); k++) {
                row[k] = Shapes.render(Shapes.KINDS.get(k), new Random(31L * r + k));
            }
            rows.add(row);
        }
        List<float[]> bases = new ArrayList<>();
        bases.add(Shapes.render("arrow", new Random(11)));
        if (!fonts.isEmpty()) {
            bases.add(Glyphs.render('4', fonts, new Random(2)));
        }
        for (float[] base : bases) {
            float[][] row = new float[cols][];
            for (int s = 0; s < ShiftsTest.ALL.size(); s++) {
                row[s] = Shifts.apply(base, ShiftsTest.ALL.get(s), new Random(s));
            }
            rows.add(row);
        }

        BufferedImage sheet = new BufferedImage(cols * (CELL + 1) * ZOOM, rows.size() * (CELL + 1) * ZOOM, BufferedImage.TYPE_BYTE_GRAY);
        for (int r = 0; r < rows.size(); r++) {
            for (int c = 0; c < cols; c++) {
                float[] img = rows.get(r)[c];
                for (int y = 0; y < (CELL + 1) * ZOOM; y++) {
                    for (int x = 0; x < (CELL + 1) * ZOOM; x++) {
                        int px = x / ZOOM;
                        int py = y / ZOOM;
                        int v = px == CELL || py == CELL ? 90 : img == null ? 0 : Math.round(img[py * CELL + px] * 255);
                        sheet.getRaster().setSample(c * (CELL + 1) * ZOOM + x, r * (CELL + 1) * ZOOM + y, 0, v);
                    }
                }
            }
        }
        Path out = Path.of("target", "suite-contact-sheet.png");
        Files.createDirectories(out.getParent());
        assertThat(ImageIO.write(sheet, "png", out.toFile())).isTrue();
        assertThat(Files.size(out)).isGreaterThan(1000);
    }
}
