package io.transferadvisor.cli;

import io.transferadvisor.bench.BenchReport;
import io.transferadvisor.bench.SparkBench;
import io.transferadvisor.features.RemoteFeaturizer;
import io.transferadvisor.util.Json;
import io.transferadvisor.util.Home;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `advisor bench spark`: featurisation throughput on Spark against one JVM, on the same 224x224 folder, side by side. */
@Command(name = "spark", mixinStandardHelpOptions = true,
        description = {"Generate N 224x224 RGB JPEGs (once), then run zoo SqueezeNet (random weights) over every image into an empty "
                + "feature cache, once in one JVM and once with --spark MASTER, each in its own JVM, and report images/s side by side, "
                + "their ratio, and whether the two caches are identical byte for byte."},
        footer = {"", "Example (issue 15's target: local[2] at least 0.8x one JVM):",
            "  advisor bench spark --spark local[2] --images 20000 --dir /var/tmp/advisor-spark"})
public final class BenchSparkCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    SparkOption spark;

    @Option(names = "--images", defaultValue = "20000", description = "Images to generate (default ${DEFAULT-VALUE}).")
    int images;

    @Option(names = "--heap", defaultValue = "2g", description = "-Xmx of each path's JVM (default ${DEFAULT-VALUE}).")
    String heap;

    @Option(names = "--dir", defaultValue = "/var/tmp/advisor-spark", description = "Where the images and caches go (default ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "-o", paramLabel = "FILE", description = "Markdown output (default docs/benchmarks/spark.md).")
    Path out;

    @Option(names = "--worker", hidden = true, description = "Internal: run one path (local or the master) and print its numbers.")
    String worker;

    @Option(names = "--cache", hidden = true, description = "Internal: the worker's cache.")
    Path cache;

    @Override
    public Integer call() throws Exception {
        if (worker != null) {
            long t0 = System.nanoTime();
            try (RemoteFeaturizer remote = spark.open()) {
                double start = (System.nanoTime() - t0) / 1e9;
                SparkBench.Worker w = SparkBench.work(dir, cache, remote, start);
                spec.commandLine().getOut().println(Json.json().writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT).writeValueAsString(w));
                spec.commandLine().getOut().flush();
            }
            return ExitCodes.OK;
        }
        if (spark.master == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "bench spark compares one JVM with --spark MASTER; give one, e.g. --spark local[2]");
        }
        Args.range(spec, "--images", images, 40, 1_000_000);
        Args.heapSize(spec, heap);
        spark.open().close(); // the Spark variant, or the one-line usage error now rather than after generating the images
        Path self = Args.runningJar();
        if (self == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "bench spark runs from the built Spark jar (./advisor bench spark --spark ...)");
        }
        // the JDK packages this JVM opened for Spark (the launcher's list) go to the Spark worker too
        List<String> opens = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-opens")).toList();
        String command = "advisor bench spark --spark " + spark.master + " --images " + images + " --heap " + heap + " --dir " + dir;
        var r = SparkBench.run(new SparkBench.Options(dir, images, heap, self, opens, spark.master, command), spec.commandLine().getErr());
        BenchReport.publish(out != null ? out : Home.dir().resolve("docs/benchmarks/" + r.fileName()), r.markdown(), spec.commandLine().getOut());
        return ExitCodes.OK;
    }
}
