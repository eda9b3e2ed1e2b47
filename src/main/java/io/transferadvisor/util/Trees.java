package io.transferadvisor.util;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Folder trees a benchmark made for itself and removes again. */
public final class Trees {
    private Trees() {}

    /** Deletes root and everything below it (files first); a missing entry is not an error. */
    public static void deleteTree(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the benchmark's temporary folder " + root, e);
        }
    }
}
