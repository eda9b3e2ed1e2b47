package io.transferadvisor.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.transferadvisor.dataset.DatasetSpec;
import io.transferadvisor.util.Hashing;
import io.transferadvisor.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The committed project model profiles/fmnist-cnn.{zip,json} is consistent with itself. */
class ProjectModelTest {
    static final Path PROFILES = Path.of("profiles").toAbsolutePath();
    static ModelProfile profile;
    static ComputationGraph graph;

    @TempDir
    Path tmp;

    @BeforeAll
    static void load() {
        assumeTrue(Files.isRegularFile(PROFILES.resolve("fmnist-cnn.json")), "profiles/fmnist-cnn.json not committed yet");
        SourceModel m = new ModelRegistry(PROFILES, null).find(new DatasetSpec.ModelRef("fmnist-cnn", null, null));
        assertThat(m.available()).isTrue();
        profile = m.profile();
        graph = m.load();
    }

    @Test
    void shaMatchesTheZip() {
        assertThat(profile.sha256()).isEqualTo(Hashing.sha256(PROFILES.resolve("fmnist-cnn.zip")));
    }

    @Test
    void layersAndCutsExistInTheLoadedGraph() {
        for (ModelProfile.LayerInfo l : profile.layers()) {
            assertThat(graph.getConfiguration().getVertices().containsKey(l.name())
                    || graph.getConfiguration().getNetworkInputs().contains(l.name())).as(l.name()).isTrue();
        }
        assertThat(profile.candidateCuts()).containsExactlyElementsOf(GraphAnatomy.candidateCuts(graph.getConfiguration()));
        assertThat(profile.parameters()).isEqualTo(graph.numParams());
        assertThat(profile.sourceClasses()).containsExactlyElementsOf(FmnistCnn.SOURCE_CLASSES);
        assertThat(profile.input()).isEqualTo(FmnistCnn.INPUT);
    }

    @Test
    void activationStatsHaveOneEntryPerChannelOfEachCut() {
        assertThat(profile.activationStats().keySet()).containsExactlyElementsOf(profile.candidateCuts());
        INDArray x = Nd4j.rand(new int[] {2, 1, 28, 28}, 11L);
        Map<String, INDArray> acts = graph.feedForward(x, false);
        for (String cut : profile.candidateCuts()) {
            ModelProfile.ChannelStats s = profile.activationStats().get(cut);
            long channels = acts.get(cut).size(1);
            assertThat(s.mean()).as(cut).hasSize((int) channels);
            assertThat(s.variance()).as(cut).hasSize((int) channels);
            assertThat(s.samples()).isPositive();
            assertThat(java.util.Arrays.stream(s.variance()).min().orElseThrow()).as(cut).isGreaterThanOrEqualTo(0);
            // post-ReLU/max-pool activations are non-negative, so are their means
            assertThat(java.util.Arrays.stream(s.mean()).min().orElseThrow()).as(cut).isGreaterThanOrEqualTo(0);
            assertThat(java.util.Arrays.stream(s.variance()).max().orElseThrow()).as(cut).isPositive();
        }
    }

    @Test
    void profileJsonRoundTrips() throws Exception {
        String json = ProfileFiles.toJson(profile);
        ModelProfile back = Json.json().readValue(json, ModelProfile.class);
        assertThat(back.layers()).isEqualTo(profile.layers());
        assertThat(back.candidateCuts()).isEqualTo(profile.candidateCuts());
        assertThat(back.sha256()).isEqualTo(profile.sha256());
        for (String cut : profile.candidateCuts()) {
            assertThat(back.activationStats().get(cut).mean()).containsExactly(profile.activationStats().get(cut).mean());
        }
        assertThat(ProfileFiles.toJson(back)).isEqualTo(json);
    }

    @Test
    void recordsProvenanceAndAUsefulAccuracy() {
        Map<String, Object> prov = profile.provenance();
        assertThat(prov).containsKeys("seed", "epochs", "trainImages", "dataSha256Decompressed", "dl4jVersion", "javaVersion", "wallSeconds");
        assertThat(((Number) prov.get("testAccuracy")).doubleValue()).isGreaterThan(0.85);
    }

    @Test
    void corruptZipIsRefused() throws Exception {
        Files.copy(PROFILES.resolve("fmnist-cnn.json"), tmp.resolve("fmnist-cnn.json"));
        byte[] zip = Files.readAllBytes(PROFILES.resolve("fmnist-cnn.zip"));
        zip[zip.length / 2] ^= 0x5a;
        Files.write(tmp.resolve("fmnist-cnn.zip"), zip);
        SourceModel m = new ModelRegistry(tmp, null).find(new DatasetSpec.ModelRef("fmnist-cnn", null, null));
        assertThatThrownBy(m::load).isInstanceOf(ModelException.class).hasMessageContaining("corrupt or was replaced");
    }

    @Test
    void brokenProfileJsonIsAModelError() throws Exception {
        Files.writeString(tmp.resolve("fmnist-cnn.json"), "{\"schemaVersion\": 1, \"name\": ");
        SourceModel m = new ModelRegistry(tmp, null).find(new DatasetSpec.ModelRef("fmnist-cnn", null, null));
        assertThatThrownBy(m::profile).isInstanceOf(ModelException.class).hasMessageContaining("not a valid profile");
    }
}
