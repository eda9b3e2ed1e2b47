package io.transferadvisor.cli;

import io.transferadvisor.bench.BenchReport;
import io.transferadvisor.bench.StreamBench;
import io.transferadvisor.util.Home;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `advisor bench stream`: profile and run on a large folder of 224x224 JPEGs under a small heap, peak memory and images/s per stage. */
@Command(name = "stream", mixinStandardHelpOptions = true,
        description = {"Generate N 224x224 RGB JPEGs (once), then run 'advisor profile' and 'advisor run --strategy LINEAR_FROZEN' on zoo "
                + "SqueezeNet (random weights), each in a JVM with only -Xmx, and report peak resident memory and images/s per stage."},
        footer = {"", "Example (issue 14's target: 20,000 images under -Xmx2g, peak RSS under 4 GB):",
            "  advisor bench stream --images 20000 --heap 2g --dir /var/tmp/advisor-stream"})
public final class BenchStreamCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--images", defaultValue = "20000", description = "Images to generate (default ${DEFAULT-VALUE}).")
    int images;

    @Option(names = "--heap", defaultValue = "2g", description = "-Xmx of each command's JVM (default ${DEFAULT-VALUE}).")
    String heap;

    @Option(names = "--dir", defaultValue = "/var/tmp/advisor-stream", description = "Where the images, cache and run go (default ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "-o", paramLabel = "FILE", description = "Markdown output (default docs/benchmarks/stream.md).")
    Path out;

    @Override
    public Integer call() throws Exception {
        Args.range(spec, "--images", images, 40, 1_000_000);
        Args.heapSize(spec, heap);
        Path jar = Args.benchJar(spec);
        Files.createDirectories(dir);
        String command = "advisor bench stream --images " + images + " --heap " + heap + " --dir " + dir;
        StreamBench.Result r = StreamBench.run(new StreamBench.Options(dir, images, heap, jar, command), spec.commandLine().getErr());
        BenchReport.publish(out != null ? out : Home.dir().resolve("docs/benchmarks/" + r.fileName()), r.markdown(), spec.commandLine().getOut());
        return ExitCodes.OK;
    }
}
