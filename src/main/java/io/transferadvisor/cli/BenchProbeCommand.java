package io.transferadvisor.cli;

import io.transferadvisor.bench.BenchReport;
import io.transferadvisor.bench.ProbeBench;
import io.transferadvisor.util.Home;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `advisor bench probe`: argument parsing around {@link ProbeBench}. */
@Command(name = "probe",
        mixinStandardHelpOptions = true,
        description = {"Time 'advisor profile' on fmnist-cnn for 500, 2,000 and 10,000 training images of Fashion-MNIST "
                + "classes 5-9 (cold feature cache, then warm), and one epoch of fine-tuning all layers with DL4J on the same "
                + "images; writes docs/benchmarks/probe.md."},
        footer = {"", "Example:", "  advisor bench probe"})
public final class BenchProbeCommand implements Callable<Integer> {
    @Option(names = "--sizes", split = ",", paramLabel = "N", defaultValue = "500,2000,10000",
            description = "Training-set sizes (multiples of 5). Default: ${DEFAULT-VALUE}.")
    int[] sizes;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "/usr/share/datasets/fashion-mnist",
            description = "Folder with the Fashion-MNIST IDX files. Default: ${DEFAULT-VALUE}.")
    Path data;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Where to write the table. Default: docs/benchmarks/probe.md.")
    Path out;

    @Option(names = "--epoch-budget", paramLabel = "SECONDS", defaultValue = "120",
            description = "Train at most this long per size and extrapolate the epoch time linearly. Default: ${DEFAULT-VALUE}.")
    double epochBudget;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec commandSpec;

    @Override
    public Integer call() throws IOException {
        Args.positive(commandSpec, "--epoch-budget", epochBudget);
        ProbeBench.Options options;
        try {
            options = new ProbeBench.Options(sizes, data, epochBudget);
        } catch (io.transferadvisor.UsageException e) {
            throw new CommandLine.ParameterException(commandSpec.commandLine(), e.getMessage());
        }
        String md = ProbeBench.run(options, commandSpec.commandLine().getErr());
        BenchReport.publish(out != null ? out : Home.dir().resolve("docs/benchmarks/probe.md"), md, commandSpec.commandLine().getOut());
        return ExitCodes.OK;
    }
}
