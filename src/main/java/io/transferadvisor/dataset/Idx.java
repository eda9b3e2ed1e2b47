package io.transferadvisor.dataset;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reader for IDX files (the MNIST / Fashion-MNIST format), gzipped or not (detected by the gzip
 * magic, not the file name). Validates magic numbers and sizes before allocating.
 */
public final class Idx {
    private Idx() {}

    /** Images as unsigned bytes, row-major, image after image. */
    public record Images(Path file, int count, int rows, int cols, byte[] pixels) {
        public int pixelsPerImage() {
            return rows * cols;
        }

        /** Pixel (r, c) of image i as 0..255. */
        public int pixel(int i, int r, int c) {
            return pixels[i * rows * cols + r * cols + c] & 0xff;
        }
    }

    /** A hard cap so a hostile header cannot make us allocate without bound: 2^31-1 bytes. */
    private static final long MAX_BYTES = Integer.MAX_VALUE - 8;

    public static Images readImages(Path file) {
        try (DataInputStream in = open(file)) {
            int magic = in.readInt();
            if (magic != 0x00000803) {
                throw new DatasetException(file + ": not an IDX image file (magic 0x" + Integer.toHexString(magic)
                        + ", expected 0x00000803); give the *-images-idx3-ubyte[.gz] file as images");
            }
            int n = in.readInt();
            int rows = in.readInt();
            int cols = in.readInt();
            if (n < 0 || rows < 1 || cols < 1 || rows > 4096 || cols > 4096 || (long) n * rows * cols > MAX_BYTES) {
                throw new DatasetException(file + ": implausible IDX header " + n + "x" + rows + "x" + cols);
            }
            byte[] pixels = new byte[n * rows * cols];
            in.readFully(pixels);
            return new Images(file, n, rows, cols, pixels);
        } catch (EOFException e) {
            throw new DatasetException(file + ": IDX file is truncated (fewer bytes than its header promises)", e);
        } catch (NoSuchFileException e) {
            throw new DatasetException(file + ": file not found" + hint(file), e);
        } catch (IOException e) {
            throw new DatasetException(file + ": cannot read IDX file: " + e.getMessage(), e);
        }
    }

    public static byte[] readLabels(Path file) {
        try (DataInputStream in = open(file)) {
            int magic = in.readInt();
            if (magic != 0x00000801) {
                throw new DatasetException(file + ": not an IDX label file (magic 0x" + Integer.toHexString(magic)
                        + ", expected 0x00000801); give the *-labels-idx1-ubyte[.gz] file as labels");
            }
            int n = in.readInt();
            if (n < 0 || n > MAX_BYTES) {
                throw new DatasetException(file + ": implausible IDX label count " + n);
            }
            byte[] labels = new byte[n];
            in.readFully(labels);
            return labels;
        } catch (EOFException e) {
            throw new DatasetException(file + ": IDX file is truncated (fewer bytes than its header promises)", e);
        } catch (NoSuchFileException e) {
            throw new DatasetException(file + ": file not found" + hint(file), e);
        } catch (IOException e) {
            throw new DatasetException(file + ": cannot read IDX file: " + e.getMessage(), e);
        }
    }

    private static String hint(Path file) {
        return file.toString().contains("fashion-mnist")
                ? "; install it with 'apt-get install -y dataset-fashion-mnist' (or run scripts/install-deps)"
                : "";
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        raw.mark(2);
        int b1 = raw.read();
        int b2 = raw.read();
        raw.reset();
        InputStream in = (b1 == 0x1f && b2 == 0x8b) ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16) : raw;
        return new DataInputStream(in);
    }
}
