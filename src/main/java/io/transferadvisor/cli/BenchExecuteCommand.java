package io.transferadvisor.cli;

import io.transferadvisor.bench.BenchReport;
import io.transferadvisor.bench.CacheBench;
import io.transferadvisor.util.Home;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `advisor bench cache`: per-epoch time of a LINEAR_FROZEN plan with and without the feature cache. */
@Command(name = "cache", mixinStandardHelpOptions = true,
        description = "Per-epoch time of a LINEAR_FROZEN plan on fmnist-cnn (Fashion-MNIST classes 5-9) with and without the frozen-feature cache.",
        footer = {"", "Example:", "  advisor bench cache --cutoff b4_relu --epochs 3"})
public final class BenchExecuteCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--dataset", paramLabel = "YAML", description = "Dataset (default examples/fashion-large.yaml).")
    Path dataset;

    @Option(names = "--cutoff", paramLabel = "LAYER", defaultValue = "b4_relu", description = "Cut layer (default ${DEFAULT-VALUE}).")
    String cutoff;

    @Option(names = "--epochs", defaultValue = "3", description = "Epochs per run (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "-o", paramLabel = "FILE", description = "Markdown output (default docs/benchmarks/execute-cache.md).")
    Path out;

    @Override
    public Integer call() throws Exception {
        Args.range(spec, "--epochs", epochs, 1, 10_000);
        String md = CacheBench.run(dataset, cutoff, epochs);
        BenchReport.publish(out != null ? out : Home.dir().resolve("docs/benchmarks/execute-cache.md"), md, spec.commandLine().getOut());
        return ExitCodes.OK;
    }
}
