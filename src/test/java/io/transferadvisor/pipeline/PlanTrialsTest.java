package io.transferadvisor.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferadvisor.dataset.DatasetSpec;
import io.transferadvisor.dataset.ImageSet;
import io.transferadvisor.dataset.InputGeometry;
import io.transferadvisor.dataset.JoinedImageSet;
import io.transferadvisor.dataset.LoadedDataset;
import io.transferadvisor.model.SourceModel;
import io.transferadvisor.plan.PlanException;
import io.transferadvisor.plan.Strategy;
import io.transferadvisor.probe.DatasetProfile;
import io.transferadvisor.probe.DatasetProfile.PlanTrial;
import io.transferadvisor.probe.ProbeOptions;
import io.transferadvisor.probe.Prober;
import io.transferadvisor.probe.ProfileIO;
import io.transferadvisor.probe.TinyGraphs;
import io.transferadvisor.testing.MemoryImageSet;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The measured plan trials: stratified folds, generic candidates, real trainings, determinism, and their place in the profile. */
class PlanTrialsTest {
    static final InputGeometry G = new InputGeometry(10, 10, 1);
    static SourceModel model;

    @TempDir
    static Path cache;

    @BeforeAll
    static void trainTinySource() {
        model = TinyGraphs.blobsSource(G);
    }

    static LoadedDataset dataset(ImageSet train, ImageSet validation) {
        DatasetSpec spec = new DatasetSpec(Path.of("tiny.yaml"), "tiny-blobs", null, null, new DatasetSpec.Split(0.2, 0.1), null,
                List.of(new DatasetSpec.ModelRef("tiny", null, null)), null, null, 42, new DatasetSpec.Budget(1, 1));
        ImageSet empty = train.subset(new int[0]);
        return new LoadedDataset(spec, train, validation == null ? empty : validation, empty, Optional.empty(), "abc123", List.of());
    }

    static ProbeOptions options() {
        return new ProbeOptions(ProbeOptions.DEFAULT_SAMPLE_CAP, 7, 50, 5, 16, cache);
    }

    @Test
    void foldsAreStratifiedDisjointCoverEveryImageAndFollowTheSeed() {
        MemoryImageSet pool = MemoryImageSet.blobs(7, 3, G, 1);
        int[][] a = PlanTrials.folds(pool, 2, 42);
        int[] all = Arrays.stream(a).flatMapToInt(Arrays::stream).sorted().toArray();
        assertThat(all).containsExactly(java.util.stream.IntStream.range(0, 21).toArray());
        for (int[] fold : a) {
            int[] per = new int[3];
            for (int i : fold) {
                per[pool.label(i)]++;
            }
            for (int c : per) {
                assertThat(c).isBetween(3, 4); // 7 per class dealt over two folds
            }
        }
        assertThat(PlanTrials.folds(pool, 2, 42)).isDeepEqualTo(a);
        assertThat(Arrays.deepEquals(PlanTrials.folds(pool, 2, 43), a)).isFalse();
    }

    @Test
    void candidatesAreGenericPositionsNotLayerNames() {
        List<String> cuts = List.of("a", "b", "c", "d", "e");
        assertThat(PlanTrials.candidates(cuts)).containsExactly(new PlanTrials.Candidate(Strategy.FINETUNE_ABOVE, "a", 0),
                new PlanTrials.Candidate(Strategy.TRUNCATE_GROW, "c", 1));
        assertThat(PlanTrials.candidates(List.of("x", "y"))).extracting(PlanTrials.Candidate::cut).containsExactly("x", "y");
    }

    @Test
    void trialsApplyOnlyBelowTheirSizeLimit() {
        int under = PlanTrials.MAX_PER_CLASS - 1;
        assertThat(PlanTrials.applies(dataset(MemoryImageSet.blobs(under, 3, G, 1), null), List.of("a", "b"))).isTrue();
        assertThat(PlanTrials.applies(dataset(MemoryImageSet.blobs(PlanTrials.MAX_PER_CLASS, 3, G, 1), null), List.of("a", "b"))).isFalse();
        assertThat(PlanTrials.applies(dataset(MemoryImageSet.blobs(under, 3, G, 1), null), List.of("a"))).isFalse();
    }

