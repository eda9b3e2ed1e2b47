package io.transferadvisor.features;


import io.transferadvisor.probe.TinyGraphs;
import io.transferadvisor.testing.MemoryImageSet;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A second process for {@link FeatureCacheCrashTest}: fills / reads the feature cache in args[0]
 * and exits 0 when every feature equals a direct forward pass, 3 when one differs.
 */
public final class FeatureCacheWorker {
    private FeatureCacheWorker() {}

    static final List<FeatureCache.Request> REQUESTS = List.of(new FeatureCache.Request("d1", Pooling.AVG),
            new FeatureCache.Request("k1_down", Pooling.NONE));

    static MemoryImageSet images() {
        return MemoryImageSet.blobs(40, 3, FeatureCacheTest.G, 5);
    }

    static ComputationGraph graph() {
        return TinyGraphs.convBn(FeatureCacheTest.G, 3, 1);
    }

    /** True when the cached features of every request equal the direct forward pass's. */
    static boolean matches(FeatureCache.Result r, ComputationGraph g, MemoryImageSet set) {
        Map<String, INDArray> direct = g.feedForward(FeatureCacheCrashTest.input(set), false);
        return r.get("d1", Pooling.AVG).equalsWithEps(direct.get("d1"), 1e-5)
                && r.get("k1_down", Pooling.NONE).equalsWithEps(direct.get("k1_down"), 1e-5);
    }

    public static void main(String[] args) {
        ComputationGraph g = graph();
        MemoryImageSet set = images();
        FeatureCache.Result r = new FeatureCache(Path.of(args[0])).compute(g, FeatureCacheTest.MODEL, REQUESTS, set,
                FeatureCacheTest.G, 3, null);
        System.out.println("computed " + r.computed() + ", reused " + r.reused());
        System.exit(matches(r, g, set) ? 0 : 3);
    }
}
