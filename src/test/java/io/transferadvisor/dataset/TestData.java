package io.transferadvisor.dataset;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;

/** Writes small IDX files, PNG folder trees and dataset.yaml files for tests. */
final class TestData {
    private TestData() {}

    /**
     * IDX images + labels: image i has label labels[i] and every pixel equal to (i * 7 + label) % 256,
     * so a test can tell which image it got back.
     */
    static void writeIdx(Path images, Path labelsFile, int[] labels, int rows, int cols, boolean gzip) throws IOException {
        ByteArrayOutputStream img = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(img);
        d.writeInt(0x803);
        d.writeInt(labels.length);
        d.writeInt(rows);
        d.writeInt(cols);
        for (int i = 0; i < labels.length; i++) {
            for (int p = 0; p < rows * cols; p++) {
                d.writeByte(pixelOf(i, labels[i]));
            }
        }
        ByteArrayOutputStream lab = new ByteArrayOutputStream();
        DataOutputStream l = new DataOutputStream(lab);
        l.writeInt(0x801);
        l.writeInt(labels.length);
        for (int label : labels) {
            l.writeByte(label);
        }
        write(images, img.toByteArray(), gzip);
        write(labelsFile, lab.toByteArray(), gzip);
    }

    static int pixelOf(int index, int label) {
        return (index * 7 + label) % 256;
    }

    private static void write(Path file, byte[] bytes, boolean gzip) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
            out.write(bytes);
        }
    }

    /** labels 0..classes-1, perClass of each, interleaved. */
    static int[] labels(int classes, int perClass) {
        int[] l = new int[classes * perClass];
        for (int i = 0; i < l.length; i++) {
            l[i] = i % classes;
        }
        return l;
    }

    /** A grayscale PNG of the given size, every pixel = value. */
    static void grayPng(Path file, int w, int h, int value) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        var r = img.getRaster();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                r.setSample(x, y, 0, value);
            }
        }
        Files.createDirectories(file.getParent());
        ImageIO.write(img, "png", file.toFile());
    }

    /** class folders under root: name -> count of 8x8 gray PNGs (pixel value differs per file). */
    static Path folders(Path root, Object... nameCount) throws IOException {
        Files.createDirectories(root);
        for (int i = 0; i < nameCount.length; i += 2) {
            String name = (String) nameCount[i];
            int count = (Integer) nameCount[i + 1];
            Files.createDirectories(root.resolve(name));
            for (int k = 0; k < count; k++) {
                grayPng(root.resolve(name).resolve(String.format(java.util.Locale.ROOT, "%s_%02d.png", name, k)), 8, 8, (k * 10 + i * 3) % 256);
            }
        }
        return root;
    }

    /** A valid PNG signature and IHDR chunk claiming w x h pixels, with no image data. */
    static void oversizePngHeader(Path file, int w, int h) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(b);
        d.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10});
        ByteArrayOutputStream chunk = new ByteArrayOutputStream();
        DataOutputStream c = new DataOutputStream(chunk);
        c.write("IHDR".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        c.writeInt(w);
        c.writeInt(h);
        c.writeByte(8);   // bit depth
        c.writeByte(0);   // grayscale
        c.writeByte(0);
        c.writeByte(0);
        c.writeByte(0);
        byte[] body = chunk.toByteArray();
        d.writeInt(13);
        d.write(body);
        CRC32 crc = new CRC32();
        crc.update(body);
        d.writeInt((int) crc.getValue());
        Files.createDirectories(file.getParent());
        Files.write(file, b.toByteArray());
    }

    static Path yaml(Path dir, String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }
}
