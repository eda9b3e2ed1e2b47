package io.transferadvisor.report;

import io.transferadvisor.dataset.ImageSet;
import io.transferadvisor.dataset.InputGeometry;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/** Image grids of the report: sample images per class, and the test images the model got wrong. */
final class ReportImages {
    private ReportImages() {}

    /** Displayed edge of a thumbnail in pixels (small images are enlarged without smoothing). */
    static final int THUMB = 84;

    /** Up to {@code perClass} images of each class from the set, one row per class. */
    static String samples(ImageSet set, InputGeometry g, List<String> names, int perClass) {
        StringBuilder h = new StringBuilder("<table class=\"grid\">\n");
        for (int c = 0; c < names.size(); c++) {
            h.append("<tr><th class=\"l\">").append(HtmlReport.esc(names.get(c))).append("</th><td class=\"l\">");
            int shown = 0;
            for (int i = 0; i < set.size() && shown < perClass; i++) {
                if (set.label(i) == c) {
                    h.append(img(set, i, g, names.get(c)));
                    shown++;
                }
            }
            h.append("</td></tr>\n");
        }
        return h.append("</table>\n").toString();
    }

    /** The most confident mistakes on the test split, each with true / predicted class and confidence. */
    static String misclassified(ImageSet test, InputGeometry g, List<String> names, List<ClassificationMetrics.Miss> misses) {
        StringBuilder h = new StringBuilder("<div class=\"misses\">\n");
        for (ClassificationMetrics.Miss m : misses) {
            if (m.index() < 0 || m.index() >= test.size()) {
                continue;
            }
            String caption = "true " + names.get(m.truth()) + ", predicted " + names.get(m.predicted())
                    + String.format(Locale.ROOT, " (%.0f%%)", 100 * m.confidence());
            h.append("<figure>").append(img(test, m.index(), g, caption)).append("<figcaption>true <b>")
                    .append(HtmlReport.esc(names.get(m.truth()))).append("</b><br>predicted <b>").append(HtmlReport.esc(names.get(m.predicted())))
                    .append("</b><br>").append(String.format(Locale.ROOT, "%.0f%%", 100 * m.confidence())).append(" sure</figcaption></figure>\n");
        }
        return h.append("</div>\n").toString();
    }

    static String img(ImageSet set, int index, InputGeometry g, String alt) {
        return "<img class=\"thumb\" width=\"" + THUMB + "\" height=\"" + THUMB + "\" alt=\"" + HtmlReport.esc(alt)
                + "\" title=\"" + HtmlReport.esc(set.describe(index)) + "\" src=\"data:image/png;base64,"
                + Base64.getEncoder().encodeToString(png(set.pixels(index, g), g)) + "\">";
    }

    /** CHW pixels in [0, 1] as a PNG, enlarged to at least THUMB pixels with nearest-neighbour. */
    static byte[] png(float[] chw, InputGeometry g) {
        int h = g.height();
        int w = g.width();
        int c = g.channels();
        BufferedImage src = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r = byteOf(chw[y * w + x]);
                int gr = c >= 3 ? byteOf(chw[h * w + y * w + x]) : r;
                int b = c >= 3 ? byteOf(chw[2 * h * w + y * w + x]) : r;
                src.setRGB(x, y, (r << 16) | (gr << 8) | b);
            }
        }
        int scale = Math.max(1, THUMB / Math.max(h, w));
        BufferedImage out = src;
        if (scale > 1) {
            out = new BufferedImage(w * scale, h * scale, BufferedImage.TYPE_INT_RGB);
            Graphics2D gr = out.createGraphics();
            gr.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
            gr.drawImage(src, 0, 0, w * scale, h * scale, null);
            gr.dispose();
        }
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            ImageIO.write(out, "png", bytes);
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode an image thumbnail", e);
        }
    }

    private static int byteOf(float v) {
        return Math.max(0, Math.min(255, Math.round(v * 255f)));
    }
}
