package io.transferadvisor.synth;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;

/**
 * The 28x28 grayscale drawing surface the generators share: white antialiased drawing on a black
 * canvas, read back as the suite's image convention ({@code float[784]}, row-major, [0,1]).
 */
public final class Canvas {
    public static final int SIZE = 28;
    public static final int PIXELS = SIZE * SIZE;
    /** Geometric centre of the pixel grid (pixel centres are at integer + 0.5 in Java2D). */
    public static final double CENTER = SIZE / 2.0;

    private Canvas() {}

    /** A black canvas with antialiasing and pure-geometry strokes on, drawing in white. */
    public static Graphics2D graphics(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        g.setColor(Color.BLACK);
        g.fillRect(0, 0, SIZE, SIZE);
        g.setColor(Color.WHITE);
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        return g;
    }

    public static BufferedImage image() {
        return new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_BYTE_GRAY);
    }

    /** The image's gray levels as floats in [0,1], index y*28+x. */
    public static float[] pixels(BufferedImage img) {
        Raster r = img.getRaster();
        float[] out = new float[PIXELS];
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                out[y * SIZE + x] = r.getSample(x, y, 0) / 255f;
            }
        }
        return out;
    }
}
