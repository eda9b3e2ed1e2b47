package io.transferadvisor.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * What {@code --force} may replace. Folders that hold the user's other work are never replaced:
 * the current directory and its ancestors, the home folder and its ancestors, the file system
 * root, and the installation / repository root (util/Home) and its ancestors. Paths are compared
 * after resolving symbolic links, so a link to one of them is refused too.
 */
public final class SafeReplace {
    private SafeReplace() {}

    /** Why {@code dir} must never be replaced, or null when it is not one of the protected folders. */
    public static String protectedReason(Path dir) {
        Path d = real(dir);
        if (d.getParent() == null) {
            return "it is the file system root";
        }
        if (isAncestorOrSelf(d, real(Path.of("").toAbsolutePath()))) {
            return d.equals(real(Path.of("").toAbsolutePath())) ? "it is the current directory" : "it contains the current directory";
        }
        String home = System.getProperty("user.home");
        if (home != null && !home.isBlank() && isAncestorOrSelf(d, real(Path.of(home)))) {
            return "it is or contains the home folder";
        }
        if (isAncestorOrSelf(d, real(Home.dir()))) {
            return "it is or contains the advisor installation " + Home.dir();
        }
        return null;
    }

    private static boolean isAncestorOrSelf(Path candidate, Path of) {
        return of.startsWith(candidate);
    }

    /** The real path where the file exists (links resolved), else the normalised absolute path of its nearest existing parent + rest. */
    static Path real(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        try {
            if (Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
                return abs.toRealPath();
            }
        } catch (IOException e) {
            // fall through: compare the plain path
        }
        return abs;
    }
}
