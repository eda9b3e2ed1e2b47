package io.transferadvisor.features;


import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.transferadvisor.testing.CrashAt;
import io.transferadvisor.testing.MemoryImageSet;
import io.transferadvisor.util.WriteHooks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The feature cache under crashes at every write point, and shared by two processes. */
@org.junit.jupiter.api.Tag("slow") // trains or runs DL4J for seconds: `mvn test -DexcludedGroups=slow` skips it
class FeatureCacheCrashTest {
    @TempDir
    Path tmp;

    static INDArray input(MemoryImageSet set) {
        var g = FeatureCacheTest.G;
        float[] flat = new float[set.size() * g.pixels()];
        for (int i = 0; i < set.size(); i++) {
            System.arraycopy(set.pixels(i, g), 0, flat, i * g.pixels(), g.pixels());
        }
        return Nd4j.create(flat, new long[] {set.size(), 1, g.height(), g.width()}, 'c');
    }

    private static float[] flat(INDArray a) {
        return a.castTo(DataType.FLOAT).dup('c').data().asFloat();
    }

    /** A first fill with part of the images, then the whole set (so appends to existing files are crashed too). */
    private static FeatureCache.Result fill(Path root, ComputationGraph g, MemoryImageSet set) {
        new FeatureCache(root).compute(g, FeatureCacheTest.MODEL, FeatureCacheWorker.REQUESTS, set.subset(new int[] {0, 1, 2, 3, 4, 5}),
                FeatureCacheTest.G, 4, null);
        return new FeatureCache(root).compute(g, FeatureCacheTest.MODEL, FeatureCacheWorker.REQUESTS, set, FeatureCacheTest.G, 4, null);
    }

    @Test
    void aCrashAtAnyCacheWritePointThenARerunGivesTheSameFeaturesAndNoCorruptEntry() {
        ComputationGraph g = FeatureCacheWorker.graph();
        MemoryImageSet set = FeatureCacheWorker.images();
        CrashAt counting = new CrashAt(0);
        FeatureCache.Result clean = counting.during(() -> fill(tmp.resolve("clean"), g, set));
        float[] d1 = flat(clean.get("d1", Pooling.AVG));
        float[] k1 = flat(clean.get("k1_down", Pooling.NONE));
        assertThat(counting.points()).anyMatch(p -> p.startsWith("rename meta.json")).anyMatch(p -> p.startsWith("cache rows appended"))
                .anyMatch(p -> p.startsWith("cache index appended"));

        for (int i = 1; i <= counting.seen(); i++) {
            Path root = tmp.resolve("crash-" + i);
            int at = i;
            assertThatThrownBy(() -> new CrashAt(at).during(() -> fill(root, g, set)))
                    .as("crash %d at %s", i, counting.points().get(i - 1)).isInstanceOf(WriteHooks.SimulatedCrash.class);
            FeatureCache.Result rerun = new FeatureCache(root).compute(g, FeatureCacheTest.MODEL, FeatureCacheWorker.REQUESTS, set,
                    FeatureCacheTest.G, 4, null);
            String where = "after a crash at " + counting.points().get(i - 1) + " (#" + i + ")";
            assertThat(flat(rerun.get("d1", Pooling.AVG))).as("d1 features " + where).isEqualTo(d1);
            assertThat(flat(rerun.get("k1_down", Pooling.NONE))).as("k1_down features " + where).isEqualTo(k1);
            FeatureCache.Result again = new FeatureCache(root).compute(g, FeatureCacheTest.MODEL, FeatureCacheWorker.REQUESTS, set,
                    FeatureCacheTest.G, 4, null);
            assertThat(again.computed()).as("every entry intact and indexed " + where).isZero();
            assertThat(flat(again.get("d1", Pooling.AVG))).isEqualTo(d1);
        }
    }

    /** Two JVMs (test classpath, FeatureCacheWorker) fill one cache folder at once: both succeed, entries intact. */
    @Test
    void twoProcessesSharingTheCacheBothSucceedAndEntriesStayIntact() throws Exception {
        Path root = tmp.resolve("shared");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> ps = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            ps.add(new ProcessBuilder(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"), FeatureCacheWorker.class.getName(),
                    root.toString()).redirectErrorStream(true).redirectOutput(tmp.resolve("worker-" + i + ".log").toFile()).start());
        }
        for (int i = 0; i < ps.size(); i++) {
            assertThat(ps.get(i).waitFor(300, TimeUnit.SECONDS)).isTrue();
            assertThat(ps.get(i).exitValue()).as(Files.readString(tmp.resolve("worker-" + i + ".log"))).isZero();
        }
        ComputationGraph g = FeatureCacheWorker.graph();
        MemoryImageSet set = FeatureCacheWorker.images();
        FeatureCache.Result after = new FeatureCache(root).compute(g, FeatureCacheTest.MODEL, FeatureCacheWorker.REQUESTS, set,
                FeatureCacheTest.G, 4, null);
        assertThat(after.computed()).isZero();
        assertThat(FeatureCacheWorker.matches(after, g, set)).isTrue();
    }
}
