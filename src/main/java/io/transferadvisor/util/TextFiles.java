package io.transferadvisor.util;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;

/**
 * Reads the YAML and JSON files a person gives the tool (dataset.yaml, plan.yaml, profiles,
 * audits) as UTF-8 text, refusing before opening anything that is not a regular file (a fifo
 * would block the read forever, /dev/zero would fill the heap) and anything over a size cap, and
 * naming the byte offset and line of the first byte that is not UTF-8.
 */
public final class TextFiles {
    private TextFiles() {}

    /** Cap for hand-edited YAML: plans and dataset descriptions are a few KB. */
    public static final long MAX_YAML_BYTES = 4L << 20;
    /** Cap for JSON the tool writes (profiles, audits): a large audit is a few MB. */
    public static final long MAX_JSON_BYTES = 64L << 20;

    /**
     * Why a file could not be read as text. The message does not repeat the file name (callers
     * put it first, with what the file was meant to be).
     */
    public static final class NotText extends IOException {
        public NotText(String message) {
            super(message);
        }
    }

    /**
     * The file's text.
     *
     * @throws java.nio.file.NoSuchFileException when it does not exist (callers say how to create it)
     * @throws NotText                            when it is not a regular file, too large, or not UTF-8
     * @throws IOException                        on other read failures
     */
    public static String read(Path file, long maxBytes) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        if (a.isDirectory()) {
            throw new NotText("it is a folder, not a file");
        }
        if (!a.isRegularFile()) {
            throw new NotText("not a regular file (a pipe, device or socket); give a file on disk");
        }
        if (a.size() > maxBytes) {
            throw new NotText(tooLarge(a.size(), maxBytes));
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        }
        if (bytes.length > maxBytes) {
            throw new NotText(tooLarge(bytes.length, maxBytes));
        }
        return decode(bytes);
    }

    private static String tooLarge(long size, long max) {
        return String.format(Locale.ROOT, "%,d bytes, over the %,d-byte limit for this kind of file; is it the right file?", size, max);
    }

    /** Strict UTF-8 decoding (a leading byte-order mark is dropped). */
    public static String decode(byte[] bytes) throws NotText {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        CoderResult r = d.decode(in, out, true);
        if (!r.isError()) {
            r = d.flush(out);
        }
        if (r.isError()) {
            int offset = in.position();
            int line = 1;
            for (int i = 0; i < offset; i++) {
                if (bytes[i] == '\n') {
                    line++;
                }
            }
            throw new NotText(String.format(Locale.ROOT, "not UTF-8 text: byte 0x%02X at byte offset %d (line %d) is not valid UTF-8; "
                    + "save the file as UTF-8", bytes[offset] & 0xff, offset, line));
        }
        out.flip();
        String s = out.toString();
        return s.startsWith("\uFEFF") ? s.substring(1) : s;
    }
}
