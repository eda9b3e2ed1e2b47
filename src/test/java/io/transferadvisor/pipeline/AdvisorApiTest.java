package io.transferadvisor.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.transferadvisor.util.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The library API as the README shows it: the README's example (readme/UseFromJava.java, verbatim) runs end to end. */
@org.junit.jupiter.api.Tag("slow") // trains or runs DL4J for seconds: `mvn test -DexcludedGroups=slow` skips it
class AdvisorApiTest {
    static final Path EXAMPLE = Path.of("src/test/java/io/transferadvisor/readme/UseFromJava.java");

    @Test
    void theReadmeExampleProfilesRecommendsAndTrainsAndPrintsWhatTheRunRecorded(@TempDir Path dir) throws Exception {
        // 24 Fashion images per class of 5 new classes, 3 epochs: a quick real run (an ENSEMBLE of three networks)
        Path yaml = dir.resolve("small.yaml");
        Files.writeString(yaml, Files.readString(Path.of("examples/default.yaml")).replace("per_class: 40", "per_class: 24")
                .replace("per_class: 100", "per_class: 20").replace("max_epochs: 30", "max_epochs: 3"));
        Path runDir = dir.resolve("run");
        String printed = runExample(yaml, runDir);
        assertThat(printed).containsPattern("similarity 0\\.[0-9]{3}").contains("plan: ENSEMBLE of FINETUNE_ABOVE").contains("  because ");
        var metrics = Json.json().readTree(runDir.resolve("metrics.json").toFile());
        double acc = metrics.path("test").path("accuracy").asDouble(-1);
        assertThat(acc).isGreaterThan(0.2); // five classes: better than chance after 3 epochs
        assertThat(printed).contains(String.format(Locale.ROOT, "test accuracy %.4f; report %s", acc, runDir.resolve("report.html")));
        assertThat(runDir.resolve("report.html")).exists();
        // an ENSEMBLE of the model's plans (guards.drl ensemble-plans): one folder per network, each with its model.zip
        assertThat(runDir.resolve("ensemble.json")).exists();
        for (int i = 1; i <= 3; i++) {
            assertThat(runDir.resolve("member-" + i).resolve("model.zip")).exists();
        }
    }

    @Test
    void theReadmeQuotesTheExampleVerbatim() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        assertThat(readme).as("README 'Use from Java' must quote " + EXAMPLE + " verbatim").contains(Files.readString(EXAMPLE).strip());
    }

    private static String runExample(Path yaml, Path runDir) throws Exception {
        Class<?> c = Class.forName("UseFromJava");
        Method main = c.getMethod("main", String[].class);
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (PrintStream capture = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            main.invoke(null, (Object) new String[] {yaml.toString(), runDir.toString()});
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
