package io.transferadvisor.model;

import io.transferadvisor.dataset.DatasetException;
import io.transferadvisor.synth.Canvas;
import io.transferadvisor.synth.Glyphs;
import io.transferadvisor.util.Hashing;
import java.awt.Font;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * What glyphs-cnn is pretrained on: the 62 characters of {@link GlyphsCnn#CHARS} rendered by
 * {@link Glyphs#render} (font, plain or bold, size, rotation, offset) from the fonts of pool A that
 * render all of them, then, drawn from the same seeded stream, a 3x3 blur on a quarter of the
 * images and Gaussian pixel noise of a random strength. Rendering is deterministic for a seed and
 * a set of font files, so the profile records every font file with its SHA-256.
 */
final class GlyphCorpus {
    private GlyphCorpus() {}

    /** Rendered training images per character when --per-class is 0. */
    static final int DEFAULT_PER_CLASS = 400;
    /** Rendered test images per character (a separate stream, same fonts). */
    static final int TEST_PER_CLASS = 40;
    /** At least this many usable fonts, or the model would learn a handful of typefaces. */
    static final int MIN_FONTS = 10;

    static Pretrainer.Corpus build(PretrainOptions o) {
        List<Path> pool = Glyphs.pool(Glyphs.fontFiles(), GlyphsCnn.FONT_POOL);
        List<Path> usable = new ArrayList<>();
        for (Path f : pool) {
            if (!Glyphs.load(List.of(f), GlyphsCnn.CHARS).isEmpty()) {
                usable.add(f);
            }
        }
        if (usable.size() < MIN_FONTS) {
            throw new DatasetException("glyphs-cnn: only " + usable.size() + " font files of pool " + GlyphsCnn.FONT_POOL + " under "
                    + (System.getProperty(Glyphs.FONTS_DIR_PROPERTY) != null ? System.getProperty(Glyphs.FONTS_DIR_PROPERTY) : "/usr/share/fonts")
                    + " render all 62 letters and digits; at least " + MIN_FONTS + " are needed: install the fonts with scripts/install-deps --fonts");
        }
        List<Font> fonts = Glyphs.load(usable, GlyphsCnn.CHARS);
        int per = o.perClass() == 0 ? DEFAULT_PER_CLASS : o.perClass();
        Pretrainer.Subset train = render(fonts, per, new Random(o.seed()));
        Pretrainer.Subset test = render(fonts, TEST_PER_CLASS, new Random(o.seed() ^ 0x5DEECE66DL));
        List<Map<String, String>> fontList = new ArrayList<>();
        for (Path f : usable) {
            Map<String, String> e = new LinkedHashMap<>();
            e.put("file", f.toString());
            e.put("sha256", Hashing.sha256(f));
            fontList.add(e);
        }
        Map<String, Object> prov = new LinkedHashMap<>();
        prov.put("characters", GlyphsCnn.CHARS);
        prov.put("subset", per + " rendered training images per character, " + TEST_PER_CLASS + " test images per character from "
                + "another stream of the same fonts");
        prov.put("rendering", "synth.Glyphs.render: font uniform over the fonts below, plain or bold, glyph height 55-85% of 28 px, "
                + "rotation +-12 degrees, offset +-2 px, antialiased white on black; then 3x3 box blur with probability 0.25 and "
                + "Gaussian noise of standard deviation uniform in [0, 0.08], clipped to [0, 1]");
        prov.put("preprocessing", "pixel values in [0, 1], NCHW 1x28x28, no mean/std normalisation");
        prov.put("fontPool", GlyphsCnn.FONT_POOL + " (synth.Glyphs.pool: SHA-256 of the file name has an even first byte); the suite's "
                + "held-out letter tasks use pool B");
        prov.put("fonts", fontList);
        return new Pretrainer.Corpus(GlyphsCnn.NAME, GlyphsCnn.SOURCE_DATASET + " (" + usable.size() + " fonts)", GlyphsCnn.sourceClasses(),
                GlyphsCnn.INPUT, GlyphsCnn::configuration, train, test, per + " per character, " + usable.size() + " fonts", prov);
    }

    /** {@code per} images of every character, character after character within each round, from one seeded stream. */
    static Pretrainer.Subset render(List<Font> fonts, int per, Random rnd) {
        String chars = GlyphsCnn.CHARS;
        int n = per * chars.length();
        float[] px = new float[n * Canvas.PIXELS];
        int[] cls = new int[n];
        int i = 0;
        for (int round = 0; round < per; round++) {
            for (int c = 0; c < chars.length(); c++) {
                float[] img = Glyphs.render(chars.charAt(c), fonts, rnd);
                if (rnd.nextDouble() < 0.25) {
                    img = blur(img);
                }
                double sd = 0.08 * rnd.nextDouble();
                for (int p = 0; p < img.length; p++) {
                    double v = img[p] + sd * rnd.nextGaussian();
                    img[p] = (float) Math.max(0, Math.min(1, v));
                }
                System.arraycopy(img, 0, px, i * Canvas.PIXELS, Canvas.PIXELS);
                cls[i] = c;
                i++;
            }
        }
        return new Pretrainer.Subset(n, px, cls);
    }

    /** 3x3 box blur, edges averaged over the pixels inside the image. */
    static float[] blur(float[] img) {
        int s = Canvas.SIZE;
        float[] out = new float[img.length];
        for (int y = 0; y < s; y++) {
            for (int x = 0; x < s; x++) {
                float sum = 0;
                int cnt = 0;
                for (int dy = -1; dy <= 1; dy++) {
                    for (int dx = -1; dx <= 1; dx++) {
                        int yy = y + dy;
                        int xx = x + dx;
                        if (yy >= 0 && yy < s && xx >= 0 && xx < s) {
                            sum += img[yy * s + xx];
                            cnt++;
                        }
                    }
                }
                out[y * s + x] = sum / cnt;
            }
        }
        return out;
    }
}
