package io.transferadvisor.execute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferadvisor.dataset.DatasetException;
import io.transferadvisor.dataset.ImageSet;
import io.transferadvisor.dataset.InputGeometry;
import io.transferadvisor.plan.Augmentation;
import io.transferadvisor.plan.BatchNormPolicy;
import io.transferadvisor.plan.ClassWeighting;
import io.transferadvisor.plan.HeadType;
import io.transferadvisor.plan.Hyperparameters;
import io.transferadvisor.plan.Strategy;
import io.transferadvisor.util.Shuffle;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Splits too large for the in-memory budget stream from the dataset with one batch decoded ahead;
 * the promise is that this never changes a result: the same floats in any call order, the same
 * trained weights bit for bit, and decoding errors reaching the caller unchanged.
 */
class StreamingTest extends TinyStrategyFixture {
    @AfterEach
    void budgetBack() {
        System.clearProperty("advisor.inMemoryBytes");
    }

    @Test
    void loadStreamsAboveTheBudgetAndGivesTheSameRowsInAnyOrder() {
        ImageSet set = Tiny.images(20, 5, 0.8f);
        TrainData mem = TrainData.load(set, Tiny.GEOMETRY);
        System.setProperty("advisor.inMemoryBytes", "1000");
        TrainData streamed = TrainData.load(set, Tiny.GEOMETRY);
        assertThat(mem).isInstanceOf(TrainData.InMemory.class);
        assertThat(streamed).isInstanceOf(StreamedImages.class);
        assertThat(streamed.labels()).containsExactly(mem.labels());
        assertThat(streamed.rowShape()).containsExactly(mem.rowShape());
        int[] idx = Shuffle.permutation(set.size(), new Random(3));
        // in order (prefetched), then out of order (a miss drops what was decoded ahead), then whole
        for (int from = 0; from < idx.length; from += 7) {
            int to = Math.min(idx.length, from + 7);
            assertThat(streamed.rows(idx, from, to)).containsExactly(mem.rows(idx, from, to));
        }
        assertThat(streamed.rows(idx, 30, 41)).containsExactly(mem.rows(idx, 30, 41));
        assertThat(streamed.rows(null, 2, 9)).containsExactly(mem.rows(null, 2, 9));
        assertThat(streamed.all().ravel().toFloatVector()).containsExactly(mem.all().ravel().toFloatVector());
    }

    @Test
    void aDecodingErrorOnTheBackgroundThreadReachesTheCaller() {
        ImageSet good = Tiny.images(4, 5, 0.8f);
        ImageSet bad = new BrokenAt(good, 9);
        System.setProperty("advisor.inMemoryBytes", "0");
        TrainData streamed = TrainData.load(bad, Tiny.GEOMETRY);
        assertThat(streamed.rows(null, 0, 4)).hasSize(4 * Tiny.GEOMETRY.pixels()); // 4..7 decoding ahead
        assertThat(streamed.rows(null, 4, 8)).hasSize(4 * Tiny.GEOMETRY.pixels()); // 8..11 decoding ahead: 9 fails there
        assertThatThrownBy(() -> streamed.rows(null, 8, 12)).isInstanceOf(DatasetException.class).hasMessageContaining("image 9 is gone");
    }

    @Test
    void trainingOnStreamedImagesGivesTheSameWeightsBitForBit() throws Exception {
        Hyperparameters hp = new Hyperparameters(0.01, 0.003, 3, 3, 16, 0.0, BatchNormPolicy.TRAIN,
                new Augmentation(true, 1, 0.0), ClassWeighting.NONE);
        RunResult inMemory = run("mem", Tiny.plan(Strategy.FINETUNE_ALL, null, HeadType.SOFTMAX, 0, hp), true);
        System.setProperty("advisor.inMemoryBytes", "0");
        RunResult streamed = run("streamed", Tiny.plan(Strategy.FINETUNE_ALL, null, HeadType.SOFTMAX, 0, hp), true);
        ComputationGraph a = model(inMemory);
        ComputationGraph b = model(streamed);
        assertThat(b.params().equalsWithEps(a.params(), 0)).isTrue();
        assertThat(streamed.metrics().test().accuracy()).isEqualTo(inMemory.metrics().test().accuracy());
        assertThat(streamed.metrics().validation().confusion()).isDeepEqualTo(inMemory.metrics().validation().confusion());
        RunResult ae = run("ae-streamed", Tiny.plan(Strategy.AUTOENCODER_TRANSFER, null, HeadType.SOFTMAX, 0, hp), true);
        System.clearProperty("advisor.inMemoryBytes");
        RunResult aeMem = run("ae-mem", Tiny.plan(Strategy.AUTOENCODER_TRANSFER, null, HeadType.SOFTMAX, 0, hp), true);
        assertThat(model(ae).params().equalsWithEps(model(aeMem).params(), 0)).isTrue();
    }

    @Test
    void fineTuningAboveACutReadsFeatureMapsFromTheCacheAboveTheBudgetWithTheSameWeights() throws Exception {
        Hyperparameters hp = Tiny.hp(3, BatchNormPolicy.TRAIN);
        RunResult inMemory = run("above-mem", Tiny.plan(Strategy.FINETUNE_ABOVE, "p1", HeadType.SOFTMAX, 0, hp), false);
        System.setProperty("advisor.inMemoryBytes", "0");
        RunResult onDisk = run("above-disk", Tiny.plan(Strategy.FINETUNE_ABOVE, "p1", HeadType.SOFTMAX, 0, hp), false);
        assertThat(onDisk.metrics().notes()).anyMatch(n -> n.startsWith("frozen feature maps at p1 read from the feature cache each epoch"));
        assertThat(inMemory.metrics().notes()).noneMatch(n -> n.startsWith("frozen feature maps"));
        assertThat(model(onDisk).params().equalsWithEps(model(inMemory).params(), 0)).isTrue();
        assertThat(onDisk.metrics().test().accuracy()).isEqualTo(inMemory.metrics().test().accuracy());
    }

    /** A set whose image at one index cannot be read (a file deleted after loading). */
    private record BrokenAt(ImageSet inner, int broken) implements ImageSet {
        @Override
        public List<String> classNames() {
            return inner.classNames();
        }

        @Override
        public int size() {
            return inner.size();
        }

        @Override
        public int label(int index) {
            return inner.label(index);
        }

        @Override
        public String describe(int index) {
            return "image " + index;
        }

        @Override
        public float[] pixels(int index, InputGeometry geometry) {
            if (index == broken) {
                throw new DatasetException("image " + index + " is gone");
            }
            return inner.pixels(index, geometry);
        }

        @Override
        public ImageSet subset(int[] indices) {
            throw new UnsupportedOperationException("not needed here");
        }
    }
}
