package io.transferadvisor.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A model named on the command line (--models) keeps what dataset.yaml says of it: weights and preprocessing. */
class ModelRefTest {
    @Test
    void aNamedModelIsTheDatasetsEntryOfThatName() {
        DatasetSpec.ModelRef squeeze = new DatasetSpec.ModelRef("zoo:squeezenet", null, null, true, Preprocessing.TORCH);
        DatasetSpec.ModelRef file = new DatasetSpec.ModelRef(null, Path.of("/models/mine.zip"), null);
        DatasetSpec spec = new DatasetSpec(Path.of("d.yaml").toAbsolutePath(), "d", null, null, new DatasetSpec.Split(0.2, 0.2), null,
                List.of(squeeze, new DatasetSpec.ModelRef("fmnist-cnn", null, null), file), null,
                new DatasetSpec.Fit(DatasetSpec.Resize.STRETCH, DatasetSpec.ColorMode.AUTO), 3, new DatasetSpec.Budget(5, 10));
        assertThat(spec.modelRef("zoo:squeezenet")).isSameAs(squeeze); // random weights and torch preprocessing kept
        assertThat(spec.modelRef("/models/mine.zip")).isSameAs(file);
        assertThat(spec.modelRef("mine.zip")).isSameAs(file); // the name a file model's profile carries
        assertThat(spec.modelRef("ZOO:SqueezeNet")).isSameAs(squeeze);
        assertThat(spec.modelRef("glyphs-cnn")).isEqualTo(new DatasetSpec.ModelRef("glyphs-cnn", null, null));
    }
}
