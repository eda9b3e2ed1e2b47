package io.transferadvisor.features;

import io.transferadvisor.util.AtomicFiles;
import io.transferadvisor.util.Json;
import io.transferadvisor.util.WriteHooks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One folder of the feature cache: the pooled rows of one (model, layer, pooling, geometry).
 *
 * <p>Files: {@code meta.json} (row shape, written atomically once), {@code rows.f32} (append-only,
 * little-endian float32 rows of equal length) and {@code index.txt} (append-only lines
 * "HASH ROW\n"). A writer appends rows and forces them to disk BEFORE appending their index lines,
 * under an exclusive file lock; a reader trusts only complete index lines whose row lies wholly
 * inside rows.f32. So a crash at any point leaves at worst unreferenced bytes, and readers never
 * need a lock.
 */
final class FeatureCacheStore {
    /** FileLock is per JVM; this makes two stores on one folder in one JVM take turns instead of failing. */
    private static final Map<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

    static final String META = "meta.json";
    static final String ROWS = "rows.f32";
    static final String INDEX = "index.txt";
    private static final int HASH_CHARS = 32;

    /** Contents of meta.json. */
    record Meta(int version, String model, String layer, String pooling, String geometry, long[] rowShape) {}

    private final Path dir;
    private final Meta identity;
    private long[] rowShape;
    private final Map<String, Integer> index = new HashMap<>();
    private long indexBytesRead;

    FeatureCacheStore(Path dir, Meta identity) {
        this.dir = dir;
        this.identity = identity;
        Path meta = dir.resolve(META);
        if (Files.exists(meta)) {
            try {
                Meta m = Json.json().readValue(meta.toFile(), Meta.class);
                this.rowShape = m.rowShape();
            } catch (IOException e) {
                throw new UncheckedIOException("feature cache " + meta + " is unreadable; delete the folder " + dir + " to rebuild it", e);
            }
        }
        refresh();
    }

    Path dir() {
        return dir;
    }

    /** Row shape, or null before the first row was written. */
    long[] rowShape() {
        return rowShape == null ? null : rowShape.clone();
    }

    int rowLength() {
        long n = 1;
        for (long d : rowShape) {
            n *= d;
        }
        return Math.toIntExact(n);
    }

    boolean contains(String hash) {
        return index.containsKey(hash);
    }

    /** Content hashes of every row the store holds (after a refresh). */
    java.util.Set<String> hashes() {
        refresh();
        return java.util.Set.copyOf(index.keySet());
    }

    int size() {
        return index.size();
    }

