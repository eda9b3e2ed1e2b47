package io.transferadvisor.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.transferadvisor.cli.CliTestSupport;
import io.transferadvisor.dataset.InputGeometry;
import io.transferadvisor.features.FeatureCache;
import io.transferadvisor.features.Pooling;
import io.transferadvisor.probe.TinyGraphs;
import io.transferadvisor.testing.MemoryImageSet;
import io.transferadvisor.util.Json;
import io.transferadvisor.util.WriteHooks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15 in local[2] mode: features computed by Spark tasks land in the feature cache byte for byte
 * as the single-machine path writes them (fmnist-cnn, and zoo SqueezeNet with random weights), through
 * the real command line (profile, execute, predict with --spark); a task killed before its part is
 * committed is retried by Spark and the cache ends complete.
 */
class SparkFeaturizerTest {
    @TempDir
    Path dir;

    @BeforeEach
    void smallParts() {
        // the numeric path every command sets before its first network (oneDNN helpers, BLAS threads): a reference
        // computed before it, then compared with Spark tasks that set it, differed in the last bits
        io.transferadvisor.model.NativeThreads.apply();
        // one forward batch per part, so even a few dozen images make several tasks
        System.setProperty("spark.advisor.partImages", "1");
    }

    @AfterEach
    void clear() {
        System.clearProperty("spark.advisor.partImages");
        WriteHooks.clear();
    }

    /** A folder dataset of two shape classes, side x side, grey or RGB. */
    static Path dataset(Path dir, String model, int side, boolean rgb, int perClass) throws Exception {
        io.transferadvisor.testing.ShapeImages.write(dir, side, rgb, perClass, 11, side / 4, side / 2);
        Path yaml = dir.resolve("dataset.yaml");
        Files.writeString(yaml, "version: 1\nname: shapes\ntrain: {format: folder, path: data}\nsplit: {test: 0.25, validation: 0.2}\n"
                + "model: " + model + "\nseed: 42\nbudget: {minutes: 10, max_epochs: 2}\n");
        return yaml;
    }

    static void assertSameCache(Path a, Path b) throws Exception {
        Map<String, byte[]> fa = io.transferadvisor.bench.SparkBench.files(a);
        Map<String, byte[]> fb = io.transferadvisor.bench.SparkBench.files(b);
        assertThat(fb.keySet()).isEqualTo(fa.keySet());
        assertThat(fa.keySet()).anyMatch(k -> k.endsWith("rows.f32"));
        for (String k : fa.keySet()) {
            assertThat(fb.get(k)).as(k).isEqualTo(fa.get(k));
        }
    }

    static void ok(CliTestSupport.Result r) {
        assertThat(r.exitCode()).as(r.err()).isZero();
    }

