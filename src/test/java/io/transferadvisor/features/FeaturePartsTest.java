package io.transferadvisor.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferadvisor.dataset.ImageSet;
import io.transferadvisor.dataset.InputGeometry;
import io.transferadvisor.probe.TinyGraphs;
import io.transferadvisor.testing.MemoryImageSet;
import io.transferadvisor.util.WriteHooks;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntPredicate;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distributed feature path without Spark: parts run on a thread pool standing in for executors
 * (the job crosses a Java serialization boundary, each "executor" thread deserializes its own
 * network), with task retries, crashes and reruns. The Spark build's SparkFeaturizerTest runs the
 * same parts on Spark itself.
 */
class FeaturePartsTest {
    static final InputGeometry G = new InputGeometry(10, 10, 1);
    static final String MODEL = "parts-model";
    static final List<FeatureCache.Request> REQUESTS = List.of(
            new FeatureCache.Request("k1_down", Pooling.NONE),
            new FeatureCache.Request("k1", Pooling.MOMENTS),
            new FeatureCache.Request("out", Pooling.AVG));

    @TempDir
    Path local;
    @TempDir
    Path remote;

    @AfterEach
    void clearHooks() {
        WriteHooks.clear();
    }

    /** Runs parts like an engine would: shipped by serialization, two workers, a failed task retried up to maxAttempts. */
    static final class PoolRemote implements RemoteFeaturizer {
        final int partImages;
        final int maxAttempts;
        final IntPredicate abortAt; // a part that fails for good (the job dies), or none
        final List<FeatureParts.Outcome> seen = new ArrayList<>();
        final Set<Integer> failedOnce = ConcurrentHashMap.newKeySet();
        int attempts;

        PoolRemote(int partImages, int maxAttempts, IntPredicate abortAt) {
            this.partImages = partImages;
            this.maxAttempts = maxAttempts;
            this.abortAt = abortAt;
        }

        @Override
        public String describe() {
            return "a test pool";
        }

        @Override
        public int partImages(int batchSize, int images) {
            return partImages;
        }

        @Override
        public synchronized List<FeatureParts.Outcome> run(FeatureParts.Job job) {
            FeatureParts.Job shipped = roundTrip(job);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            ThreadLocal<ComputationGraph> net = ThreadLocal.withInitial(() -> FeatureParts.network(shipped));
            try {
                List<FeatureParts.Outcome> out = new ArrayList<>();
                for (int p = 0; p < shipped.parts(); p++) {
                    if (abortAt.test(p)) {
                        throw new IllegalStateException("job aborted at part " + p);
                    }
                    final int part = p;
                    RuntimeException last = null;
                    for (int attempt = 0; attempt < maxAttempts; attempt++) {
                        attempts++;
                        Future<FeatureParts.Outcome> f = pool.submit(() -> FeatureParts.compute(net.get(), shipped, part));
                        try {
                            out.add(f.get());
                            last = null;
                            break;
                        } catch (ExecutionException e) {
                            failedOnce.add(part);
                            last = new IllegalStateException("part " + part + " failed", e.getCause());
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IllegalStateException(e);
                        }
                    }
                    if (last != null) {
                        throw last;
                    }
                }
                seen.addAll(out);
                return out;
            } finally {
                pool.shutdownNow();
            }
        }

        @Override
        public void close() {}
    }

