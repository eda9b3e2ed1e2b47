package io.transferadvisor.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferadvisor.dataset.DatasetSpec;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.deeplearning4j.common.resources.DL4JResources;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Zoo weights are looked up in a temporary DL4J base folder; nothing is downloaded. */
class ZooSourceModelTest {
    @TempDir
    Path tmp;

    private File savedBase;

    @BeforeEach
    void useTemporaryDl4jFolder() throws Exception {
        savedBase = DL4JResources.getBaseDirectory();
        DL4JResources.setBaseDirectory(Files.createDirectories(tmp.resolve("dl4j")).toFile());
    }

    @AfterEach
    void restoreDl4jFolder() {
        DL4JResources.setBaseDirectory(savedBase);
    }

    private ModelRegistry registry() {
        return new ModelRegistry(tmp.resolve("no-profiles"), tmp.resolve("cache"));
    }

    @Test
    void missingWeightsNameTheFileTheChecksumAndWhereToPutIt() {
        SourceModel m = registry().find(new DatasetSpec.ModelRef("zoo:lenet", null, null));
        Path expected = tmp.resolve("dl4j").resolve("models").resolve("lenet").resolve("lenet_dl4j_mnist_inference.zip").toAbsolutePath();
        assertThat(m.available()).isFalse();
        assertThat(m.weightsLocation()).isEqualTo(expected.toString());
        assertThatThrownBy(m::load).isInstanceOf(ModelException.class)
                .hasMessageContaining(expected.toString())
                .hasMessageContaining("Adler32 1906861161")
                .hasMessageContaining("never downloads")
                .hasMessageContaining("https://dl4jdata.blob.core.windows.net/models/lenet_dl4j_mnist_inference.zip")
                .hasMessageNotContaining("\n");
        // checking must not create DL4J's folders (or start a download that leaves half files)
        assertThat(tmp.resolve("dl4j").resolve("models")).doesNotExist();
    }

    @Test
    void wrongChecksumIsReportedAndTheFileIsKept() throws Exception {
        ZooSourceModel m = (ZooSourceModel) registry().find(new DatasetSpec.ModelRef("zoo:lenet", null, null));
        Path file = Path.of(m.weightsLocation());
        Files.createDirectories(file.getParent());
        Files.writeString(file, "not a model");
        assertThat(m.available()).isTrue();
        assertThatThrownBy(m::load).isInstanceOf(ModelException.class)
                .hasMessageContaining("Adler32 checksum " + ZooSourceModel.adler32(file))
                .hasMessageContaining("expected 1906861161");
        assertThat(file).exists();
    }

    @Test
    void localWeightsFileIsUsedInsteadOfTheCache() {
        Path local = tmp.resolve("my-resnet.zip");
        SourceModel m = registry().find(new DatasetSpec.ModelRef("zoo:resnet50", null, local));
        assertThat(m.weightsLocation()).isEqualTo(local.toAbsolutePath().toString());
        assertThatThrownBy(m::load).isInstanceOf(ModelException.class)
                .hasMessageContaining(local.toAbsolutePath().toString())
                .hasMessageContaining("fix the 'weights:' path");
    }

    @Test
    void profileIsDerivedWithoutWeightsAndCached() throws Exception {
        SourceModel m = registry().find(new DatasetSpec.ModelRef("zoo:resnet50", null, null));
        ModelProfile p = m.profile();
        assertThat(p.input()).hasToString("224x224x3");
        assertThat(p.parameters()).isEqualTo(25_636_712L);
        // ILSVRC-2012 names in output-unit order (bundled, no network), all distinct
        assertThat(p.sourceClasses()).hasSize(1000).doesNotHaveDuplicates();
        assertThat(p.sourceClasses().subList(0, 3)).containsExactly("tench", "goldfish", "great white shark");
        assertThat(p.sourceClasses().get(999)).isEqualTo("toilet tissue");
        assertThat(p.provenance().get("classNames").toString()).contains("imagenet-classes.txt", "BSD-3-Clause");
        assertThat(p.candidateCuts()).contains("stem-maxpool1", "avgpool");
        assertThat(p.layers()).extracting(ModelProfile.LayerInfo::name).contains(p.candidateCuts().toArray(String[]::new));
        assertThat(p.activationStats()).isEmpty();
        try (var files = Files.list(tmp.resolve("cache").resolve("model-profiles"))) {
            assertThat(files.map(f -> f.getFileName().toString())).anyMatch(f -> f.startsWith("zoo_resnet50-"));
        }
        // a second registry reads the cached profile and gets the same content
        ModelProfile again = registry().find(new DatasetSpec.ModelRef("zoo:resnet50", null, null)).profile();
        assertThat(again.candidateCuts()).isEqualTo(p.candidateCuts());
        assertThat(again.layers()).isEqualTo(p.layers());
    }

    @Test
    void darknetKeepsNumberedClassesBecauseItsLabelOrderIsDarknets() {
        ModelProfile p = registry().find(new DatasetSpec.ModelRef("zoo:darknet19", null, null)).profile();
        assertThat(p.sourceClasses()).hasSize(1000);
        assertThat(p.sourceClasses().get(0)).isEqualTo("imagenet-0");
    }

    @Test
    void lenetIsAMultiLayerNetworkConvertedToAGraphProfile() {
        ModelProfile p = registry().find(new DatasetSpec.ModelRef("zoo:lenet", null, null)).profile();
        assertThat(p.input()).hasToString("28x28x1");
        assertThat(p.sourceClasses()).hasSize(10);
        assertThat(p.candidateCuts()).isNotEmpty();
    }
}
