package io.transferadvisor.features;


import io.transferadvisor.testing.MemoryImageSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferadvisor.dataset.InputGeometry;
import io.transferadvisor.model.ModelException;
import io.transferadvisor.probe.TinyGraphs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class FeatureCacheTest {
    static final InputGeometry G = new InputGeometry(10, 10, 1);
    static final String MODEL = "0123abcd";

    @TempDir
    Path root;

    private static INDArray input(MemoryImageSet set) {
        float[] flat = new float[set.size() * G.pixels()];
        for (int i = 0; i < set.size(); i++) {
            System.arraycopy(set.pixels(i, G), 0, flat, i * G.pixels(), G.pixels());
        }
        return Nd4j.create(flat, new long[] {set.size(), 1, 10, 10}, 'c');
    }

    @Test
    void featuresEqualADirectForwardPassForEveryPooling() {
        ComputationGraph graph = TinyGraphs.convBn(G, 3, 1);
        MemoryImageSet set = MemoryImageSet.blobs(5, 3, G, 7);
        Map<String, INDArray> direct = graph.feedForward(input(set), false);
        FeatureCache cache = new FeatureCache(root);
        var result = cache.compute(graph, MODEL, List.of(
                new FeatureCache.Request("k1_down", Pooling.NONE),
                new FeatureCache.Request("k1_down", Pooling.AVG),
                new FeatureCache.Request("k1", Pooling.MOMENTS),
                new FeatureCache.Request("d1", Pooling.AVG),
                new FeatureCache.Request("out", Pooling.AVG)), set, G, 4, null);
        assertThat(result.computed()).isEqualTo(15);
        assertThat(result.reused()).isZero();

        INDArray pool = direct.get("k1_down").castTo(DataType.FLOAT);
        assertThat(result.get("k1_down", Pooling.NONE).shape()).containsExactly(15, 4, 4, 4);
        assertThat(result.get("k1_down", Pooling.NONE).equalsWithEps(pool, 1e-5)).isTrue();
        INDArray avg = result.get("k1_down", Pooling.AVG);
        assertThat(avg.shape()).containsExactly(15, 4);
        assertThat(avg.getDouble(3, 2)).isCloseTo(pool.get(org.nd4j.linalg.indexing.NDArrayIndex.point(3),
                org.nd4j.linalg.indexing.NDArrayIndex.point(2)).meanNumber().doubleValue(), org.assertj.core.data.Offset.offset(1e-5));
        INDArray mom = result.get("k1", Pooling.MOMENTS);
        INDArray k1 = direct.get("k1").castTo(DataType.FLOAT);
        assertThat(mom.shape()).containsExactly(15, 8);
        INDArray img7ch1 = k1.get(org.nd4j.linalg.indexing.NDArrayIndex.point(7), org.nd4j.linalg.indexing.NDArrayIndex.point(1));
        assertThat(mom.getDouble(7, 1)).isCloseTo(img7ch1.meanNumber().doubleValue(), org.assertj.core.data.Offset.offset(1e-5));
        assertThat(mom.getDouble(7, 5)).isCloseTo(img7ch1.mul(img7ch1).meanNumber().doubleValue(), org.assertj.core.data.Offset.offset(1e-4));
        assertThat(result.get("d1", Pooling.AVG).equalsWithEps(direct.get("d1"), 1e-5)).isTrue();
        assertThat(result.get("out", Pooling.AVG).equalsWithEps(direct.get("out"), 1e-5)).isTrue();
    }

    @Test
    void batchesShrinkToTheActivationBudgetAndGiveTheSameFeatures(@TempDir Path other) {
        ComputationGraph graph = TinyGraphs.convBn(G, 3, 1);
        long perImage = FeatureCache.activationBytes(graph, G.chw());
        // input 10x10 + k1, k1_norm, k1_act (4x8x8 each: 3x3, no padding) + k1_down (4x4x4) + d1 (8) + out (3), as floats
        assertThat(perImage).isEqualTo(4L * (100 + 3 * 256 + 64 + 8 + 3));
        assertThat(FeatureCache.memoryBoundBatch(graph, G.chw(), 64)).isEqualTo(64);
        MemoryImageSet set = MemoryImageSet.blobs(3, 3, G, 5);
        List<FeatureCache.Request> req = List.of(new FeatureCache.Request("k1_down", Pooling.NONE), new FeatureCache.Request("out", Pooling.AVG));
        var whole = new FeatureCache(root).compute(graph, MODEL, req, set, G, 64, null);
        System.setProperty("advisor.activationBytes", Long.toString(2 * perImage + 1));
        try {
            assertThat(FeatureCache.memoryBoundBatch(graph, G.chw(), 64)).isEqualTo(2);
            java.io.StringWriter log = new java.io.StringWriter();
            var small = new FeatureCache(other).compute(graph, MODEL, req, set, G, 64, new java.io.PrintWriter(log, true));
            assertThat(log.toString()).contains("batches of 2 images (not 64)");
            for (FeatureCache.Request q : req) {
                assertThat(small.features().get(q).equalsWithEps(whole.features().get(q), 1e-6)).as(q.toString()).isTrue();
            }
        } finally {
            System.clearProperty("advisor.activationBytes");
        }
    }

    @Test
    void rerunAndSubsetReuseRowsAndOnlyNewImagesAreComputed() {
        ComputationGraph graph = TinyGraphs.convBn(G, 3, 1);
        MemoryImageSet all = MemoryImageSet.blobs(10, 3, G, 11);
        int[] sample = {0, 5, 9, 12, 20, 29};
        FeatureCache cache = new FeatureCache(root);
        var first = cache.compute(graph, MODEL, List.of(new FeatureCache.Request("d1", Pooling.AVG)), all.subset(sample), G, 4, null);
        assertThat(first.computed()).isEqualTo(6);

        // A new instance (a later process) over the full set: only the 24 images it has not seen are computed.
        var second = new FeatureCache(root).compute(graph, MODEL, List.of(new FeatureCache.Request("d1", Pooling.AVG)), all, G, 7, null);
        assertThat(second.reused()).isEqualTo(6);
        assertThat(second.computed()).isEqualTo(24);
        Map<String, INDArray> direct = graph.feedForward(input(all), false);
        assertThat(second.get("d1", Pooling.AVG).equalsWithEps(direct.get("d1"), 1e-5)).isTrue();

        var third = new FeatureCache(root).features(graph, MODEL, List.of("d1"), Pooling.AVG, all, G, 5);
        assertThat(third.get("d1").equalsWithEps(direct.get("d1"), 1e-5)).isTrue();
        var again = new FeatureCache(root).compute(graph, MODEL, List.of(new FeatureCache.Request("d1", Pooling.AVG)), all, G, 5, null);
        assertThat(again.computed()).isZero();
        assertThat(again.reused()).isEqualTo(30);

        // Another model id is another key: nothing is shared.
        var other = new FeatureCache(root).compute(graph, "ffff", List.of(new FeatureCache.Request("d1", Pooling.AVG)), all, G, 5, null);
        assertThat(other.computed()).isEqualTo(30);
    }

    @Test
    void tornRowsAndTornIndexLinesFromACrashAreIgnored() throws Exception {
        ComputationGraph graph = TinyGraphs.convBn(G, 3, 1);
        MemoryImageSet all = MemoryImageSet.blobs(4, 3, G, 3);
        FeatureCache cache = new FeatureCache(root);
        FeatureCache.Request req = new FeatureCache.Request("d1", Pooling.AVG);
        cache.compute(graph, MODEL, List.of(req), all.subset(new int[] {0, 1, 2, 3}), G, 8, null);
        Path dir = cache.folder(MODEL, req, G);
        // Simulate a crash mid-append: half a row in rows.f32 and a torn, unterminated line in index.txt.
        Files.write(dir.resolve(FeatureCacheStore.ROWS), new byte[] {1, 2, 3, 4, 5, 6}, StandardOpenOption.APPEND);
        Files.write(dir.resolve(FeatureCacheStore.INDEX), "2d2c29542f0e".getBytes(StandardCharsets.US_ASCII), StandardOpenOption.APPEND);
        var after = new FeatureCache(root).compute(graph, MODEL, List.of(req), all, G, 8, null);
        assertThat(after.reused()).isEqualTo(4);
        assertThat(after.computed()).isEqualTo(8);
        assertThat(after.get("d1", Pooling.AVG).equalsWithEps(graph.feedForward(input(all), false).get("d1"), 1e-5)).isTrue();
        assertThat(Files.size(dir.resolve(FeatureCacheStore.ROWS))).isEqualTo(12L * 4 * 8);
        // and the repaired files read back whole in a fresh process
        assertThat(new FeatureCache(root).compute(graph, MODEL, List.of(req), all, G, 8, null).computed()).isZero();
    }

    @Test
    void concurrentInstancesAgreeAndNeverReadHalfWrittenRows() throws Exception {
        ComputationGraph g1 = TinyGraphs.convBn(G, 3, 1);
        ComputationGraph g2 = g1.clone();
        MemoryImageSet all = MemoryImageSet.blobs(20, 3, G, 5);
        INDArray expected = g1.feedForward(input(all), false).get("d1");
        FeatureCache.Request req = new FeatureCache.Request("d1", Pooling.AVG);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<FeatureCache.Result>> futures = new ArrayList<>();
            futures.add(pool.submit(() -> new FeatureCache(root).compute(g1, MODEL, List.of(req), all, G, 3, null)));
            futures.add(pool.submit(() -> new FeatureCache(root).compute(g2, MODEL, List.of(req), all, G, 4, null)));
            for (Future<FeatureCache.Result> f : futures) {
                assertThat(f.get().get("d1", Pooling.AVG).equalsWithEps(expected, 1e-5)).isTrue();
            }
        } finally {
            pool.shutdown();
        }
        // Both wrote, but each image has one row that the next reader finds.
        var last = new FeatureCache(root).compute(g1, MODEL, List.of(req), all, G, 3, null);
        assertThat(last.computed()).isZero();
    }

    @Test
    void unknownLayerNamesTheValidOnes() {
        ComputationGraph graph = TinyGraphs.convBn(G, 3, 1);
        MemoryImageSet set = MemoryImageSet.blobs(1, 3, G, 7);
        assertThatThrownBy(() -> new FeatureCache(root).features(graph, MODEL, List.of("fc9"), Pooling.AVG, set, G, 2))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("'fc9'").hasMessageContaining("k1_down");
    }

    @Test
    void hashDependsOnContent() throws Exception {
        float[] a = {0f, 0.5f, 1f};
        float[] b = {0f, 0.5f, 0.9f};
        assertThat(FeatureCache.hash(a)).hasSize(32).isEqualTo(FeatureCache.hash(a.clone())).isNotEqualTo(FeatureCache.hash(b));
        // The documented key, built here without ByteBuffer: SHA-256 of the pixels' float32 bits written
        // little-endian, first 16 bytes in hex. A big-endian buffer or a shorter prefix would differ.
        byte[] le = new byte[4 * a.length];
        for (int i = 0; i < a.length; i++) {
            int bits = Float.floatToIntBits(a[i]);
            for (int k = 0; k < 4; k++) {
                le[4 * i + k] = (byte) (bits >>> (8 * k));
            }
        }
        byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(le);
        assertThat(FeatureCache.hash(a)).isEqualTo(java.util.HexFormat.of().formatHex(java.util.Arrays.copyOf(digest, 16)));
    }
}
