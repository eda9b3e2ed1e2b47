package io.transferadvisor.dataset;

import io.transferadvisor.util.AtomicFiles;
import io.transferadvisor.util.Hashing;
import io.transferadvisor.util.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What a saved profile is checked against (its content hash, classes and counts), without decoding
 * the images again when nothing they come from changed: {@code recommend --profile} spent about a
 * second decoding Fashion-MNIST's gzipped IDX files only to recompute this hash.
 *
 * <p>The identity is remembered in the cache under a key over everything that decides it: the
 * spec's loading fields (sources, class lists and renames in sorted order, split, seed, input
 * geometry, fit, models), the path, size and modification time of every file the sources read
 * (every file under a folder source), and the loader's own code. Any change to one of them is
 * another key, so a stale identity is never used; an unreadable remembered file is recomputed.
 */
public final class DatasetIdentity {
    /** The dataset's content hash and what the profile check compares besides it. */
    public record Identity(String contentHash, List<String> classNames, int labelledCount, int trainImages) {
        static Identity of(LoadedDataset d) {
            return new Identity(d.contentHash(), d.classNames(), d.labelledCount(), d.train().size());
        }
    }

    private DatasetIdentity() {}

    /**
     * The identity of {@code spec}'s data: remembered under {@code cacheDir} (null: always computed).
     * Loading errors are the loader's own ({@link DatasetException}).
     */
    public static Identity of(DatasetSpec spec, Path cacheDir) {
        if (cacheDir == null) {
            return Identity.of(DatasetLoader.load(spec));
        }
        Path memo = cacheDir.resolve("dataset-identity").resolve(key(spec) + ".json");
        if (Files.isRegularFile(memo)) {
            try {
                return Json.json().readValue(memo.toFile(), Identity.class);
            } catch (IOException e) {
                // unreadable (another version wrote it, or a disk error): recompute and replace
            }
        }
        Identity id = Identity.of(DatasetLoader.load(spec));
        try {
            Files.createDirectories(memo.getParent());
            AtomicFiles.writeString(memo, Json.json().writeValueAsString(id));
        } catch (IOException | UncheckedIOException e) {
            // a read-only cache only costs the next run the decode
        }
        return id;
    }

    /** SHA-256 over everything that decides the identity (see the class comment). */
    static String key(DatasetSpec spec) {
        StringBuilder k = new StringBuilder("dataset-identity v1\n");
        k.append("loader ").append(loaderCode()).append('\n');
        k.append("split ").append(spec.split()).append("\nseed ").append(spec.seed()).append("\ninput ").append(spec.input())
                .append("\nfit ").append(spec.fit()).append('\n');
        for (DatasetSpec.ModelRef m : spec.models()) {
            k.append("model ").append(m.display()).append('\n');
        }
        source(k, "train", spec.train());
        source(k, "test", spec.test());
        source(k, "unlabelled", spec.unlabelled());
        return Hashing.sha256(k.toString());
    }

    private static void source(StringBuilder k, String role, DatasetSpec.Source s) {
        if (s == null) {
            k.append(role).append(" none\n");
            return;
        }
        k.append(role).append(' ').append(s.format()).append(" classes ").append(s.classes()).append(" rename ")
                .append(new TreeMap<>(s.rename())).append(" perClass ").append(s.perClass()).append(" limit ").append(s.limit()).append('\n');
        for (Path p : s.labels() == null ? List.of(s.path()) : List.of(s.path(), s.labels())) {
            stats(k, p);
        }
    }

    /** Path, size and modification time of the file, or of every file under the folder, in name order. */
    private static void stats(StringBuilder k, Path p) {
        Path abs = p.toAbsolutePath().normalize();
        if (!Files.isDirectory(abs)) {
            k.append(stat(abs)).append('\n');
            return;
        }
        List<String> lines = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(abs)) {
            walk.filter(Files::isRegularFile).forEach(f -> lines.add(stat(f)));
        } catch (IOException e) {
            lines.add(abs + " unreadable " + e.getClass().getSimpleName());
        }
        lines.sort(null);
        lines.forEach(l -> k.append(l).append('\n'));
    }

    private static String stat(Path f) {
        try {
            BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
            return f + " " + a.size() + " " + a.lastModifiedTime().toInstant();
        } catch (IOException e) {
            return f + " missing";
        }
    }

    /**
     * The loader's code: the jar it runs from (path, size, time: any rebuild is a new key), and the
     * bytes of the classes that compute the hash (when running from a class folder, as tests do).
     */
    private static String loaderCode() {
        StringBuilder b = new StringBuilder();
        try {
            Path src = Path.of(DatasetLoader.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(src)) {
                b.append(stat(src));
            }
        } catch (Exception e) {
            b.append("code source unknown");
        }
        for (Class<?> c : List.of(DatasetLoader.class, LoadedDataset.class)) {
            try (InputStream in = c.getResourceAsStream(c.getSimpleName() + ".class")) {
                b.append(in == null ? "?" : Hashing.sha256(in.readAllBytes()));
            } catch (IOException e) {
                b.append('?');
            }
        }
        return Hashing.sha256(b.toString());
    }
}