    /** Reads index lines appended since the last look (by this or another process). */
    void refresh() {
        Path idx = dir.resolve(INDEX);
        Path rows = dir.resolve(ROWS);
        if (!Files.exists(idx) || rowShape == null) {
            return;
        }
        try (FileChannel ch = FileChannel.open(idx, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size <= indexBytesRead) {
                return;
            }
            ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(size - indexBytesRead));
            while (buf.hasRemaining() && ch.read(buf, indexBytesRead + buf.position()) > 0) {
                // keep reading
            }
            byte[] bytes = Arrays.copyOf(buf.array(), buf.position());
            int lastNewline = -1;
            for (int i = bytes.length - 1; i >= 0; i--) {
                if (bytes[i] == '\n') {
                    lastNewline = i;
                    break;
                }
            }
            if (lastNewline < 0) {
                return;
            }
            long rowBytes = 4L * rowLength();
            long rowsAvailable = Files.exists(rows) ? Files.size(rows) / rowBytes : 0;
            String text = new String(bytes, 0, lastNewline, StandardCharsets.US_ASCII);
            for (String line : text.split("\n")) {
                int sp = line.indexOf(' ');
                if (sp != HASH_CHARS) {
                    continue; // a torn or foreign line: never referenced
                }
                try {
                    int row = Integer.parseInt(line.substring(sp + 1).trim());
                    if (row >= 0 && row < rowsAvailable) {
                        index.putIfAbsent(line.substring(0, sp), row);
                    }
                } catch (NumberFormatException e) {
                    // torn line from a crash; the row it named is simply not reused
                }
            }
            indexBytesRead += lastNewline + 1;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read feature cache index " + idx, e);
        }
    }

    /**
     * Appends rows (each of rowLength floats) for the given hashes, skipping hashes already present.
     */
    void append(List<String> hashes, float[][] rows, long[] shape) {
        ReentrantLock jvmLock = JVM_LOCKS.computeIfAbsent(dir.toAbsolutePath().normalize(), p -> new ReentrantLock());
        jvmLock.lock();
        try {
            Files.createDirectories(dir);
            try (FileChannel lockCh = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = lockCh.lock()) {
                if (rowShape == null) {
                    Path meta = dir.resolve(META);
                    if (Files.exists(meta)) {
                        rowShape = Json.json().readValue(meta.toFile(), Meta.class).rowShape();
                    } else {
                        Meta m = new Meta(identity.version(), identity.model(), identity.layer(), identity.pooling(), identity.geometry(), shape);
                        AtomicFiles.writeString(meta, Json.json().writeValueAsString(m));
                        rowShape = shape.clone();
                    }
                }
                if (!Arrays.equals(rowShape, shape)) {
                    throw new IllegalStateException("feature cache " + dir + " holds rows of shape " + Arrays.toString(rowShape)
                            + " but the network now gives " + Arrays.toString(shape) + "; delete the folder to rebuild it");
                }
                refresh();
                int rowLen = rowLength();
                long rowBytes = 4L * rowLen;
                StringBuilder lines = new StringBuilder();
                ByteBuffer out = null;
                int fresh = 0;
                java.util.Set<String> seen = new java.util.HashSet<>();
                for (int i = 0; i < hashes.size(); i++) {
                    if (!index.containsKey(hashes.get(i)) && seen.add(hashes.get(i))) {
                        fresh++;
                    }
                }
                if (fresh == 0) {
                    return;
                }
                out = ByteBuffer.allocate(Math.toIntExact(rowBytes * fresh)).order(ByteOrder.LITTLE_ENDIAN);
                try (FileChannel rowsCh = FileChannel.open(dir.resolve(ROWS), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                    long size = rowsCh.size();
                    long firstRow = size / rowBytes;
                    if (size % rowBytes != 0) {
                        rowsCh.truncate(firstRow * rowBytes); // a torn row from a crash: nothing refers to it
                    }
                    seen.clear();
                    int next = 0;
                    for (int i = 0; i < hashes.size(); i++) {
                        String h = hashes.get(i);
                        if (index.containsKey(h) || !seen.add(h)) {
                            continue;
                        }
                        if (rows[i].length != rowLen) {
                            throw new IllegalArgumentException("row " + i + " has " + rows[i].length + " values; expected " + rowLen);
                        }
                        for (float v : rows[i]) {
                            out.putFloat(v);
                        }
                        lines.append(h).append(' ').append(firstRow + next).append('\n');
                        next++;
                    }
                    out.flip();
                    long pos = firstRow * rowBytes;
                    while (out.hasRemaining()) {
                        pos += rowsCh.write(out, pos);
                    }
                    rowsCh.force(false);
                }
                WriteHooks.point("cache rows appended " + dir.getFileName());
                try (FileChannel idxCh = FileChannel.open(dir.resolve(INDEX), StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE)) {
                    long len = idxCh.size();
                    if (len > 0) {
                        ByteBuffer last = ByteBuffer.allocate(1);
                        idxCh.read(last, len - 1);
                        if (last.get(0) != '\n') {
                            lines.insert(0, '\n'); // close a torn line from a crash so it stays unparseable on its own
                        }
                    }
                    ByteBuffer lb = ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.US_ASCII));
                    long at = len;
                    while (lb.hasRemaining()) {
                        at += idxCh.write(lb, at);
                    }
                    idxCh.force(false);
                }
                WriteHooks.point("cache index appended " + dir.getFileName());
                refresh();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write feature cache " + dir + ": " + e.getMessage(), e);
        } finally {
            jvmLock.unlock();
        }
    }

    /** Reads the rows of the given hashes (all must be present) into one row-major array. */
    float[] read(List<String> hashes) {
        int rowLen = rowLength();
        long rowBytes = 4L * rowLen;
        float[] all = new float[Math.multiplyExact(hashes.size(), rowLen)];
        ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(rowBytes)).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel ch = FileChannel.open(dir.resolve(ROWS), StandardOpenOption.READ)) {
            for (int i = 0; i < hashes.size(); i++) {
                Integer row = index.get(hashes.get(i));
                if (row == null) {
                    throw new IllegalStateException("feature cache " + dir + " lacks image " + hashes.get(i));
                }
                buf.clear();
                long pos = row * rowBytes;
                while (buf.hasRemaining()) {
                    int n = ch.read(buf, pos + buf.position());
                    if (n < 0) {
                        throw new IOException("rows.f32 ends inside row " + row);
                    }
                }
                buf.flip();
                buf.asFloatBuffer().get(all, i * rowLen, rowLen);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read feature cache " + dir + ": " + e.getMessage(), e);
        }
        return all;
    }
}