    @Test
    void profileExecuteAndPredictOnSparkMatchOneMachineBitForBit() throws Exception {
        Path yaml = dataset(dir, "fmnist-cnn", 28, false, 80); // about 90 training images: two parts of a 64-image batch
        Path c1 = dir.resolve("c1");
        Path c2 = dir.resolve("c2");
        ok(CliTestSupport.run("profile", yaml.toString(), "-o", dir.resolve("p1.json").toString(), "--cache", c1.toString(), "-q"));
        var spark = CliTestSupport.run("profile", yaml.toString(), "-o", dir.resolve("p2.json").toString(), "--cache", c2.toString(),
                "--spark", "local[2]");
        ok(spark);
        assertThat(spark.err()).containsPattern("features: \\d+ images in \\d+ parts on spark local\\[2,4]");
        assertSameCache(c1, c2);
        var p1 = Json.json().readTree(dir.resolve("p1.json").toFile());
        var p2 = Json.json().readTree(dir.resolve("p2.json").toFile());
        assertThat(p2.path("layers")).isEqualTo(p1.path("layers"));
        assertThat(p2.path("sufficiency")).isEqualTo(p1.path("sufficiency"));

        // a frozen-feature plan: the training reads what Spark computed, and trains the same weights
        ok(CliTestSupport.run("recommend", "--profile", dir.resolve("p1.json").toString(), yaml.toString(), "-o", dir.resolve("plan.yaml").toString(), "-q"));
        Path r1 = dir.resolve("r1");
        Path r2 = dir.resolve("r2");
        ok(CliTestSupport.run("execute", dir.resolve("plan.yaml").toString(), "--strategy", "LINEAR_FROZEN", "--cutoff", "b3_relu",
                "-o", r1.toString(), "--cache", dir.resolve("c3").toString(), "-q"));
        var e2 = CliTestSupport.run("execute", dir.resolve("plan.yaml").toString(), "--strategy", "LINEAR_FROZEN", "--cutoff", "b3_relu",
                "-o", r2.toString(), "--cache", dir.resolve("c4").toString(), "--spark", "local[2]");
        ok(e2);
        assertThat(e2.err()).contains("missing rows computed on spark local[2,4]");
        assertSameCache(dir.resolve("c3"), dir.resolve("c4"));
        assertThat(params(r2)).containsExactly(params(r1));

        var q1 = CliTestSupport.run("predict", r1.toString(), dir.resolve("data/disc").toString());
        var q2 = CliTestSupport.run("predict", r1.toString(), dir.resolve("data/disc").toString(), "--spark", "local[2]",
                "--cache", dir.resolve("c5").toString());
        ok(q1);
        ok(q2);
        assertThat(q2.out()).isEqualTo(q1.out());
        assertThat(q1.out().lines().count()).isEqualTo(80);
        assertThat(dir.resolve("c5")).isEmptyDirectory(); // the scratch outputs are gone
    }

    @Test
    void aZooSqueezeNetWithRandomWeightsGivesTheSameCacheOnSpark() throws Exception {
        Path yaml = dataset(dir, "{name: zoo:squeezenet, weights: random}", 96, true, 10);
        Path c1 = dir.resolve("c1");
        Path c2 = dir.resolve("c2");
        ok(CliTestSupport.run("profile", yaml.toString(), "--cache", c1.toString(), "-q", "--bootstrap", "20"));
        ok(CliTestSupport.run("profile", yaml.toString(), "--cache", c2.toString(), "-q", "--bootstrap", "20",
                "--spark", "local[2]"));
        assertSameCache(c1, c2);
    }

    @Test
    void aTaskKilledBeforeItsPartIsCommittedIsRetriedBySparkAndTheCacheEndsComplete() throws Exception {
        InputGeometry g = new InputGeometry(10, 10, 1);
        ComputationGraph graph = TinyGraphs.convBn(g, 3, 1);
        MemoryImageSet set = MemoryImageSet.blobs(10, 3, g, 3); // 30 images, parts of 8
        List<FeatureCache.Request> req = List.of(new FeatureCache.Request("k1_down", Pooling.NONE), new FeatureCache.Request("out", Pooling.AVG));
        var local = new FeatureCache(dir.resolve("local")).compute(graph, "m", req, set, g, 8, null);

        Set<String> crashed = ConcurrentHashMap.newKeySet();
        WriteHooks.install(point -> {
            if (point.equals("rename part-000002.bin") && crashed.add(point)) {
                throw new WriteHooks.SimulatedCrash(point); // the task dies with its part written to a temporary only
            }
        });
        AtomicInteger failedTasks = new AtomicInteger();
        try (SparkFeaturizer spark = new SparkFeaturizer("local[2]")) {
            spark.context().sc().addSparkListener(new SparkListener() {
                @Override
                public void onTaskEnd(SparkListenerTaskEnd end) {
                    if (end.taskInfo().failed()) {
                        failedTasks.incrementAndGet();
                    }
                }
            });
            var dist = new FeatureCache(dir.resolve("spark"), spark).compute(graph, "m", req, set, g, 8, null);
            assertThat(crashed).containsExactly("rename part-000002.bin");
            assertThat(dist.computed()).isEqualTo(30);
            for (FeatureCache.Request q : req) {
                assertThat(dist.get(q.layer(), q.pooling()).equals(local.get(q.layer(), q.pooling()))).as(q.toString()).isTrue();
            }
        }
        assertThat(failedTasks.get()).isEqualTo(1);
        assertSameCache(dir.resolve("local"), dir.resolve("spark"));
    }

