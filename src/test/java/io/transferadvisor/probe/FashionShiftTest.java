package io.transferadvisor.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.transferadvisor.dataset.DatasetLoader;
import io.transferadvisor.dataset.LoadedDataset;
import io.transferadvisor.dataset.SpecReader;
import io.transferadvisor.probe.DatasetProfile.LayerProbe;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Identity: the source model's own domain (Fashion-MNIST classes 0-4, unseen t10k images) reads as
 * more similar than new Fashion classes 5-9, which read as more similar than rendered glyphs.
 */
class FashionShiftTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void check() {
        FashionFixtures.assumeAvailable();
    }

    @Test
    void sourceDomainIsTheMostSimilar() throws Exception {
        LoadedDataset same = FashionFixtures.fashion(dir, "fashion-0-4", List.of(0, 1, 2, 3, 4), 40);
        LoadedDataset other = FashionFixtures.fashion(dir, "fashion-5-9", List.of(5, 6, 7, 8, 9), 40);
        LoadedDataset glyphs = DatasetLoader.load(SpecReader.read(Path.of("examples/glyphs.yaml")));
        ProbeOptions o = FashionFixtures.options(dir.resolve("cache"));
        DatasetProfile pSame = Prober.run(same, FashionFixtures.model(same), o, null);
        DatasetProfile pOther = Prober.run(other, FashionFixtures.model(other), o, null);
        DatasetProfile pGlyphs = Prober.run(glyphs, FashionFixtures.model(glyphs), o, null);

        assertThat(pSame.similarity()).isGreaterThan(pOther.similarity());
        assertThat(pOther.similarity()).isGreaterThan(pGlyphs.similarity());
        // every reference is a BatchNorm layer read from the graph, not a hard-coded name
        assertThat(pSame.layers()).allSatisfy(l -> assertThat(l.shiftReference()).startsWith("batchnorm:"));
        // and the source classifier knows its own classes: one-to-one, confident
        assertThat(pSame.sourceView().labelOverlap()).isGreaterThan(0.8);
        assertThat(pSame.sourceView().labelOverlap()).isGreaterThan(pOther.sourceView().labelOverlap());
        assertThat(pSame.sourceView().meanMaxSoftmax()).isGreaterThan(pOther.sourceView().meanMaxSoftmax());
        // the deepest cut sees the largest gap between own and new classes
        LayerProbe deepSame = pSame.layers().get(pSame.layers().size() - 1);
        LayerProbe deepOther = pOther.layers().get(pOther.layers().size() - 1);
        assertThat(deepSame.shift()).isLessThan(deepOther.shift());
    }
}
