package io.transferadvisor.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.transferadvisor.dataset.DatasetLoader;
import io.transferadvisor.dataset.ImageSet;
import io.transferadvisor.dataset.JoinedImageSet;
import io.transferadvisor.dataset.LoadedDataset;
import io.transferadvisor.dataset.SpecReader;
import io.transferadvisor.features.FeatureCache;
import io.transferadvisor.features.Pooling;
import io.transferadvisor.features.RemoteFeaturizer;
import io.transferadvisor.model.ModelRegistry;
import io.transferadvisor.model.SourceModel;
import io.transferadvisor.util.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Issue 15's throughput target: the frozen network over every image of a folder of 224x224 JPEGs
 * (zoo SqueezeNet, random weights, AVG features at its last candidate cut, each image once into an
 * empty cache), on one JVM and on Spark (--spark MASTER), side by side in one run, each in its own
 * JVM with the same heap and OMP_NUM_THREADS=2; then the two caches are compared byte for byte.
 */
public final class SparkBench {
    private SparkBench() {}

    static final String MARKER = ".advisor-bench-spark";

    public record Options(Path dir, int images, String heap, Path jar, List<String> jvmFlags, String master, String command) {}

    /** What one worker JVM reports (its last output line, as JSON). */
    public record Worker(String path, int images, int computed, double seconds, double forwardSeconds, double startSeconds, String layer) {}

    public static StreamBench.Result run(Options o, PrintWriter log) throws IOException, InterruptedException {
        StreamBench.claim(o.dir(), MARKER, "advisor bench spark");
        Path yaml = StreamBench.images(o.dir(), o.images(), log);
        List<StreamBench.Child> children = new ArrayList<>();
        Map<String, Worker> workers = new LinkedHashMap<>();
        for (String path : List.of("local", o.master())) {
            Path cache = o.dir().resolve("cache-" + (path.equals("local") ? "local" : "spark"));
            StreamBench.deleteTree(cache);
            List<String> args = new ArrayList<>(List.of("bench", "spark", "--worker", path, "--dir", o.dir().toString(), "--cache", cache.toString()));
            if (!path.equals("local")) {
                args.addAll(List.of("--spark", path));
            }
            StreamBench.Child c = StreamBench.child(o.jar(), o.heap(), path.equals("local") ? List.of() : o.jvmFlags(), o.dir(),
                    "worker-" + (path.equals("local") ? "local" : "spark"), log, args.toArray(String[]::new));
            children.add(c);
            List<String> lines = Files.readAllLines(o.dir().resolve(c.name() + ".log"), StandardCharsets.UTF_8);
            String last = lines.isEmpty() ? "{}" : lines.get(lines.size() - 1);
            workers.put(path, Json.json().readValue(last, Worker.class));
        }
        Worker one = workers.get("local");
        Worker spark = workers.get(o.master());
        Map<String, byte[]> a = files(o.dir().resolve("cache-local"));
        Map<String, byte[]> b = files(o.dir().resolve("cache-spark"));
        boolean same = a.keySet().equals(b.keySet()) && a.keySet().stream().allMatch(k -> java.util.Arrays.equals(a.get(k), b.get(k)));
        long rowBytes = a.entrySet().stream().filter(e -> e.getKey().endsWith("rows.f32")).mapToLong(e -> e.getValue().length).sum();

        StringBuilder md = new StringBuilder(BenchReport.header("features on Spark vs one JVM, " + o.images() + " images at 224x224 (issue 15)",
                o.command(), "each path in its own JVM with -Xmx" + o.heap() + ", OMP_NUM_THREADS=2, one after the other, nothing else running; "
                        + "zoo:squeezenet (random weights), " + one.layer() + " AVG features of every image into an empty cache"));
        md.append("Target: " + o.master() + " featurisation at least 0.8x the single-JVM path's images/s, with features identical.\n\n");
        md.append("| path | images | feature step (s) | images/s | network (s, summed over tasks) | Spark start (s) | JVM wall (s) | peak RSS (MB) |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (int i = 0; i < 2; i++) {
            Worker w = i == 0 ? one : spark;
            StreamBench.Child c = children.get(i);
            md.append(String.format(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.1f | %s | %.1f | %,d |%n", i == 0 ? "one JVM" : "spark " + o.master(),
                    w.images(), w.seconds(), w.images() / Math.max(1e-9, w.seconds()), w.forwardSeconds(),
                    i == 0 ? "-" : String.format(Locale.ROOT, "%.1f", w.startSeconds()), c.seconds(), c.peakKb() / 1024));
        }
        double ratio = (spark.images() / spark.seconds()) / (one.images() / one.seconds());
        double ratioWall = children.get(0).seconds() / children.get(1).seconds();
        md.append(String.format(Locale.ROOT, "%nRatio Spark / one JVM, images/s of the feature step: **%.2f** (target >= 0.8: %s); of the whole JVM's"
                + " wall time, Spark's start and the dataset load included: %.2f.%n", ratio, ratio >= 0.8 ? "met" : "missed", ratioWall));
        md.append(String.format(Locale.ROOT, "%nFeatures identical: **%s** (%d cache files, %,d bytes of rows, compared byte for byte).%n",
                same ? "yes" : "NO", a.size(), rowBytes));
        return new StreamBench.Result(md.toString(), "spark.md");
    }

    /** The worker: every image of the folder through the network once, into the given cache; prints one JSON line. */
    public static Worker work(Path dir, Path cache, RemoteFeaturizer remote, double startSeconds) {
        LoadedDataset data = DatasetLoader.load(SpecReader.read(dir.resolve("dataset.yaml")));
        SourceModel model = ModelRegistry.resolve(data.spec().models().get(0));
        ImageSet all = new JoinedImageSet(new JoinedImageSet(data.train(), data.validation()), data.test()).preprocessed(model.preprocessing());
        var mp = model.profile();
        String layer = mp.candidateCuts().get(mp.candidateCuts().size() - 1);
        var graph = model.load();
        long t0 = System.nanoTime();
        FeatureCache.Result r = new FeatureCache(cache, remote).compute(graph, FeatureCache.modelId(model),
                List.of(new FeatureCache.Request(layer, Pooling.AVG)), all, mp.input(), 64, null);
        double secs = (System.nanoTime() - t0) / 1e9;
        Worker w = new Worker(remote == null ? "local" : remote.describe(), all.size(), r.computed(), secs, r.forwardSeconds(), startSeconds, layer);
        return w;
    }

    /** Every file of a feature cache (relative path -> bytes), without its lock files: what "the same cache" compares. */
    public static Map<String, byte[]> files(Path cache) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(cache)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                if (!p.getFileName().toString().equals("lock")) {
                    out.put(cache.relativize(p).toString(), Files.readAllBytes(p));
                }
            }
        }
        return out;
    }
}
