package io.transferadvisor.probe;

import io.transferadvisor.testing.MemoryImageSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.transferadvisor.dataset.DatasetSpec;
import io.transferadvisor.dataset.ImageSet;
import io.transferadvisor.dataset.InputGeometry;
import io.transferadvisor.dataset.LoadedDataset;
import io.transferadvisor.model.SourceModel;
import io.transferadvisor.plan.PlanException;
import io.transferadvisor.probe.DatasetProfile.LayerProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole probe on a tiny network and in-memory images: wiring, JSON, summary, determinism. */
class ProberTest {
    static final InputGeometry G = new InputGeometry(10, 10, 1);
    static SourceModel model;

    @TempDir
    static Path cache;

    @BeforeAll
    static void trainTinySource() {
        model = TinyGraphs.blobsSource(G);
    }

    static LoadedDataset dataset(ImageSet train) {
        DatasetSpec spec = new DatasetSpec(Path.of("tiny.yaml"), "tiny-blobs", null, null, new DatasetSpec.Split(0.2, 0.1), null,
                List.of(new DatasetSpec.ModelRef("tiny", null, null)), null, null, 42, new DatasetSpec.Budget(1, 1));
        ImageSet empty = train.subset(new int[0]);
        return new LoadedDataset(spec, train, empty, empty, Optional.empty(), "abc123", List.of());
    }

    static ProbeOptions options() {
        return new ProbeOptions(ProbeOptions.DEFAULT_SAMPLE_CAP, 7, 50, 5, 16, cache);
    }

    @Test
    void fillsEveryFieldFromOneForwardPassAndReadsReferencesFromTheModel() {
        LoadedDataset data = dataset(MemoryImageSet.blobs(20, 3, G, 1));
        DatasetProfile p = Prober.run(data, model, options(), null);
        assertThat(p.layers()).extracting(LayerProbe::layer).containsExactly("k1_down", "d1");
        assertThat(p.layers().get(0).shiftReference()).isEqualTo("batchnorm:k1_norm");
        assertThat(p.layers().get(1).shiftReference()).isEqualTo("model-profile");
        assertThat(p.layers().get(0).featureDim()).isEqualTo(4);
        assertThat(p.layers().get(1).featureDim()).isEqualTo(8);
        for (LayerProbe l : p.layers()) {
            // both layers have a reference, so a measured shift, and the similarity is exp(-shift)
            assertThat(l.similarity()).as(l.layer()).isNotNaN().isCloseTo(Math.exp(-l.shift()), within(1e-12));
            // held-out accuracy over the 60 sampled images: a whole count of them
            double right = l.probeAccuracy().value() * 60;
            assertThat(right).as(l.layer()).isCloseTo(Math.rint(right), within(1e-9));
            assertThat(l.logme().high()).isGreaterThan(l.logme().low());
        }
        // the blobs are easy: the last hidden layer separates them
        assertThat(p.layers().get(1).probeAccuracy().value()).isGreaterThan(0.8);
        assertThat(p.size().images()).isEqualTo(60);
        assertThat(p.size().perClass()).containsExactly(20, 20, 20);
        assertThat(p.size().geometryMatches()).isFalse(); // "memory#i" has no header: counted unreadable, so not claimed
        assertThat(p.sourceView().classMapping()).hasSize(3);
        // mean entropy over ln(3): the tiny source model has three classes (s0, s1, s2)
        assertThat(p.sourceView().normalizedEntropy()).isCloseTo(p.sourceView().meanEntropy() / Math.log(3), within(1e-12));
        assertThat(p.sufficiency().curve()).hasSize(4);
        assertThat(p.sufficiency().at4x().value()).isGreaterThanOrEqualTo(p.sufficiency().current().value() - 1e-12);
        assertThat(p.sampling().sampledImages()).isEqualTo(60);
        assertThat(p.sampling().seed()).isEqualTo(7);
    }