    @Test
    void theProbeTrainsBothCandidatesOnTheTrainingAndValidationImagesAndRepeatsItsNumbers() {
        LoadedDataset data = dataset(MemoryImageSet.blobs(6, 3, G, 5), MemoryImageSet.blobs(2, 3, G, 6));
        java.io.StringWriter log = new java.io.StringWriter();
        DatasetProfile p = Profiling.run(data, model, options(), new java.io.PrintWriter(log));
        assertThat(p.trials()).extracting(PlanTrial::strategy).containsExactly("FINETUNE_ABOVE", "TRUNCATE_GROW");
        assertThat(p.trials()).extracting(PlanTrial::cut).containsExactly("k1_down", "d1");
        for (PlanTrial t : p.trials()) {
            assertThat(t.images()).isEqualTo(24); // 18 training + 6 validation images, each scored once
            assertThat(t.folds()).isEqualTo(2);
            assertThat(t.accuracy().low()).isLessThanOrEqualTo(t.accuracy().value());
            assertThat(t.accuracy().high()).isGreaterThanOrEqualTo(t.accuracy().value());
            assertThat(t.accuracy().value() * 24).isCloseTo(Math.rint(t.accuracy().value() * 24), org.assertj.core.api.Assertions.within(1e-9));
        }
        assertThat(log.toString()).contains("probe: plan trial FINETUNE_ABOVE k1_down").contains("probe: plan trial TRUNCATE_GROW d1 +1");
        DatasetProfile again = Profiling.run(data, model, options(), null);
        assertThat(again.trials()).isEqualTo(p.trials());
        assertThat(Profiling.run(data, model, options().withTrials(false), null).trials()).isEmpty();
        assertThat(Prober.run(data, model, options(), null).trials()).isEmpty(); // the probe alone trains nothing
    }

    @Test
    void trialsThatDoNotFitTheirTimeCapRecordNothing() {
        LoadedDataset data = dataset(MemoryImageSet.blobs(6, 3, G, 5), MemoryImageSet.blobs(2, 3, G, 6));
        for (double cap : new double[] {0.0, 0.02}) { // no time at all; a fold stopped by its time budget
            java.io.StringWriter log = new java.io.StringWriter();
            assertThat(PlanTrials.run(data, model, options(), new java.io.PrintWriter(log), cap)).isEmpty();
            assertThat(log.toString()).contains("plan trials stopped at their").contains("the rules decide from the size x similarity matrix alone");
        }
        // a tenth of the dataset's budget, at least a minute: the suite's 600-minute tasks never reach it
        assertThat(PlanTrials.capSeconds(new DatasetSpec.Budget(5, 30))).isEqualTo(60.0);
        assertThat(PlanTrials.capSeconds(new DatasetSpec.Budget(600, 25))).isEqualTo(3600.0);
    }

    @Test
    void enoughImagesPerClassRunNoTrials() {
        DatasetProfile p = Profiling.run(dataset(MemoryImageSet.blobs(PlanTrials.MAX_PER_CLASS, 3, G, 7), null), model, options(), null);
        assertThat(p.trials()).isEmpty();
    }

    @Test
    void trialsRoundTripInTheProfileAndOlderProfilesWithoutThemStillRead() {
        DatasetProfile base = Prober.run(dataset(MemoryImageSet.blobs(PlanTrials.MAX_PER_CLASS, 3, G, 8), null), model, options().withTrials(false), null);
        DatasetProfile with = new DatasetProfile(base.schemaVersion(), base.dataset(), base.datasetHash(), base.model(), base.size(), base.layers(),
                base.similarity(), base.sourceView(), base.sufficiency(), base.unlabelledImages(), base.sampling(),
                List.of(new PlanTrial("TRUNCATE_GROW", "d1", 1, PlanTrials.wilson(9, 12), 12, 2, 20)));
        assertThat(ProfileIO.parse(ProfileIO.toJson(with), "memory")).isEqualTo(with);
        String old = ProfileIO.toJson(base).replaceFirst(",\\s*\"trials\"\\s*:\\s*\\[\\s*\\]", "");
        assertThat(old).doesNotContain("trials");
        assertThat(ProfileIO.parse(old, "memory").trials()).isEmpty();
        String bad = ProfileIO.toJson(with).replace("\"TRUNCATE_GROW\"", "\"GROW_MORE\"");
        assertThatThrownBy(() -> ProfileIO.parse(bad, "p.json")).isInstanceOf(PlanException.class)
                .hasMessageContaining("profile.trials.strategy 'GROW_MORE' unknown");
    }

    @Test
    void joinedSetsKeepOrderLabelsAndSubsets() {
        MemoryImageSet a = MemoryImageSet.blobs(2, 3, G, 1);
        MemoryImageSet b = MemoryImageSet.blobs(1, 3, G, 2);
        JoinedImageSet j = new JoinedImageSet(a, b);
        assertThat(j.size()).isEqualTo(9);
        assertThat(j.label(6)).isEqualTo(b.label(0));
        assertThat(j.pixels(7, G)).isEqualTo(b.pixels(1, G));
        ImageSet mixed = j.subset(new int[] {8, 0});
        assertThat(mixed.size()).isEqualTo(2);
        assertThat(mixed.label(0)).isEqualTo(b.label(2));
        assertThat(mixed.subset(new int[] {1}).pixels(0, G)).isEqualTo(a.pixels(0, G));
        assertThatThrownBy(() -> j.subset(new int[] {9})).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
