package io.transferadvisor.rules;

import io.transferadvisor.util.AtomicFiles;
import io.transferadvisor.util.Hashing;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.CodeSource;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.drools.base.common.DroolsObjectInputStream;
import org.drools.base.common.DroolsObjectOutputStream;
import org.drools.base.definitions.InternalKnowledgePackage;
import org.drools.kiesession.rulebase.InternalKnowledgeBase;
import org.drools.kiesession.rulebase.KnowledgeBaseFactory;
import org.kie.api.KieBase;
import org.kie.api.definition.KiePackage;

/**
 * Compiled rule bases kept across runs, so a `recommend` or `explain` from saved profiles does not compile
 * rules/ again (the compile was ~1.5 s of a ~3 s cold `recommend`; docs/benchmarks/rules.md). A rule base is
 * kept as its serialized knowledge packages (Drools' own Externalizable form, the generated consequence
 * classes included) under {@code CACHE/rules/KEY.kbase}; the key is a SHA-256 over every file of the rules folder
 * (names and bytes), this tool's code and the Drools build, so any change to either compiles afresh.
 * <p>
 * Only a rule base that passed every check of {@link RuleBase#load} (the sandbox, the decision-table twins, the
 * compile) is written, through a temporary and a rename, readable by its owner only; one that is not the current
 * user's, that others may write, or that does not read back is ignored and the rules are compiled as if it were
 * absent. Best effort both ways: a cache that cannot be read or written never fails a command.
 */
final class CompiledRules {
    /** Bump when what is stored changes meaning. */
    private static final String FORMAT = "transfer-advisor compiled rules 1";
    /** How many compiled rule bases (rules folders or versions of one) the cache keeps, newest first. */
    static final int KEEP = 8;
    private static final String SUFFIX = ".kbase";

    private CompiledRules() {}

    /** The cache key of a rules folder's listing: its files' names and bytes, this tool's code, the Drools build. */
    static String key(List<Path> listing) {
        MessageDigest d = Hashing.sha256();
        update(d, FORMAT);
        update(d, codeIdentity(RuleBase.class));
        update(d, codeIdentity(KnowledgeBaseFactory.class));
        update(d, codeIdentity(org.drools.compiler.builder.impl.KnowledgeBuilderImpl.class));
        update(d, System.getProperty("java.vm.version", ""));
        for (Path p : listing) {
            update(d, p.getFileName().toString());
            try {
                d.update(Files.readAllBytes(p));
            } catch (IOException e) {
                throw new RulesException(p.getFileName() + ":1: cannot read: " + e.getMessage(), e);
            }
            d.update((byte) 0);
        }
        return Hashing.hex(d);
    }

    static Path file(Path cacheDir, String key) {
        return cacheDir.resolve("rules").resolve(key + SUFFIX);
    }

    /** The rule base stored under the key, or null when there is none or it cannot be used (then the caller compiles). */
    static KieBase read(Path cacheDir, String key) {
        Path f = file(cacheDir, key);
        if (!Files.isRegularFile(f) || !trusted(f)) {
            return null;
        }
        try (InputStream raw = Files.newInputStream(f);
             DroolsObjectInputStream in = new DroolsObjectInputStream(new BufferedInputStream(raw, 1 << 16), RuleBase.class.getClassLoader())) {
            Object o = in.readObject();
            if (!(o instanceof List<?> list) || list.isEmpty()) {
                return null;
            }
            List<InternalKnowledgePackage> packages = new ArrayList<>();
            for (Object p : list) {
                if (!(p instanceof InternalKnowledgePackage pk)) {
                    return null;
                }
                packages.add(pk);
            }
            InternalKnowledgeBase kb = KnowledgeBaseFactory.newKnowledgeBase();
            kb.addPackages(packages);
            return kb;
        } catch (IOException | ClassNotFoundException | RuntimeException | LinkageError e) {
            return null; // stale or damaged: compile instead (and the next write replaces it)
        }
    }

