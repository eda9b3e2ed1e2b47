package io.transferadvisor.execute;

import io.transferadvisor.util.AtomicFiles;
import io.transferadvisor.util.Json;
import io.transferadvisor.util.OutputException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/**
 * Whether a folder is a run directory this tool made, and the lock that one process holds on a
 * run directory while it writes it.
 *
 * <p>A run directory gets {@value #MARKER} (JSON: tool, version, created) as its first file. Runs
 * made before the marker existed are recognised by {@code run.json} together with {@code plan.yaml}.
 * While a process executes or resumes a run it holds an exclusive OS lock on {@value #LOCK}; the OS
 * releases it when the process dies, so "status running and nobody holds the lock" means the run
 * was interrupted.
 */
final class RunOwnership {
    private RunOwnership() {}

    static final String MARKER = ".advisor-run";
    static final String LOCK = ".advisor-run.lock";

    /** Contents of the marker file. */
    record Marker(String tool, String version, String created) {}

    /** How a folder relates to the tool. */
    enum Kind {
        /** missing, or empty apart from our lock / marker temporaries */
        EMPTY,
        /** holds the marker, or run.json + plan.yaml of an older advisor */
        OURS,
        /** anything else: never replaced */
        FOREIGN
    }

    static Kind kind(Path dir) {
        if (!Files.isDirectory(dir)) {
            return Kind.EMPTY;
        }
        if (Files.isRegularFile(dir.resolve(MARKER))
                || (Files.isRegularFile(dir.resolve(RunFolder.RUN)) && Files.isRegularFile(dir.resolve(RunFolder.PLAN)))) {
            return Kind.OURS;
        }
        List<Path> entries;
        try (Stream<Path> s = Files.list(dir)) {
            entries = s.toList();
        } catch (IOException e) {
            throw new OutputException("cannot list " + dir + ": " + e.getMessage() + "; check permissions", e);
        }
        boolean onlyOurs = entries.stream().allMatch(p -> p.getFileName().toString().equals(LOCK) || AtomicFiles.isTempOf(p, MARKER));
        return onlyOurs ? Kind.EMPTY : Kind.FOREIGN;
    }

    static void writeMarker(Path dir) {
        String version = RunOwnership.class.getPackage().getImplementationVersion();
        try {
            AtomicFiles.writeString(dir.resolve(MARKER), Json.json().writeValueAsString(
                    new Marker("transfer-advisor", version == null ? "0.1.0-dev" : version, Instant.now().toString())) + "\n");
        } catch (IOException e) {
            throw new OutputException("cannot write " + dir.resolve(MARKER) + ": " + e.getMessage(), e);
        }
    }

    /** An exclusive lock on the run directory, released on close (or by the OS when the process dies). */
    static final class Lock implements AutoCloseable {
        private final FileChannel channel;
        private final FileLock lock;

        private Lock(FileChannel channel, FileLock lock) {
            this.channel = channel;
            this.lock = lock;
        }

        @Override
        public void close() {
            try {
                lock.release();
                channel.close();
            } catch (IOException ignored) {
                // closing the channel releases the lock in any case
            }
        }
    }

    /** The lock, or an OutputException (exit 8) when another advisor holds it. */
    static Lock lock(Path dir) {
        FileChannel ch = null;
        try {
            Files.createDirectories(dir);
            ch = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null; // held by this JVM (another thread or command)
            }
            if (l == null) {
                ch.close();
                throw new OutputException("another advisor is writing run directory " + dir
                        + "; wait for it to finish or pass -o another folder");
            }
            return new Lock(ch, l);
        } catch (IOException e) {
            closeQuietly(ch);
            throw new OutputException("cannot lock run directory " + dir + ": " + e.getMessage() + "; check permissions", e);
        }
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // the lock error is the one worth reporting
            }
        }
    }
}
