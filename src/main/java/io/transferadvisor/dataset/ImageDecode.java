package io.transferadvisor.dataset;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes PNG, JPEG, BMP and GIF bytes to CHW floats in [0,1], checking the dimensions in the
 * header before any pixel is decoded (a 100 kB PNG can claim 50000x50000 pixels).
 */
public final class ImageDecode {
    private ImageDecode() {}

    /** Largest side accepted; beyond it the file is rejected as a likely decompression bomb. */
    public static final int MAX_SIDE = 8192;
    /** Largest file accepted, in bytes. */
    public static final long MAX_FILE_BYTES = 64L << 20;

    public static final List<String> EXTENSIONS = List.of("png", "jpg", "jpeg", "bmp", "gif");

    /** Decoded pixels: 1 channel for grayscale sources, else 3 (alpha dropped). */
    public record Pixels(int height, int width, int channels, float[] chw) {}

    /** A file that cannot be used, and why (one line). */
    public static final class BadImage extends Exception {
        public BadImage(String reason) {
            super(reason);
        }
    }

    static boolean isImageName(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot > 0 && !fileName.startsWith(".")
                && EXTENSIONS.contains(fileName.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    public static Pixels decode(byte[] bytes) throws BadImage {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new BadImage("not a PNG, JPEG, BMP or GIF image (unrecognised header)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int w = reader.getWidth(0);
                int h = reader.getHeight(0);
                if (w < 1 || h < 1) {
                    throw new BadImage("header claims " + w + "x" + h + " pixels");
                }
                if (w > MAX_SIDE || h > MAX_SIDE) {
                    throw new BadImage("header claims " + w + "x" + h + " pixels, over the " + MAX_SIDE + "x" + MAX_SIDE
                            + " limit (decompression-bomb guard); downscale the image");
                }
                BufferedImage img = reader.read(0);
                return toPixels(img);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            // ImageIO throws IIOException for bad data, and IndexOutOfBounds/IllegalArgument/NPE on some truncations.
            throw new BadImage("cannot decode: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
    }

    static Pixels toPixels(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        ColorModel cm = img.getColorModel();
        Raster r = img.getRaster();
        if (!(cm instanceof IndexColorModel) && cm.getNumColorComponents() == 1) {
            // Read gray samples directly: getRGB() would apply a gamma conversion to linear-gray images.
            float max = (1 << cm.getComponentSize(0)) - 1;
            float[] out = new float[h * w];
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                r.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    out[y * w + x] = row[x] / max;
                }
            }
            return new Pixels(h, w, 1, out);
        }
        float[] out = new float[3 * h * w];
        int plane = h * w;
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            img.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int p = row[x];
                out[y * w + x] = ((p >> 16) & 0xff) / 255f;
                out[plane + y * w + x] = ((p >> 8) & 0xff) / 255f;
                out[2 * plane + y * w + x] = (p & 0xff) / 255f;
            }
        }
        return new Pixels(h, w, 3, out);
    }
}
