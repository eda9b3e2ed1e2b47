package io.transferadvisor.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferadvisor.dataset.DatasetSpec;
import io.transferadvisor.dataset.Preprocessing;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRegistryTest {
    @TempDir
    Path tmp;

    private ModelRegistry registryWithProject() throws Exception {
        Path profiles = Files.createDirectories(tmp.resolve("profiles"));
        Files.writeString(profiles.resolve("fmnist-cnn.json"), "{}");
        return new ModelRegistry(profiles, null);
    }

    @Test
    void unknownProjectNameSuggestsTheClosestAndListsAll() throws Exception {
        ModelRegistry r = registryWithProject();
        assertThatThrownBy(() -> r.find(new DatasetSpec.ModelRef("fmnist-cnm", null, null)))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("unknown model 'fmnist-cnm'")
                .hasMessageContaining("did you mean 'fmnist-cnn'?")
                .hasMessageContaining("zoo:resnet50")
                .hasMessageContaining("zoo:lenet");
    }

    @Test
    void zooNameWithoutPrefixSuggestsThePrefixedName() throws Exception {
        ModelRegistry r = registryWithProject();
        assertThatThrownBy(() -> r.find(new DatasetSpec.ModelRef("resnet50", null, null)))
                .isInstanceOf(ModelException.class).hasMessageContaining("did you mean 'zoo:resnet50'?");
        assertThatThrownBy(() -> r.find(new DatasetSpec.ModelRef("zoo:vgg61", null, null)))
                .isInstanceOf(ModelException.class).hasMessageContaining("did you mean 'zoo:vgg16'?");
    }

    @Test
    void farOffNamesGetNoSuggestionButTheList() throws Exception {
        ModelRegistry r = registryWithProject();
        assertThatThrownBy(() -> r.find(new DatasetSpec.ModelRef("completely-different-thing", null, null)))
                .isInstanceOf(ModelException.class)
                .hasMessageNotContaining("did you mean")
                .hasMessageContaining("valid: fmnist-cnn, zoo:resnet50");
    }

    @Test
    void resolvesEachKind() throws Exception {
        ModelRegistry r = registryWithProject();
        assertThat(r.find(new DatasetSpec.ModelRef("fmnist-cnn", null, null))).isInstanceOf(ProjectSourceModel.class);
        assertThat(r.find(new DatasetSpec.ModelRef("ZOO:ResNet50", null, null)).name()).isEqualTo("zoo:resnet50");
        assertThat(r.find(new DatasetSpec.ModelRef(null, tmp.resolve("x.zip"), null))).isInstanceOf(FileSourceModel.class);
        assertThat(r.names()).startsWith("fmnist-cnn", "zoo:resnet50");
    }

    @Test
    void weightsOnlyApplyToZooModels() throws Exception {
        ModelRegistry r = registryWithProject();
        assertThatThrownBy(() -> r.find(new DatasetSpec.ModelRef("fmnist-cnn", null, tmp.resolve("w.zip"))))
                .isInstanceOf(ModelException.class).hasMessageContaining("only applies to zoo: models");
        assertThatThrownBy(() -> r.find(new DatasetSpec.ModelRef(null, tmp.resolve("m.zip"), tmp.resolve("w.zip"))))
                .isInstanceOf(ModelException.class).hasMessageContaining("'weights:' is only for zoo: models");
    }

    @Test
    void zooModelsDeclareTheirWeightsPreprocessingAndTheSpecOverridesIt() throws Exception {
        ModelRegistry r = registryWithProject();
        assertThat(r.find(new DatasetSpec.ModelRef("zoo:resnet50", null, null)).preprocessing()).isEqualTo(Preprocessing.CAFFE);
        assertThat(r.find(new DatasetSpec.ModelRef("zoo:xception", null, null)).preprocessing()).isEqualTo(Preprocessing.TF);
        assertThat(r.find(new DatasetSpec.ModelRef("zoo:darknet19", null, null)).preprocessing()).isEqualTo(Preprocessing.NONE);
        assertThat(r.find(new DatasetSpec.ModelRef("fmnist-cnn", null, null)).preprocessing()).isEqualTo(Preprocessing.NONE);
        SourceModel torch = r.find(new DatasetSpec.ModelRef("zoo:resnet50", null, null, true, Preprocessing.TORCH));
        assertThat(torch.preprocessing()).isEqualTo(Preprocessing.TORCH);
        assertThat(torch.name()).isEqualTo("zoo:resnet50");
        assertThat(torch.profile().candidateCuts()).isNotEmpty();
    }

    @Test
    void randomWeightsApplyToZooAndFileModelsButNotToProjectModels() throws Exception {
        ModelRegistry r = registryWithProject();
        assertThatThrownBy(() -> r.find(new DatasetSpec.ModelRef("fmnist-cnn", null, null, true)))
                .isInstanceOf(ModelException.class).hasMessageContaining("'weights: random'").hasMessageContaining("FROM_SCRATCH");
        SourceModel zoo = r.find(new DatasetSpec.ModelRef("zoo:squeezenet", null, null, true));
        assertThat(zoo.available()).isTrue(); // nothing to download
        SourceModel trained = r.find(new DatasetSpec.ModelRef("zoo:squeezenet", null, null));
        // its own identity, so the feature cache never mixes random features with pretrained ones
        assertThat(zoo.profile().sha256()).isNotEqualTo(trained.profile().sha256()).isNotNull();
        assertThat(zoo.profile().sourceDataset()).startsWith("none (random weights");
        // what a run's notes and report say: random weights, also through a preprocessing override
        assertThat(zoo.randomWeights()).isTrue();
        assertThat(trained.randomWeights()).isFalse();
        assertThat(zoo.withPreprocessing(Preprocessing.TORCH).randomWeights()).isTrue();
        assertThat(r.find(new DatasetSpec.ModelRef("fmnist-cnn", null, null)).randomWeights()).isFalse();
        assertThat(zoo.profile().candidateCuts()).isEqualTo(trained.profile().candidateCuts());
        // fresh weights, the same ones each time (the zoo builder's seed)
        var a = zoo.load();
        var b = zoo.load();
        assertThat(a.params().equals(b.params())).isTrue();
    }

    @Test
    void pathLikeNamesAreNotLookedUpAsFiles() throws Exception {
        ModelRegistry r = registryWithProject();
        assertThatThrownBy(() -> r.find(new DatasetSpec.ModelRef("../profiles/fmnist-cnn", null, null)))
                .isInstanceOf(ModelException.class).hasMessageContaining("unknown model");
    }

    @Test
    void levenshteinDistance() {
        assertThat(io.transferadvisor.util.Suggest.distance("kitten", "sitting")).isEqualTo(3);
        assertThat(io.transferadvisor.util.Suggest.distance("", "abc")).isEqualTo(3);
        assertThat(io.transferadvisor.util.Suggest.distance("same", "same")).isZero();
    }
}