    static FeatureParts.Job roundTrip(FeatureParts.Job job) {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            try (ObjectOutputStream o = new ObjectOutputStream(b)) {
                o.writeObject(job);
            }
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(b.toByteArray()))) {
                return (FeatureParts.Job) in.readObject();
            }
        } catch (IOException | ClassNotFoundException e) {
            throw new UncheckedIOException(new IOException("the job does not survive serialization", e));
        }
    }

    private static FeatureCache.Result compute(FeatureCache cache, ComputationGraph graph, ImageSet set) {
        return cache.compute(graph, MODEL, REQUESTS, set, G, 4, null);
    }

    private static void assertSameRows(FeatureCache.Result a, FeatureCache.Result b) {
        for (FeatureCache.Request q : REQUESTS) {
            assertThat(a.get(q.layer(), q.pooling()).shape()).containsExactly(b.get(q.layer(), q.pooling()).shape());
            assertThat(a.get(q.layer(), q.pooling()).dup().reshape(-1).toFloatVector()).as(q.toString())
                    .containsExactly(b.get(q.layer(), q.pooling()).dup().reshape(-1).toFloatVector());
        }
    }

    @Test
    void partsOnWorkersGiveTheSingleMachineRowsBitForBitAndKeyThemTheSameWay() {
        ComputationGraph graph = TinyGraphs.convBn(G, 3, 1);
        MemoryImageSet set = MemoryImageSet.blobs(7, 3, G, 11); // 21 images: parts of 8, 8 and 5
        FeatureCache.Result one = compute(new FeatureCache(local), graph, set);
        PoolRemote pool = new PoolRemote(8, 1, p -> false);
        FeatureCache.Result dist = compute(new FeatureCache(remote, pool), graph, set);
        assertThat(dist.computed()).isEqualTo(21);
        assertThat(pool.seen).hasSize(3);
        assertSameRows(dist, one);
        assertThat(remote.resolve("parts")).isEmptyDirectory();
        // the rows are in the cache under the single-machine key: a plain cache on the same folder reuses them all
        FeatureCache.Result again = compute(new FeatureCache(remote), graph, set);
        assertThat(again.reused()).isEqualTo(21);
        assertThat(again.computed()).isZero();
        assertSameRows(again, one);
        // and a distributed rerun sends nothing through the network
        PoolRemote second = new PoolRemote(8, 1, p -> false);
        FeatureCache.Result cached = compute(new FeatureCache(remote, second), graph, set);
        assertThat(cached.computed()).isZero();
        assertThat(second.seen).allSatisfy(o -> assertThat(o.computed()).isZero());
    }

    @Test
    void aTaskKilledBeforeItsPartIsCommittedIsRetriedAndTheCacheEndsComplete() {
        ComputationGraph graph = TinyGraphs.convBn(G, 3, 1);
        MemoryImageSet set = MemoryImageSet.blobs(6, 3, G, 5);
        FeatureCache.Result one = compute(new FeatureCache(local), graph, set);
        // the first attempt at part 1 dies after writing its temporary, before the rename that commits it
        Set<String> crashed = ConcurrentHashMap.newKeySet();
        WriteHooks.install(point -> {
            if (point.equals("rename part-000001.bin") && crashed.add(point)) {
                throw new WriteHooks.SimulatedCrash(point);
            }
        });
        PoolRemote pool = new PoolRemote(8, 4, p -> false);
        FeatureCache.Result dist = compute(new FeatureCache(remote, pool), graph, set);
        assertThat(crashed).containsExactly("rename part-000001.bin");
        assertThat(pool.failedOnce).containsExactly(1);
        assertThat(pool.attempts).isEqualTo(4); // three parts, one retried
        assertSameRows(dist, one);
        assertThat(remote.resolve("parts")).isEmptyDirectory();
    }

    @Test
    void aRerunAfterAFailedJobReusesThePartsAlreadyWritten() throws IOException {
        ComputationGraph graph = TinyGraphs.convBn(G, 3, 1);
        MemoryImageSet set = MemoryImageSet.blobs(8, 3, G, 9); // 24 images, parts of 8
        FeatureCache.Result one = compute(new FeatureCache(local), graph, set);
        PoolRemote dying = new PoolRemote(8, 1, p -> p == 2);
        assertThatThrownBy(() -> compute(new FeatureCache(remote, dying), graph, set)).hasMessageContaining("job aborted at part 2");
        List<Path> parts;
        try (var s = Files.walk(remote.resolve("parts"))) {
            parts = s.filter(p -> p.getFileName().toString().startsWith("part-")).toList();
        }
        assertThat(parts).hasSize(2);

        PoolRemote rerun = new PoolRemote(8, 1, p -> false);
        FeatureCache.Result dist = compute(new FeatureCache(remote, rerun), graph, set);
        assertThat(rerun.seen).extracting(FeatureParts.Outcome::reused).containsExactly(true, true, false);
        assertThat(rerun.seen).extracting(FeatureParts.Outcome::computed).containsExactly(0, 0, 8);
        assertSameRows(dist, one);
    }

    @Test
    void aLeftOverPartOfOtherPixelsIsRecomputedNotTrusted() {
        ComputationGraph graph = TinyGraphs.convBn(G, 3, 1);
        MemoryImageSet a = MemoryImageSet.blobs(8, 3, G, 9);
        MemoryImageSet b = MemoryImageSet.blobs(8, 3, G, 10); // same size and descriptions, other pixels
        assertThat(b.describe(0)).isEqualTo(a.describe(0));
        PoolRemote dying = new PoolRemote(8, 1, p -> p == 2);
        assertThatThrownBy(() -> compute(new FeatureCache(remote, dying), graph, a)).hasMessageContaining("aborted");
        PoolRemote rerun = new PoolRemote(8, 1, p -> false);
        FeatureCache.Result dist = compute(new FeatureCache(remote, rerun), graph, b);
        assertThat(rerun.seen).extracting(FeatureParts.Outcome::reused).containsOnly(false);
        assertSameRows(dist, compute(new FeatureCache(local), graph, b));
    }

    @Test
    void aPartSizeThatSplitsABatchIsRefused() {
        ComputationGraph graph = TinyGraphs.convBn(G, 3, 1);
        MemoryImageSet set = MemoryImageSet.blobs(2, 3, G, 1);
        assertThatThrownBy(() -> compute(new FeatureCache(remote, new PoolRemote(6, 1, p -> false)), graph, set))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multiple of the batch 4");
    }
}