    @Test
    void aJobThatFailsForGoodLeavesItsCommittedPartsAndTheRerunReusesThem() throws Exception {
        InputGeometry g = new InputGeometry(10, 10, 1);
        ComputationGraph graph = TinyGraphs.convBn(g, 3, 1);
        MemoryImageSet set = MemoryImageSet.blobs(10, 3, g, 4); // 30 images, parts of 8: 0-3
        List<FeatureCache.Request> req = List.of(new FeatureCache.Request("k1_down", Pooling.AVG));
        new FeatureCache(dir.resolve("local")).compute(graph, "m", req, set, g, 8, null);
        // part 3 can never commit: Spark gives up after its retries and the job fails
        WriteHooks.install(point -> {
            if (point.equals("rename part-000003.bin")) {
                throw new WriteHooks.SimulatedCrash(point);
            }
        });
        try (SparkFeaturizer spark = new SparkFeaturizer("local[2]")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(
                    () -> new FeatureCache(dir.resolve("spark"), spark).compute(graph, "m", req, set, g, 8, null))
                    .hasMessageContaining("simulated crash at rename part-000003.bin");
        }
        List<Path> committed;
        try (var s = Files.walk(dir.resolve("spark").resolve("parts"))) {
            committed = s.filter(p -> p.getFileName().toString().matches("part-\\d+\\.bin")).sorted().toList();
        }
        assertThat(committed).extracting(p -> p.getFileName().toString()).containsExactly("part-000000.bin", "part-000001.bin", "part-000002.bin");
        WriteHooks.clear();

        AtomicInteger tasks = new AtomicInteger();
        try (SparkFeaturizer spark = new SparkFeaturizer("local[2]")) {
            spark.context().sc().addSparkListener(new SparkListener() {
                @Override
                public void onTaskEnd(SparkListenerTaskEnd end) {
                    tasks.incrementAndGet();
                }
            });
            var rerun = new FeatureCache(dir.resolve("spark"), spark).compute(graph, "m", req, set, g, 8, null);
            assertThat(rerun.computed()).as("only the part that never committed goes through the network").isEqualTo(6);
        }
        assertThat(tasks.get()).isEqualTo(4);
        assertSameCache(dir.resolve("local"), dir.resolve("spark"));
    }

    @Test
    void anUnreadableImageFailsTheJobWithTheDatasetErrorNotASparkTrace() throws Exception {
        Path yaml = dataset(dir, "fmnist-cnn", 28, false, 12);
        Path c = dir.resolve("cache");
        var runDir = dir.resolve("run");
        ok(CliTestSupport.run("run", yaml.toString(), "-o", runDir.toString(), "--cache", c.toString(), "-q"));
        Path bad = dir.resolve("bad");
        Files.createDirectories(bad);
        Files.writeString(bad.resolve("x.png"), "not a png");
        var p = CliTestSupport.run("predict", runDir.toString(), bad.toString(), "--spark", "local[2]", "--cache", c.toString());
        assertThat(p.exitCode()).as(p.err()).isEqualTo(io.transferadvisor.cli.ExitCodes.BAD_DATASET);
        assertThat(p.err()).contains("x.png").doesNotContain("\tat ", "SparkException");
        assertThat(p.err().lines().filter(l -> l.startsWith("error:")).count()).isEqualTo(1);
    }

    static float[] params(Path runDir) throws Exception {
        return org.deeplearning4j.util.ModelSerializer.restoreComputationGraph(runDir.resolve("model.zip").toFile(), false).params()
                .castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).dup('c').data().asFloat();
    }
}
