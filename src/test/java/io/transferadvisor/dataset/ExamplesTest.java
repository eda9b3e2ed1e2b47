package io.transferadvisor.dataset;

import io.transferadvisor.util.Suggest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.transferadvisor.cli.CliTestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The committed examples validate; the Fashion-MNIST ones only where the Debian package is installed. */
class ExamplesTest {
    private static final Path FASHION = Path.of("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz");

    @Test
    void glyphsValidatesWithSixClassesAndUnlabelledImages() {
        CliTestSupport.Result r = CliTestSupport.run("validate", "examples/glyphs.yaml");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("A\\s+24\\s+6\\s+10").containsPattern("total\\s+144\\s+36\\s+60")
                .contains("unlabelled: 200 images").doesNotContain("skipped");
    }

    @Test
    void defaultValidatesWithFiveNewClasses() {
        assumeTrue(Files.exists(FASHION), "dataset-fashion-mnist not installed");
        CliTestSupport.Result r = CliTestSupport.run("validate", "examples/default.yaml");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("sandal\\s+36\\s+4\\s+100").containsPattern("ankle-boot\\s+36\\s+4\\s+100")
                .containsPattern("total\\s+180\\s+20\\s+500").contains("model       fmnist-cnn");
    }

    @Test
    void fashionLargeValidates() {
        assumeTrue(Files.exists(FASHION), "dataset-fashion-mnist not installed");
        CliTestSupport.Result r = CliTestSupport.run("validate", "examples/fashion-large.yaml");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("bag\\s+900\\s+100\\s+100");
    }

    @Test
    void publishedSchemaIsTheBundledOne() throws Exception {
        String bundled;
        try (var in = SchemaCheck.class.getResourceAsStream(SchemaCheck.RESOURCE)) {
            bundled = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        assertThat(Files.readString(Path.of("docs/dataset.schema.json")))
                .as("docs/dataset.schema.json must equal src/main/resources/dataset.schema.json (the source): cp it")
                .isEqualTo(bundled);
    }

    @Test
    void suggestionsNeedAtMostTwoEdits() {
        assertThat(Suggest.distance("per_clas", "per_class")).isEqualTo(1);
        assertThat(Suggest.closest("foldr", java.util.List.of("idx", "folder"))).contains("folder");
        assertThat(Suggest.closest("banana", java.util.List.of("idx", "folder"))).isEmpty();
    }
}
