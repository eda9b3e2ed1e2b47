package io.transferadvisor.cli;

import io.transferadvisor.bench.BenchReport;
import io.transferadvisor.bench.StreamBench;
import io.transferadvisor.bench.ZooProbeBench;
import io.transferadvisor.util.Home;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `advisor bench zoo-probe`: the probe of a zoo network with random weights on generated 224x224 JPEGs, timed in its own JVM. */
@Command(name = "zoo-probe", mixinStandardHelpOptions = true,
        description = {"Run 'advisor profile' of a zoo network with random weights on the streaming benchmark's generated 224x224 RGB JPEGs "
                + "(generated once, shared with 'advisor bench stream'), in its own JVM with a fresh feature cache, and report wall time, "
                + "peak resident memory and the probe's stages."},
        footer = {"", "Example (issue 14's target: ResNet50, 2,000 images, under 3 minutes):",
            "  advisor bench zoo-probe --model zoo:resnet50 --per-class 625 --dir /var/tmp/advisor-stream"})
public final class BenchZooProbeCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", defaultValue = "zoo:resnet50", description = "Zoo network, built with random weights (default ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--per-class", defaultValue = "625", description = "Labelled images per class (4 classes; 625 gives a 1,996-image "
            + "training sample after the 0.1/0.1 split; default ${DEFAULT-VALUE}).")
    int perClass;

    @Option(names = "--images", defaultValue = "20000", description = "Images in the generated folder (default ${DEFAULT-VALUE}, "
            + "the streaming benchmark's; at least 4 x --per-class).")
    int images;

    @Option(names = "--heap", defaultValue = "4g", description = "-Xmx of the profile's JVM (default ${DEFAULT-VALUE}, the launcher's).")
    String heap;

    @Option(names = "--dir", defaultValue = "/var/tmp/advisor-stream", description = "Where the images and the cache go (default ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "-o", paramLabel = "FILE", description = "Markdown output (default docs/benchmarks/zoo-probe.md).")
    Path out;

    @Override
    public Integer call() throws Exception {
        java.util.List<String> zoo = io.transferadvisor.model.ZooSourceModel.ENTRIES.stream().map(io.transferadvisor.model.ZooSourceModel.Entry::name).toList();
        if (!zoo.contains(model)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--model " + model + ": not a zoo network; one of " + String.join(", ", zoo));
        }
        Args.range(spec, "--per-class", perClass, 10, 250_000);
        Args.range(spec, "--images", images, 40, 1_000_000);
        if (images < 4 * perClass) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--images " + images + " is fewer than 4 classes x --per-class " + perClass);
        }
        Args.heapSize(spec, heap);
        Path jar = Args.benchJar(spec);
        Files.createDirectories(dir);
        String command = "advisor bench zoo-probe --model " + model + " --per-class " + perClass + " --images " + images + " --heap " + heap + " --dir " + dir;
        StreamBench.Result r = ZooProbeBench.run(new ZooProbeBench.Options(dir, images, perClass, model, heap, jar, command), spec.commandLine().getErr());
        BenchReport.publish(out != null ? out : Home.dir().resolve("docs/benchmarks/" + r.fileName()), r.markdown(), spec.commandLine().getOut());
        return ExitCodes.OK;
    }
}
