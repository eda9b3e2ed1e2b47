package io.transferadvisor.util;

import java.nio.file.Path;

/**
 * Where the tool's own files are: the installation folder (profiles/, rules/, examples/) and the
 * feature cache. Read once from system properties / environment set by the launcher; no mutable state.
 */
public final class Home {
    private Home() {}

    /** The repository / installation root: -Dadvisor.home (set by ./advisor), else the working directory. */
    public static Path dir() {
        return Path.of(System.getProperty("advisor.home", ".")).toAbsolutePath().normalize();
    }

    public static Path profiles() {
        return dir().resolve("profiles");
    }

    public static Path rules() {
        return dir().resolve("rules");
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