    @Test
    void theModelsPreprocessingReachesTheNetworkAndKeysTheCache() {
        LoadedDataset data = dataset(MemoryImageSet.blobs(20, 3, G, 4));
        DatasetProfile plain = Prober.run(data, model, options(), null);
        java.io.StringWriter log = new java.io.StringWriter();
        DatasetProfile tf = Prober.run(data, model.withPreprocessing(io.transferadvisor.dataset.Preprocessing.TF), options(),
                new java.io.PrintWriter(log, true));
        // other pixels go in: nothing is served from the rows the unpreprocessed run cached, and the features differ
        assertThat(log.toString()).contains("input preprocessing tf (x2, minus 1)").contains("60 computed, 0 from the cache");
        assertThat(tf.layers().get(0).logme().value()).isNotEqualTo(plain.layers().get(0).logme().value());
    }

    @Test
    void sameSeedSameNumbersAndTheCacheServesTheRerun() {
        LoadedDataset data = dataset(MemoryImageSet.blobs(20, 3, G, 2));
        DatasetProfile a = Prober.run(data, model, options(), null);
        java.io.StringWriter log = new java.io.StringWriter();
        DatasetProfile b = Prober.run(data, model, options(), new java.io.PrintWriter(log));
        assertThat(withoutTime(b)).isEqualTo(withoutTime(a));
        assertThat(log.toString()).contains("0 computed, 60 from the cache");
        // the same counts travel in the profile, for benchmarks and callers that do not read logs
        assertThat(b.sampling().features().computedImages()).isZero();
        assertThat(b.sampling().features().cachedImages()).isEqualTo(60);
        assertThat(a.sampling().features().computedImages() + a.sampling().features().cachedImages()).isEqualTo(60);
        DatasetProfile c = Prober.run(data, model, options().withSeed(8), null);
        assertThat(c.layers().get(0).logme()).isNotEqualTo(a.layers().get(0).logme()); // other jackknife groups
    }

    @Test
    void layersMeasuredInParallelGiveTheNumbersOfOneThread(@TempDir Path cache) {
        LoadedDataset data = dataset(MemoryImageSet.blobs(20, 3, G, 5));
        DatasetProfile parallel;
        DatasetProfile one;
        try {
            System.setProperty("advisor.probeThreads", "4");
            parallel = Prober.run(data, model, options().withCacheRoot(cache), null);
            System.setProperty("advisor.probeThreads", "1");
            one = Prober.run(data, model, options().withCacheRoot(cache), null);
        } finally {
            System.clearProperty("advisor.probeThreads");
        }
        assertThat(parallel.layers()).hasSizeGreaterThan(1).isEqualTo(one.layers());
        assertThat(parallel.sufficiency()).isEqualTo(one.sufficiency());
    }

    @Test
    void sampleCapIsStratifiedAndRecorded() {
        LoadedDataset data = dataset(MemoryImageSet.blobs(30, 3, G, 3));
        DatasetProfile p = Prober.run(data, model, options().withSampleCap(45), null);
        assertThat(p.sampling().sampledImages()).isEqualTo(45);
        assertThat(p.sampling().cap()).isEqualTo(45);
        int[] idx = Prober.stratifiedSample(data.train(), 45, 7);
        int[] per = new int[3];
        for (int i : idx) {
            per[data.train().label(i)]++;
        }
        assertThat(per).containsExactly(15, 15, 15);
    }

