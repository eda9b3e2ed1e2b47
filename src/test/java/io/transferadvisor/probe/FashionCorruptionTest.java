package io.transferadvisor.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.transferadvisor.dataset.LoadedDataset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Monotonicity: corrupting the same images more never makes them look more like the source domain. */
@org.junit.jupiter.api.Tag("slow") // trains or runs DL4J for seconds: `mvn test -DexcludedGroups=slow` skips it
class FashionCorruptionTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void check() {
        FashionFixtures.assumeAvailable();
    }

    @Test
    void moreNoiseOrInversionNeverIncreasesSimilarity() throws Exception {
        LoadedDataset clean = FashionFixtures.fashion(dir, "fashion-0-4", List.of(0, 1, 2, 3, 4), 30);
        ProbeOptions o = FashionFixtures.options(dir.resolve("cache"));
        List<Double> sims = new ArrayList<>();
        for (double sigma : new double[] {0, 0.1, 0.25, 0.5}) {
            LoadedDataset d = sigma == 0 ? clean : FashionFixtures.corrupted(clean, sigma, false);
            sims.add(Prober.run(d, FashionFixtures.model(d), o, null).similarity());
        }
        for (int i = 1; i < sims.size(); i++) {
            assertThat(sims.get(i)).as("similarity at noise level %d vs %d: %s", i, i - 1, sims).isLessThanOrEqualTo(sims.get(i - 1));
        }
        assertThat(sims.get(3)).isLessThan(sims.get(0) - 0.05);
        double inverted = Prober.run(FashionFixtures.corrupted(clean, 0, true), FashionFixtures.model(clean), o, null).similarity();
        assertThat(inverted).isLessThan(sims.get(0) - 0.05);
    }
}
