package io.transferadvisor.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's class-data archive (./advisor, short commands): written once per jar at the exit of
 * the first successful `recommend --profile` (not a --help, another short command or a failed run,
 * whose archive would leave classes out that recommend loads), mapped by every short command after
 * it, replaced when the jar changes, never mixed into stdout, and off with ADVISOR_CDS=0. Runs the
 * real launcher script on a one-class jar in a copied installation.
 */
class LauncherCdsTest {
    record Run(int code, String out, String err) {}

    static Path install(Path dir, String greeting) throws Exception {
        Path src = dir.resolve("gen/Hello.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, "public class Hello { public static void main(String[] a) { System.out.println(\"" + greeting
                + " \" + String.join(\",\", a)); if (java.util.Arrays.asList(a).contains(\"--fail\")) System.exit(3); } }");
        assertThat(ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", dir.resolve("gen").toString(), src.toString())).isZero();
        Path jar = dir.resolve("target/transfer-advisor.jar");
        Files.createDirectories(jar.getParent());
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "Hello");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), mf)) {
            out.putNextEntry(new JarEntry("Hello.class"));
            out.write(Files.readAllBytes(dir.resolve("gen/Hello.class")));
            out.closeEntry();
        }
        Path launcher = dir.resolve("advisor");
        Files.copy(Path.of("advisor").toAbsolutePath(), launcher, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        // no pom.xml or src/main here, so the launcher never tries to build
        return launcher;
    }

    static Run run(Path launcher, Path cache, String... extraEnv) throws Exception {
        return run(launcher, cache, List.of("recommend", "--profile", "p.json"), extraEnv);
    }

    static Run run(Path launcher, Path cache, List<String> args, String... extraEnv) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", launcher.toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("ADVISOR_JAVA_OPTS");
        pb.environment().remove("ADVISOR_CDS");
        pb.environment().put("ADVISOR_CACHE", cache.toString());
        for (int i = 0; i < extraEnv.length; i += 2) {
            pb.environment().put(extraEnv[i], extraEnv[i + 1]);
        }
        Path out = Files.createTempFile(cache.getParent(), "out", ".txt");
        Path err = Files.createTempFile(cache.getParent(), "err", ".txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        int code = p.waitFor();
        return new Run(code, Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    static List<Path> archives(Path cache) throws Exception {
        if (!Files.isDirectory(cache.resolve("cds"))) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(cache.resolve("cds"))) {
            return s.sorted().toList();
        }
    }

    @Test
    void theFirstRunWritesTheArchiveLaterRunsMapItAndANewJarReplacesIt(@TempDir Path dir) throws Exception {
        Path launcher = install(dir.resolve("home"), "hello");
        Path cache = dir.resolve("cache");
        Run first = run(launcher, cache);
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.out()).isEqualTo("hello recommend,--profile,p.json\n");
        List<Path> a = archives(cache);
        assertThat(a).hasSize(1);
        assertThat(a.get(0).getFileName().toString()).endsWith(".jsa").doesNotContain("tmp");
        assertThat(Files.size(a.get(0))).isGreaterThan(100_000);

        // the second run maps it (the JVM says so when asked) and prints exactly the same
        Run second = run(launcher, cache, "JAVA_TOOL_OPTIONS", "-Xlog:cds=info:file=" + dir.resolve("cds.log"));
        assertThat(second.code()).isZero();
        assertThat(second.out()).isEqualTo(first.out());
        assertThat(Files.readString(dir.resolve("cds.log"))).contains(a.get(0).getFileName().toString());
        assertThat(archives(cache)).isEqualTo(a);

        // a rebuilt jar (another size or time) gets its own archive; the old one is removed
        Path jar = dir.resolve("home/target/transfer-advisor.jar");
        install(dir.resolve("home"), "hello again");
        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 10_000));
        Run third = run(launcher, cache);
        assertThat(third.out()).isEqualTo("hello again recommend,--profile,p.json\n");
        List<Path> b = archives(cache);
        assertThat(b).hasSize(1).doesNotContainAnyElementsOf(a);
    }

    @Test
    void switchedOffOrGivenOwnJavaOptionsNoArchiveIsWritten(@TempDir Path dir) throws Exception {
        Path launcher = install(dir.resolve("home"), "hi");
        Path cache = dir.resolve("cache");
        Run off = run(launcher, cache, "ADVISOR_CDS", "0");
        assertThat(off.code()).isZero();
        assertThat(off.out()).isEqualTo("hi recommend,--profile,p.json\n");
        assertThat(archives(cache)).isEmpty();
        Run own = run(launcher, cache, "ADVISOR_JAVA_OPTS", "-Xmx256m");
        assertThat(own.out()).isEqualTo("hi recommend,--profile,p.json\n");
        assertThat(archives(cache)).isEmpty();
    }

    @Test
    void onlyASuccessfulRecommendWritesTheArchiveAndEveryShortCommandMapsIt(@TempDir Path dir) throws Exception {
        Path launcher = install(dir.resolve("home"), "hey");
        Path cache = dir.resolve("cache");
        // other short commands, a --help and a failed recommend: each runs, none writes
        assertThat(run(launcher, cache, List.of("models")).out()).isEqualTo("hey models\n");
        assertThat(run(launcher, cache, List.of("explain", "run")).code()).isZero();
        assertThat(run(launcher, cache, List.of("recommend", "--profile", "p.json", "--help")).code()).isZero();
        Run failed = run(launcher, cache, List.of("recommend", "--profile", "p.json", "--fail"));
        assertThat(failed.code()).isEqualTo(3);
        assertThat(failed.out()).isEqualTo("hey recommend,--profile,p.json,--fail\n");
        assertThat(archives(cache)).isEmpty();
        // the first successful recommend writes it; explain then maps it
        assertThat(run(launcher, cache, List.of("recommend", "--profile", "p.json")).code()).isZero();
        List<Path> a = archives(cache);
        assertThat(a).hasSize(1);
        Run explain = run(launcher, cache, List.of("explain", "run"), "JAVA_TOOL_OPTIONS", "-Xlog:cds=info:file=" + dir.resolve("cds.log"));
        assertThat(explain.out()).isEqualTo("hey explain,run\n");
        assertThat(Files.readString(dir.resolve("cds.log"))).contains(a.get(0).getFileName().toString());
    }
}
