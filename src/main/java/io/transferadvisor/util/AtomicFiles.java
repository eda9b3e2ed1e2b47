package io.transferadvisor.util;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes files so that a reader sees either the old content or the whole new content, never a
 * half-written file: write to a temporary sibling ({@code .NAME.RANDOM.tmp}), fsync, then rename
 * over the target. Each temp written but not yet renamed is a crash point ({@link WriteHooks}).
 * Several files that form one unit are written with {@link #stage} and committed in an order the
 * caller chooses (the last rename is the commit point).
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Something that writes the content to a stream. */
    @FunctionalInterface
    public interface StreamWriter {
        void write(OutputStream out) throws IOException;
    }

    /** Something that writes a whole file at a given path. */
    @FunctionalInterface
    public interface PathWriter {
        void write(Path path) throws IOException;
    }

    /** A complete, fsynced temporary beside its target, not yet renamed over it. */
    public static final class Staged {
        private final Path target;
        private Path tmp;

        private Staged(Path target, Path tmp) {
            this.target = target;
            this.tmp = tmp;
        }

        public Path target() {
            return target;
        }

        /** Renames the temporary over the target (atomic where the file system can). */
        public void commit() {
            WriteHooks.point("rename " + target.getFileName());
            try {
                move(tmp, target);
                tmp = null;
            } catch (IOException e) {
                discard();
                throw new OutputException("cannot write " + target + ": " + e.getMessage()
                        + "; check the folder is writable and the disk has space", e);
            }
        }

        /** Deletes the temporary if it was not committed. */
        public void discard() {
            if (tmp != null) {
                deleteQuietly(tmp);
                tmp = null;
            }
        }
    }

    public static void writeString(Path target, String content) {
        write(target, out -> out.write(content.getBytes(StandardCharsets.UTF_8)));
    }

    public static void writeBytes(Path target, byte[] content) {
        write(target, out -> out.write(content));
    }

    /** Writes through a temporary file in the target's folder, then atomically renames it. */
    public static void write(Path target, StreamWriter writer) {
        stage(target, writer).commit();
    }

    /** Writes a file produced by a library that only takes a path (e.g. ModelSerializer). */
    public static void writeVia(Path target, PathWriter writer) {
        stageVia(target, writer).commit();
    }

    /** Writes the content to a fsynced temporary beside the target; {@link Staged#commit} renames it. */
    public static Staged stage(Path target, StreamWriter writer) {
        return stageVia(target, tmp -> {
            try (var channel = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE,
                    java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);
                 OutputStream out = java.nio.channels.Channels.newOutputStream(channel)) {
                writer.write(out);
                out.flush();
                channel.force(true);
            }
        });
    }

    /** As {@link #stage}, for a library that writes a whole file at a path. */
    public static Staged stageVia(Path target, PathWriter writer) {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = null;
        boolean ok = false;
        try {
            Files.createDirectories(dir);
            tmp = tempSibling(dir, target);
            writer.write(tmp);
            ok = true;
            return new Staged(target, tmp);
        } catch (IOException e) {
            throw new OutputException("cannot write " + target + ": " + e.getMessage()
                    + "; check the folder exists, is writable and the disk has space", e);
        } finally {
            if (!ok && tmp != null) {
                deleteQuietly(tmp); // the original failure is the one worth reporting
            }
        }
    }

    /** True for a temporary this class made for a file named {@code name} (to clean up after a crash). */
    public static boolean isTempOf(Path file, String name) {
        String f = file.getFileName().toString();
        return f.startsWith("." + name + ".") && f.endsWith(".tmp");
    }

    /** True for any temporary this class made. */
    public static boolean isTemp(Path file) {
        String f = file.getFileName().toString();
        return f.startsWith(".") && f.endsWith(".tmp") && f.indexOf('.', 1) > 0;
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort: a leftover temporary is cleaned by the next writer of the same file
        }
    }

    /**
     * A temporary file beside the target. createTempFile makes it owner-only (0600); outputs are
     * files people share (reports, plans), so give them the usual 0644 where POSIX permissions exist.
     */
    private static Path tempSibling(Path dir, Path target) throws IOException {
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        if (Files.getFileStore(tmp).supportsFileAttributeView(java.nio.file.attribute.PosixFileAttributeView.class)) {
            Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        }
        return tmp;
    }

    private static void move(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
