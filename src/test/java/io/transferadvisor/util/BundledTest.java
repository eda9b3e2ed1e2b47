package io.transferadvisor.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jar carries rules/ and profiles/ and uses them where there is no installation. */
class BundledTest {
    static List<String> files(Path root) throws Exception {
        List<String> out = new ArrayList<>();
        try (Stream<Path> w = Files.walk(root)) {
            for (Path f : w.filter(Files::isRegularFile).sorted().toList()) {
                out.add(root.relativize(f) + " " + Hashing.sha256(f));
            }
        }
        return out;
    }

    @Test
    void theBundleIsTheCheckoutsRulesAndProfilesByteForByteAndIsExtractedOnce(@TempDir Path cache) throws Exception {
        Path rules = Bundled.folder("rules", cache);
        Path profiles = Bundled.folder("profiles", cache);
        assertThat(rules.getParent()).isEqualTo(profiles.getParent()).startsWith(cache.resolve("bundled"));
        assertThat(files(rules)).isEqualTo(files(Path.of("rules")));
        assertThat(files(profiles)).isEqualTo(files(Path.of("profiles")));
        // a second lookup reuses the folder; no temporary folder is left beside it
        assertThat(Bundled.folder("rules", cache)).isEqualTo(rules);
        try (Stream<Path> s = Files.list(cache.resolve("bundled"))) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly(rules.getParent().getFileName().toString());
        }
    }

    @Test
    void anInstallationFolderWinsAndANamedHomeIsNeverSubstituted(@TempDir Path tmp) throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Path cache = tmp.resolve("cache");
        assertThat(Home.installedOrBundled("rules", home, true, cache)).isEqualTo(home.resolve("rules"));
        assertThat(Home.installedOrBundled("rules", home, false, cache)).startsWith(cache.resolve("bundled"));
        Files.createDirectories(home.resolve("rules"));
        assertThat(Home.installedOrBundled("rules", home, false, cache)).isEqualTo(home.resolve("rules"));
    }

    @Test
    void theToolRunFromAnEmptyFolderWithoutAHomeRecommendsWithTheBundledRules(@TempDir Path tmp) throws Exception {
        Path work = Files.createDirectories(tmp.resolve("elsewhere"));
        Path out = work.resolve("plan.yaml");
        Path abs = Path.of("").toAbsolutePath();
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), "io.transferadvisor.cli.Main",
                "recommend", abs.resolve("examples/default.yaml").toString(),
                "--profile", abs.resolve("src/test/resources/rules/fmnist-default.profile.json").toString(), "-o", out.toString(), "--quiet")
                .directory(work.toFile()).redirectErrorStream(true).redirectOutput(tmp.resolve("log.txt").toFile());
        pb.environment().put("ADVISOR_CACHE", tmp.resolve("cache").toString());
        Process p = pb.start();
        assertThat(p.waitFor(3, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(tmp.resolve("log.txt"))).isZero();
        assertThat(Files.readString(out)).contains("strategy: ");
        assertThat(tmp.resolve("cache/bundled")).isDirectory();
    }
}