    /** Stores a compiled rule base under the key; returns whether it was written and reads back. Never throws. */
    static boolean write(Path cacheDir, String key, KieBase kb) {
        try {
            Path f = file(cacheDir, key);
            Files.createDirectories(f.getParent());
            List<InternalKnowledgePackage> packages = new ArrayList<>();
            for (KiePackage p : kb.getKiePackages()) {
                packages.add((InternalKnowledgePackage) p);
            }
            AtomicFiles.stageVia(f, tmp -> {
                ownerOnly(tmp);
                try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING), 1 << 16);
                     DroolsObjectOutputStream o = new DroolsObjectOutputStream(out)) {
                    o.writeObject(packages);
                }
            }).commit();
            // Kept only if it reads back. This also loads the classes a read-back run uses, so the class-data archive the
            // launcher writes at the exit of a new jar's first `recommend` (always a compile: the key names the jar) holds them:
            // on an archive without them a read-back `recommend` took 3.3-4.0 s instead of 2.3-2.5 s.
            if (read(cacheDir, key) == null) {
                Files.deleteIfExists(f);
                return false;
            }
            prune(f.getParent(), f);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static void ownerOnly(Path tmp) throws IOException {
        try {
            Files.setPosixFilePermissions(tmp, Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the folder's own protection is all there is
        }
    }

    /** Ours to deserialize: owned by this user and writable by nobody else (POSIX); anything else is ignored. */
    static boolean trusted(Path f) {
        try {
            if (!Files.getOwner(f).getName().equals(System.getProperty("user.name"))) {
                return false;
            }
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(f);
            return !perms.contains(PosixFilePermission.GROUP_WRITE) && !perms.contains(PosixFilePermission.OTHERS_WRITE);
        } catch (UnsupportedOperationException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Keeps the newest {@link #KEEP} compiled rule bases (the one just written always among them). */
    private static void prune(Path dir, Path keep) {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> all = s.filter(p -> p.getFileName().toString().endsWith(SUFFIX) && !p.equals(keep))
                    .sorted(Comparator.comparing(CompiledRules::modified).reversed()).toList();
            for (int i = KEEP - 1; i < all.size(); i++) {
                Files.deleteIfExists(all.get(i));
            }
        } catch (IOException | UncheckedIOException e) {
            // pruning is housekeeping
        }
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * Where a class was loaded from, and its size and time for a jar; for a folder of classes (a development
     * build), the bytes of this package's classes (the rules' facts included), which is what compiled consequences bind to.
     */
    private static String codeIdentity(Class<?> type) {
        CodeSource src = type.getProtectionDomain().getCodeSource();
        if (src == null || src.getLocation() == null) {
            return type.getName();
        }
        Path p;
        try {
            p = Path.of(src.getLocation().toURI());
        } catch (URISyntaxException | IllegalArgumentException e) {
            return src.getLocation().toString();
        }
        try {
            if (Files.isRegularFile(p)) {
                return p + " " + Files.size(p) + " " + Files.getLastModifiedTime(p).toMillis();
            }
            if (Files.isDirectory(p)) {
                MessageDigest d = Hashing.sha256();
                Path pkg = p.resolve(type.getPackageName().replace('.', '/'));
                List<Path> classes;
                try (Stream<Path> s = Files.walk(pkg)) {
                    classes = s.filter(f -> f.toString().endsWith(".class")).sorted().toList();
                }
                for (Path c : classes) {
                    update(d, pkg.relativize(c).toString());
                    d.update(Files.readAllBytes(c));
                }
                return p + " " + Hashing.hex(d);
            }
        } catch (IOException | UncheckedIOException e) {
            return p + " unreadable " + System.nanoTime(); // never matches a stored key
        }
        return p.toString();
    }

    private static void update(MessageDigest d, String s) {
        d.update(s.getBytes(StandardCharsets.UTF_8));
        d.update((byte) 0);
    }
}
