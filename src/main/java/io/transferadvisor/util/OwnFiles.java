package io.transferadvisor.util;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;
import java.util.zip.CRC32;
import java.util.zip.ZipFile;

/**
 * {@code --force} only replaces a file the tool wrote. Each kind of output is recognised by its
 * content: a plan by its header comment, JSON outputs by the fields of the tool's schema, model
 * zips by DL4J's entries, plots by a signature the tool embeds (a PNG {@code tEXt} chunk
 * "Software: transfer-advisor", an SVG trailing comment). Anything else is refused even with
 * {@code --force}.
 */
public final class OwnFiles {
    private OwnFiles() {}

    /** The signature embedded in plots. */
    public static final String SIGNATURE = "transfer-advisor";
    private static final String PNG_KEY = "Software";

    /**
     * Refuses (OutputException, exit 8) to overwrite an existing file without {@code force}, or one
     * the tool did not write even with it.
     *
     * @param what a short description of what an output of ours looks like, for the message
     */
    public static void checkReplaceable(Path file, boolean force, String what, Predicate<Path> ours) {
        if (file == null || !Files.exists(file)) {
            return;
        }
        if (Files.isDirectory(file)) {
            throw new OutputException(file + " is a folder; choose a file name");
        }
        if (!force) {
            throw new OutputException(file + " already exists; pass --force to overwrite it, or choose another file");
        }
        if (!ours.test(file)) {
            throw new OutputException(file + " was not written by advisor (not " + what + "); refusing to overwrite it even with --force;"
                    + " move it away or choose another file");
        }
    }

    /** A JSON object that has all the given top-level fields. */
    public static boolean jsonWithFields(Path file, String... fields) {
        try {
            if (Files.size(file) > 256L << 20) {
                return false;
            }
            JsonNode n = Json.json().readTree(file.toFile());
            if (n == null || !n.isObject()) {
                return false;
            }
            for (String f : fields) {
                if (!n.has(f)) {
                    return false;
                }
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** A text file beginning with the prefix. */
    public static boolean startsWith(Path file, String prefix) {
        byte[] want = prefix.getBytes(StandardCharsets.UTF_8);
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(want.length);
            return java.util.Arrays.equals(head, want);
        } catch (IOException e) {
            return false;
        }
    }

    /** A zip holding all the given entries (a DL4J model: configuration.json, coefficients.bin). */
    public static boolean zipWithEntries(Path file, String... entries) {
        try (ZipFile z = new ZipFile(file.toFile())) {
            for (String e : entries) {
                if (z.getEntry(e) == null) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A DL4J model zip. */
    public static boolean dl4jModel(Path file) {
        return zipWithEntries(file, "configuration.json", "coefficients.bin");
    }

    /** A PNG carrying the tool's tEXt chunk, or an SVG ending with its comment. */
    public static boolean signedPlot(Path file) {
        try {
            if (Files.size(file) > 64L << 20) {
                return false;
            }
            byte[] b = Files.readAllBytes(file);
            String marker = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".svg")
                    ? svgComment() : "tEXt" + PNG_KEY + "\0" + SIGNATURE;
            return new String(b, StandardCharsets.ISO_8859_1).contains(marker);
        } catch (IOException e) {
            return false;
        }
    }

    /** The PNG with a tEXt chunk "Software: transfer-advisor" inserted after IHDR. */
    public static byte[] signPng(byte[] png) {
        int ihdrEnd = 8 + 4 + 4 + 13 + 4;
        if (png.length < ihdrEnd || png[12] != 'I' || png[13] != 'H') {
            throw new IllegalArgumentException("not a PNG with an IHDR chunk");
        }
        byte[] data = (PNG_KEY + "\0" + SIGNATURE).getBytes(StandardCharsets.ISO_8859_1);
        byte[] type = "tEXt".getBytes(StandardCharsets.ISO_8859_1);
        CRC32 crc = new CRC32();
        crc.update(type);
        crc.update(data);
        java.nio.ByteBuffer chunk = java.nio.ByteBuffer.allocate(12 + data.length);
        chunk.putInt(data.length).put(type).put(data).putInt((int) crc.getValue());
        byte[] out = new byte[png.length + chunk.capacity()];
        System.arraycopy(png, 0, out, 0, ihdrEnd);
        System.arraycopy(chunk.array(), 0, out, ihdrEnd, chunk.capacity());
        System.arraycopy(png, ihdrEnd, out, ihdrEnd + chunk.capacity(), png.length - ihdrEnd);
        return out;
    }

    /** The comment appended to SVG plots (a comment after the root element is valid XML). */
    public static String svgComment() {
        return "<!-- written by " + SIGNATURE + " -->";
    }
}
