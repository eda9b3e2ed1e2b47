package io.transferadvisor.util;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the tool's own files are: the installation folder (profiles/, rules/, examples/) and the
 * feature cache. Read from system properties / environment set by the launcher. Run from a folder
 * that is no installation, without -Dadvisor.home, the jar uses the rules and profiles it carries
 * ({@link Bundled}).
 */
public final class Home {
    private Home() {}

    /** The repository / installation root: -Dadvisor.home (set by ./advisor), else the working directory. */
    public static Path dir() {
        return Path.of(System.getProperty("advisor.home", ".")).toAbsolutePath().normalize();
    }

    /** The source-model profiles: the installation's profiles/, or the jar's copy (see {@link #installedOrBundled}). */
    public static Path profiles() {
        return installedOrBundled("profiles", dir(), System.getProperty("advisor.home") != null, cache());
    }

    /** Where {@code advisor pretrain} writes by default: always the installation's profiles/, never the jar's copy. */
    public static Path profilesToWrite() {
        return dir().resolve("profiles");
    }

    /** The rule base: the installation's rules/, or the jar's copy (see {@link #installedOrBundled}). */
    public static Path rules() {
        return installedOrBundled("rules", dir(), System.getProperty("advisor.home") != null, cache());
    }

    /**
     * {@code home/name} when it is a folder, or when the home was named explicitly (a checkout with a
     * missing folder gets the usual "not found" error, never a silent substitute); else the copy
     * bundled in the jar, extracted under {@code cache}; else {@code home/name}.
     */
    static Path installedOrBundled(String name, Path home, boolean explicitHome, Path cache) {
        Path d = home.resolve(name);
        if (explicitHome || Files.isDirectory(d)) {
            return d;
        }
        Path bundled = Bundled.folder(name, cache);
        return bundled != null && Files.isDirectory(bundled) ? bundled : d;
    }

    /** Feature cache: $ADVISOR_CACHE, else ~/.cache/transfer-advisor. */
    public static Path cache() {
        String env = System.getenv("ADVISOR_CACHE");
        if (env != null && !env.isBlank()) {
            return Path.of(env).toAbsolutePath();
        }
        return Path.of(System.getProperty("user.home"), ".cache", "transfer-advisor");
    }
}
