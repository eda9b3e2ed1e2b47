package io.transferadvisor.util;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The copies of rules/ and profiles/ the build puts in the jar (under {@value #ROOT}), so the jar
 * works from any folder. DL4J and the rule loader read real files, so the bundle is extracted once
 * into the cache, in a folder named by the SHA-256 of its content: a new jar gets a new folder, a
 * rerun reuses the old one, and two processes extracting at once both end with a complete copy
 * (each writes a private temporary folder and renames it into place).
 */
public final class Bundled {
    private Bundled() {}

    /** Where the build puts the bundle inside the jar (pom.xml, resources). */
    public static final String ROOT = "io/transferadvisor/bundled";

    private static final Map<Path, Path> EXTRACTED = new ConcurrentHashMap<>();

    /**
     * The bundled folder {@code name} (rules or profiles), extracted under {@code cacheRoot}/bundled;
     * null when this build carries no bundle.
     */
    public static Path folder(String name, Path cacheRoot) {
        Path source = codeSource();
        if (source == null) {
            return null;
        }
        Path root = EXTRACTED.computeIfAbsent(cacheRoot.toAbsolutePath().normalize(), c -> extract(source, c));
        return root == null ? null : root.resolve(name);
    }

    /** The jar or classes folder this class was loaded from, or null. */
    private static Path codeSource() {
        try {
            var cs = Bundled.class.getProtectionDomain().getCodeSource();
            return cs == null ? null : Path.of(cs.getLocation().toURI());
        } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
            return null;
        }
    }

    private static Path extract(Path source, Path cacheRoot) {
        try {
            if (Files.isDirectory(source)) {
                return extractFrom(source.resolve(ROOT), cacheRoot);
            }
            try (FileSystem jar = FileSystems.newFileSystem(source)) {
                return extractFrom(jar.getPath(ROOT), cacheRoot);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract the rules and profiles bundled in " + source + " to " + cacheRoot
                    + ": " + e.getMessage() + "; set ADVISOR_CACHE to a writable folder, or ADVISOR_HOME to a checkout", e);
        }
    }

    private static Path extractFrom(Path bundle, Path cacheRoot) throws IOException {
        if (!Files.isDirectory(bundle)) {
            return null;
        }
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(bundle)) {
            walk.filter(Files::isRegularFile).sorted().forEach(files::add);
        }
        MessageDigest md = Hashing.sha256();
        for (Path f : files) {
            md.update(bundle.relativize(f).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(Files.readAllBytes(f));
            md.update((byte) 0);
        }
        Path target = cacheRoot.resolve("bundled").resolve(HexFormat.of().formatHex(md.digest()).substring(0, 16));
        if (Files.isDirectory(target)) {
            return target;
        }
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempDirectory(target.getParent(), ".extracting-");
        try {
            for (Path f : files) {
                Path to = tmp.resolve(bundle.relativize(f).toString());
                Files.createDirectories(to.getParent());
                Files.copy(f, to);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (java.nio.file.FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
                // another process finished first: its copy has the same content
            }
        } finally {
            if (Files.exists(tmp)) {
                Trees.deleteTree(tmp);
            }
        }
        return target;
    }
}
