package io.transferadvisor.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Debian's headless chromium for the report tests and the docs screenshots: a fresh profile per
 * call, no network, no background services. scripts/install-deps --test installs it.
 */
final class Chromium {
    private Chromium() {}

    /** $ADVISOR_CHROMIUM, or chromium / chromium-browser / google-chrome on the PATH. */
    static Optional<Path> find() {
        String env = System.getenv("ADVISOR_CHROMIUM");
        if (env != null && !env.isBlank()) {
            return Optional.of(Path.of(env)).filter(Files::isExecutable);
        }
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(java.io.File.pathSeparator)) {
            for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    /** The DOM after load (and after the page's own load handlers ran). */
    static String dumpDom(Path chromium, Path html) throws IOException, InterruptedException {
        return run(chromium, List.of("--virtual-time-budget=10000", "--dump-dom", html.toUri().toString()), null);
    }

    /** A PNG of the page (at a fragment such as "#probe" when given) in a window of the given size. */
    static void screenshot(Path chromium, Path html, String fragment, int width, int height, Path png) throws IOException, InterruptedException {
        run(chromium, List.of("--hide-scrollbars", "--window-size=" + width + "," + height, "--screenshot=" + png.toAbsolutePath(),
                html.toUri() + (fragment == null ? "" : fragment)), png);
    }

    private static String run(Path chromium, List<String> extra, Path expected) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("advisor-chromium-");
        Path out = Files.createTempFile("advisor-chromium-", ".out");
        try {
            List<String> cmd = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--user-data-dir=" + profile));
            cmd.addAll(extra);
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("chromium did not finish within 180 s: " + cmd);
            }
            String stdout = Files.readString(out);
            if (p.exitValue() != 0 || (expected != null && !Files.isRegularFile(expected))) {
                throw new IllegalStateException("chromium exited " + p.exitValue() + " for " + cmd + "\n" + stdout);
            }
            return stdout;
        } finally {
            Files.deleteIfExists(out);
            try (var s = Files.walk(profile)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