    @Test
    void jsonRoundTripsAndTheSummaryPrintsTheSameNumbers(@TempDir Path dir) throws Exception {
        DatasetProfile p = Prober.run(dataset(MemoryImageSet.blobs(20, 3, G, 4)), model, options(), null);
        Path f = dir.resolve("p.json");
        ProfileIO.write(f, p);
        DatasetProfile back = ProfileIO.read(f);
        assertThat(back).isEqualTo(p);

        // a layer without any source reference (NaN shift) survives the round trip and prints as n/a
        LayerProbe l0 = p.layers().get(0);
        LayerProbe unmeasured = new LayerProbe(l0.layer(), l0.index(), l0.relativeDepth(), l0.featureDim(), Double.NaN, Double.NaN,
                "none", l0.logme(), l0.probeAccuracy());
        DatasetProfile withNaN = new DatasetProfile(p.schemaVersion(), p.dataset(), p.datasetHash(), p.model(), p.size(),
                List.of(unmeasured, p.layers().get(1)), p.similarity(), p.sourceView(), p.sufficiency(), p.unlabelledImages(), p.sampling(), p.trials());
        assertThat(ProfileIO.parse(ProfileIO.toJson(withNaN), "memory")).isEqualTo(withNaN);
        assertThat(ProfileSummary.render(withNaN)).containsPattern(l0.layer() + " +4 +n/a +n/a +none");

        String summary = ProfileSummary.render(back);
        for (LayerProbe l : p.layers()) {
            String row = summary.lines().filter(s -> s.trim().startsWith(l.layer() + " ") && s.contains(l.shiftReference()))
                    .findFirst().orElseThrow();
            assertThat(row).contains(String.format(java.util.Locale.ROOT, "%.3f", l.shift()))
                    .contains(ProfileSummary.est(l.logme())).contains(ProfileSummary.est(l.probeAccuracy()));
        }
        assertThat(summary).contains(String.format(java.util.Locale.ROOT, "overall similarity to the source domain: %.3f", p.similarity()));
        assertThat(summary).contains(ProfileSummary.moreData(p.sufficiency()));
        assertThat(summary).contains(String.format(java.util.Locale.ROOT, "mean max softmax %.3f", p.sourceView().meanMaxSoftmax()));
    }

    @Test
    void plotsAsPngAndSvg(@TempDir Path dir) throws Exception {
        DatasetProfile p = Prober.run(dataset(MemoryImageSet.blobs(20, 3, G, 4)), model, options(), null);
        Path png = dir.resolve("c.png");
        Path svg = dir.resolve("c.svg");
        ProfilePlot.write(p, png);
        ProfilePlot.write(p, svg);
        byte[] head = Files.readAllBytes(png);
        assertThat(head[1]).isEqualTo((byte) 'P');
        assertThat(Files.readString(svg)).contains("<svg");
    }

    @Test
    void badProfileFilesGiveOneLinePlanErrors(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.json");
        Files.writeString(f, "{\"schemaVersion\": 9}");
        assertThatThrownBy(() -> ProfileIO.read(f)).isInstanceOf(PlanException.class).hasMessageContaining("schemaVersion 9")
                .hasMessageNotContaining("\n");
        Files.writeString(f, "{not json");
        assertThatThrownBy(() -> ProfileIO.read(f)).isInstanceOf(PlanException.class).hasMessageContaining("not valid JSON");
        Files.writeString(f, "{\"schemaVersion\": 1, \"similarity\": 3}");
        assertThatThrownBy(() -> ProfileIO.read(f)).isInstanceOf(PlanException.class).hasMessageContaining("similarity");
        assertThatThrownBy(() -> ProfileIO.read(dir.resolve("none.json"))).isInstanceOf(PlanException.class)
                .hasMessageContaining("not found");
    }

    @Test
    void labelOverlapIsOneForAOneToOneMappingAndLowForACollapse() {
        assertThat(Prober.labelOverlap(new int[][] {{10, 0}, {0, 10}}, 20)).isEqualTo(1.0);
        assertThat(Prober.labelOverlap(new int[][] {{10, 0}, {10, 0}}, 20)).isCloseTo(0.5, within(1e-12));
    }

    private static DatasetProfile withoutTime(DatasetProfile p) {
        var s = p.sampling();
        return new DatasetProfile(p.schemaVersion(), p.dataset(), p.datasetHash(), p.model(), p.size(), p.layers(), p.similarity(),
                p.sourceView(), p.sufficiency(), p.unlabelledImages(),
                new DatasetProfile.Sampling(s.sampledImages(), s.cap(), s.seed(), s.bootstrap(), 0), p.trials());
    }
}
